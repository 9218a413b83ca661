"""Every catalog is complete: each message its app marks for translation has a Spanish entry.

For each catalog in the tree (`peersupport/<app>/locale/<lang>/LC_MESSAGES/django.po`, and the
project templates' `peersupport/locale/`), `makemessages` runs on a temporary copy of its app, so
the working tree is never touched; the copy's merged catalog must then have no entry that is new
(missing from the committed .po), untranslated or fuzzy. The catalogs are checked in parallel.
"""

import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import peersupport

PACKAGE = Path(peersupport.__file__).parent
DJANGO_ADMIN = Path(sys.executable).with_name("django-admin")
# Folders never worth copying: no message a person reads is in them (tests included: keeps the check fast).
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "static", "migrations", "tests")

pytestmark = pytest.mark.skipif(shutil.which("msgmerge") is None,
                                reason="gettext's tools are missing: apt-get install gettext")


def catalogs() -> list[Path]:
    """Every committed catalog: the project templates' and each app's."""
    return sorted(PACKAGE.glob("locale/*/LC_MESSAGES/django.po")) + sorted(
        PACKAGE.glob("*/locale/*/LC_MESSAGES/django.po"))


def parse_po(text: str) -> dict[str, dict[str, object]]:
    """msgid (with its context, if any) -> {"translated": bool, "fuzzy": bool}; obsolete entries
    (#~) and the header are left out. Enough of the format for what makemessages writes."""
    entries: dict[str, dict[str, object]] = {}
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        current = ""
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        msgid = fields.get("msgid", "")
        if not msgid:
            continue  # the header
        key = f"{fields['msgctxt']}\x04{msgid}" if "msgctxt" in fields else msgid
        translations = [value for name, value in fields.items() if name.startswith("msgstr")]
        entries[key] = {"translated": bool(translations) and all(translations), "fuzzy": fuzzy}
    return entries


def catalog_problems(catalog: Path, workdir: Path) -> list[str]:
    """What is missing, untranslated or fuzzy in one catalog once its app's messages are
    extracted again, each as "<catalog>: <problem>: <msgid>"."""
    locale_dir = catalog.parents[2]  # .../locale
    language = catalog.parents[1].name
    root = locale_dir.parent
    copy = workdir / root.name
    if root == PACKAGE:
        # The project catalog holds the project templates' messages only, not the apps'.
        shutil.copytree(root / "templates", copy / "templates", ignore=SKIPPED)
    else:
        shutil.copytree(root, copy, ignore=SKIPPED)
    shutil.copytree(locale_dir, copy / "locale", dirs_exist_ok=True)
    result = subprocess.run(  # noqa: S603 - our own django-admin, fixed arguments
        [str(DJANGO_ADMIN), "makemessages", "-l", language, "--no-location", "--verbosity", "0"],
        cwd=copy, capture_output=True, text=True, timeout=120, check=False,
    )
    label = str(catalog.relative_to(PACKAGE.parent)) if catalog.is_relative_to(PACKAGE.parent) else str(catalog)
    if result.returncode != 0:
        return [f"{label}: makemessages failed: {result.stderr.strip()[:500]}"]
    committed = parse_po(catalog.read_text(encoding="utf-8"))
    merged = parse_po((copy / "locale" / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    problems = []
    for msgid, entry in merged.items():
        shown = msgid.replace("\x04", " | ").replace("\\n", " ")[:120]
        if msgid not in committed:
            problems.append(f"{label}: missing: {shown!r}")
        elif entry["fuzzy"]:
            problems.append(f"{label}: fuzzy: {shown!r}")
        elif not entry["translated"]:
            problems.append(f"{label}: untranslated: {shown!r}")
    return problems


def all_problems(paths: list[Path], workdir: Path) -> list[str]:
    def check(numbered: tuple[int, Path]) -> list[str]:
        number, path = numbered
        (workdir / str(number)).mkdir()
        return catalog_problems(path, workdir / str(number))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return [problem for problems in pool.map(check, enumerate(paths)) for problem in problems]


def test_every_catalog_has_every_message_translated(tmp_path):
    found = catalogs()
    assert found, "no catalog found: every app with translatable text keeps one (README.md, Languages)"
    problems = all_problems(found, tmp_path)
    assert problems == [], "Translate these (then `make setup`):\n" + "\n".join(problems)


def test_the_project_and_the_peers_apps_ship_spanish():
    shipped = {str(path.relative_to(PACKAGE)) for path in catalogs()}
    for catalog in ["locale", "support/locale", "referrals/locale", "notifications/locale",
                    "feedback/locale", "resources/locale"]:
        assert f"{catalog}/es/LC_MESSAGES/django.po" in shipped


def _fixture_app(tmp_path: Path, template: str, po_entries: str) -> Path:
    app = tmp_path / "source" / "tinyapp"
    (app / "templates").mkdir(parents=True)
    (app / "templates" / "page.html").write_text("{% load i18n %}" + template, encoding="utf-8")
    catalog = app / "locale" / "es" / "LC_MESSAGES" / "django.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + po_entries,
                       encoding="utf-8")
    return catalog


def test_the_check_names_a_new_text_without_a_spanish_entry(tmp_path):
    catalog = _fixture_app(tmp_path, '{% translate "Welcome" %} {% translate "New text" %}',
                           'msgid "Welcome"\nmsgstr "Bienvenido"\n')
    (tmp_path / "work").mkdir()
    problems = catalog_problems(catalog, tmp_path / "work")
    assert len(problems) == 1
    assert "missing: 'New text'" in problems[0]


def test_the_check_names_untranslated_and_fuzzy_entries_and_passes_a_complete_catalog(tmp_path):
    catalog = _fixture_app(tmp_path, '{% translate "Welcome" %} {% translate "Goodbye" %} {% translate "Thanks" %}',
                           'msgid "Welcome"\nmsgstr ""\n\n#, fuzzy\nmsgid "Goodbye"\nmsgstr "Adiós"\n\n'
                           'msgid "Thanks"\nmsgstr "Gracias"\n')
    (tmp_path / "work").mkdir()
    assert sorted(catalog_problems(catalog, tmp_path / "work")) == sorted([
        f"{catalog}: untranslated: 'Welcome'", f"{catalog}: fuzzy: 'Goodbye'"])

    complete = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                'msgid "Welcome"\nmsgstr "Bienvenido"\n\nmsgid "Goodbye"\nmsgstr "Adiós"\n\n'
                'msgid "Thanks"\nmsgstr "Gracias"\n')
    catalog.write_text(complete, encoding="utf-8")
    (tmp_path / "again").mkdir()
    assert catalog_problems(catalog, tmp_path / "again") == []
    # The check ran on a copy: the app's own catalog is as it was.
    assert catalog.read_text(encoding="utf-8") == complete
