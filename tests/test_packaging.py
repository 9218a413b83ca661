"""What `pip install .` brings: the license, and only what production runs."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _names(requirements: list[str]) -> set[str]:
    """The distribution names: "psycopg[binary]>=3.2,<4" -> "psycopg"."""
    return {re.match(r"[A-Za-z0-9._-]+", r).group().lower() for r in requirements}


def test_the_project_is_licensed_under_apache_2_with_the_full_text():
    assert PROJECT["license"] == "Apache-2.0"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_a_production_install_pulls_no_development_test_or_lint_tool():
    tools = _names([r for extra in ("dev", "test", "lint") for r in PROJECT["optional-dependencies"][extra]])
    assert {"honcho", "pytest", "ruff", "mypy", "django-stubs", "bandit", "pip-audit", "playwright"} <= tools
    assert _names(PROJECT["dependencies"]) & tools == set()
    assert "psycopg" not in _names(PROJECT["dependencies"])
    assert _names(PROJECT["optional-dependencies"]["postgres"]) == {"psycopg"}


def test_postgres_without_its_driver_says_which_extra_to_install():
    hide_driver = (
        "import importlib.util; find = importlib.util.find_spec; "
        "importlib.util.find_spec = lambda name, *a: None if name in ('psycopg', 'psycopg2') else find(name, *a); "
        "import peersupport.settings"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://someone@127.0.0.1:5432/anything"}
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", hide_driver], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "pip install '.[postgres]'" in result.stderr


def test_the_production_web_server_is_its_own_extra_and_make_setup_installs_it():
    assert _names(PROJECT["optional-dependencies"]["server"]) == {"gunicorn"}
    assert "gunicorn" not in _names(PROJECT["dependencies"])
    assert ",server]" in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert (ROOT / "deploy" / "gunicorn.conf.py").is_file()
