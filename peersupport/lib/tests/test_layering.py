"""The ground floor stays the ground floor: `peersupport.lib` imports no app of ours, and the
outbox's services never import its tasks module (the tasks import the services)."""

import ast
from pathlib import Path

import peersupport

PACKAGE = Path(peersupport.__file__).parent


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_lib_imports_no_app_of_ours():
    offenders = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in (PACKAGE / "lib").rglob("*.py")
        if "tests" not in path.parts
        for name in imported_modules(path)
        if name.startswith("peersupport.") and not name.startswith("peersupport.lib")
    }
    assert offenders == set()


def test_outbox_services_do_not_import_its_tasks():
    services = imported_modules(PACKAGE / "notifications" / "services.py")
    assert not {name for name in services if name.startswith("peersupport.notifications.tasks")}


def test_the_layering_check_sees_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from peersupport.cases.models import Case\n")
    assert "peersupport.cases.models" in imported_modules(sample)
