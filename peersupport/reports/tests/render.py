"""The deck as LibreOffice renders it: converted to PDF headless, its pages' text read with pypdf."""

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

CONVERT_SECONDS = 180


def soffice() -> str:
    """LibreOffice's command; skipped without it, except under CI, where it is a failure."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must render the deck, but LibreOffice (soffice) is missing; .ci/run installs "
                        "libreoffice-impress")
        pytest.skip("LibreOffice is not installed (no soffice); apt-get install libreoffice-impress")
    return found


def pdf_pages(deck: bytes, folder: Path) -> list[str]:
    """Each page's text, with every run of white space (line breaks too) made one space."""
    source = folder / "deck.pptx"
    source.write_bytes(deck)
    profile = folder / "profile"  # its own profile: no clash with another LibreOffice running
    subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(source)],
        check=True, timeout=CONVERT_SECONDS, capture_output=True,
    )
    reader = PdfReader(io.BytesIO((folder / "deck.pdf").read_bytes()))
    return [flat(page.extract_text()) for page in reader.pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
