"""deploy/roster-sync.sh, the file-drop sync docs/integrations.md gives to cron: it archives a file
that imported and leaves one that did not, passing on the command's exit code. The command
itself is played by a stand-in that exits with the code asked for (test_import_command.py tests
the real one)."""

import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "roster-sync.sh"


def sync(folder: Path, exit_code: int, **more: str) -> subprocess.CompletedProcess[str]:
    stand_in = folder / ".venv" / "bin" / "python"
    stand_in.parent.mkdir(parents=True, exist_ok=True)
    stand_in.write_text(f'#!/bin/sh\necho "called with: $*"\nexit {exit_code}\n')
    stand_in.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "ROSTER_DROP": str(folder / "drop" / "roster.csv"),
           "ROSTER_DONE": str(folder / "drop" / "done"), "ROSTER_MAPPING": "Workday export", **more}
    return subprocess.run([str(SCRIPT)], cwd=folder, env=env, capture_output=True, text=True, check=False)  # noqa: S603


def test_nothing_to_import_is_not_a_failure(tmp_path):
    result = sync(tmp_path, 0)
    assert result.returncode == 0 and "no file to import" in result.stdout


def test_an_imported_file_is_archived(tmp_path):
    (tmp_path / "drop").mkdir()
    (tmp_path / "drop" / "roster.csv").write_text("Employee ID,Name\n")
    result = sync(tmp_path, 0)
    assert result.returncode == 0
    assert "import_roster" in result.stdout and "--mapping Workday export --deactivate-missing" in result.stdout
    assert not (tmp_path / "drop" / "roster.csv").exists()
    assert len(list((tmp_path / "drop" / "done").glob("roster-*.csv"))) == 1


@pytest.mark.parametrize("code", [1, 2, 3])
def test_a_file_that_fails_stays_for_the_next_run_with_the_exit_code(tmp_path, code):
    (tmp_path / "drop").mkdir()
    (tmp_path / "drop" / "roster.csv").write_text("Employee ID,Name\n")
    result = sync(tmp_path, code)
    assert result.returncode == code
    assert f"not imported (exit {code}): nothing was changed" in result.stdout
    assert (tmp_path / "drop" / "roster.csv").exists()


@pytest.mark.parametrize(("program", "passed"), [("northside", "--program northside"), ("all", "--all-programs")])
def test_a_programs_drop_is_imported_for_that_program(tmp_path, program, passed):
    (tmp_path / "drop").mkdir()
    (tmp_path / "drop" / "roster.csv").write_text("Employee ID,Name\n")
    result = sync(tmp_path, 0, ROSTER_PROGRAM=program)
    assert result.returncode == 0
    assert f"--deactivate-missing --no-progress {passed}" in result.stdout
    assert len(list((tmp_path / "drop" / "done").glob(f"{program}-*.csv"))) == 1
