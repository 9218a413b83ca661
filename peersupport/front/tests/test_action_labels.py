"""Every action the code writes to the audit trail has a readable label (`/my/data/`, the case page).

The action strings are found in the source, so a new one fails here until it has a label. A
recorder is `audit_record`, `audit_record_many`, a direct `AuditEntry(...)` or
`AuditEntry.objects.create(...)`, and any function that passes a parameter of its own named
`action` on to a recorder (`case_for_user`, `_open_for_action`, ...). In every call to a recorder:
- the `action=` keyword, or the argument in the `action` parameter's position;
- that parameter's default (`case_for_user`'s "case.view");
- both branches of a conditional (`"case.reassigned" if previous else "case.assigned"`);
- an f-string, through `TEMPLATES` below, which lists the values it takes.
A parameter passed on (`action=action`) is covered where its value is written; any other
expression must be resolved here by hand, so the test fails on one.
"""

import ast
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from peersupport.audit.labels import ACTION_LABELS
from peersupport.cases.models import StepNotice

ROOT = Path(settings.BASE_DIR) / "peersupport"
# Each recorder, with the position of its `action` when it may be given positionally. An `Entry`
# (for `audit_record_all`) names its action first.
RECORDERS = {"audit_record": None, "audit_record_many": None, "AuditEntry": None, "Entry": 0}
# f-strings that name an action, with the values their placeholder takes.
TEMPLATES = {"case.{}": StepNotice.Kind.values}

Function = ast.FunctionDef | ast.AsyncFunctionDef


def product_modules() -> list[Path]:
    return [path for path in sorted(ROOT.rglob("*.py"))
            if "tests" not in path.parts and "migrations" not in path.parts]


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "create" and ast.unparse(func.value) == "AuditEntry.objects":
        return "AuditEntry"
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _positional(function: Function) -> list[str]:
    return [a.arg for a in [*function.args.posonlyargs, *function.args.args]]


def _action_default(function: Function) -> ast.expr | None:
    positional = _positional(function)
    defaults = dict(zip(positional[len(positional) - len(function.args.defaults):], function.args.defaults,
                        strict=True))
    defaults.update({a.arg: d for a, d in zip(function.args.kwonlyargs, function.args.kw_defaults, strict=True)
                     if d is not None})
    return defaults.get("action")


def _action_arguments(call: ast.Call, recorders: dict[str, int | None]) -> list[ast.expr]:
    name = _callee(call)
    if name not in recorders:
        return []
    values = [keyword.value for keyword in call.keywords if keyword.arg == "action"]
    index = recorders[name]
    if index is not None and len(call.args) > index:
        values.append(call.args[index])
    return values


@dataclass
class Site:
    """A call to a recorder, inside `function` (None: at module level)."""

    where: str
    call: ast.Call
    function: Function | None


@dataclass
class Source:
    functions: list[Function] = field(default_factory=list)
    calls: list[Site] = field(default_factory=list)


def _walk(path: Path) -> Source:
    source = Source()

    def visit(node: ast.AST, function: Function | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, Function):
                source.functions.append(child)
                visit(child, child)
            else:
                if isinstance(child, ast.Call):
                    source.calls.append(Site(f"{path.relative_to(ROOT)}:{child.lineno}", child, function))
                visit(child, function)

    visit(ast.parse(path.read_text()), None)
    return source


def _values(node: ast.expr, site: Site) -> tuple[set[str], list[str]]:
    """The action strings an expression can take, and what could not be resolved."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}, []
    if isinstance(node, ast.IfExp):
        body, body_problems = _values(node.body, site)
        orelse, orelse_problems = _values(node.orelse, site)
        return body | orelse, body_problems + orelse_problems
    if isinstance(node, ast.JoinedStr):
        template = "".join(str(part.value) if isinstance(part, ast.Constant) else "{}" for part in node.values)
        if template not in TEMPLATES:
            return set(), [f"{site.where}: f-string {template!r} is not in TEMPLATES"]
        return {template.format(value) for value in TEMPLATES[template]}, []
    if isinstance(node, ast.Name) and node.id == "action" and site.function is not None:
        return set(), []  # passed on: recorded where the caller wrote it
    if ast.unparse(node) == "entry.action" and site.function is not None and site.function.name == "audit_record_all":
        return set(), []  # an Entry's: recorded where the Entry was made
    return set(), [f"{site.where}: cannot tell which action {ast.unparse(node)!r} is"]


def recorded_actions(paths: list[Path]) -> tuple[set[str], list[str]]:
    sources = [_walk(path) for path in paths]
    recorders: dict[str, int | None] = dict(RECORDERS)
    defaults: dict[str, ast.expr] = {}
    # Functions that pass their own `action` on to a recorder are recorders too.
    changed = True
    while changed:
        changed = False
        for source in sources:
            for site in source.calls:
                function = site.function
                if function is None or function.name in recorders:
                    continue
                if not any(isinstance(value, ast.Name) and value.id == "action"
                           for value in _action_arguments(site.call, recorders)):
                    continue
                positional = _positional(function)
                recorders[function.name] = positional.index("action") if "action" in positional else None
                default = _action_default(function)
                if default is not None:
                    defaults[function.name] = default
                changed = True

    actions: set[str] = set()
    problems: list[str] = []
    for source in sources:
        for site in source.calls:
            for value in _action_arguments(site.call, recorders):
                found, unresolved = _values(value, site)
                actions |= found
                problems += unresolved
    for name, default in defaults.items():
        found, unresolved = _values(default, Site(f"the default of {name}()", ast.Call(), None))
        actions |= found
        problems += unresolved
    return actions, sorted(set(problems))


def test_every_action_the_code_records_has_a_readable_label():
    actions, problems = recorded_actions(product_modules())
    assert problems == []
    # The finder finds a gate's default, a positional one, both branches and an f-string.
    assert {"case.view", "case.outreach", "case.reassigned", "case.assigned", "case.escalation",
            "access.denied", "subject_access.view", "auth.sign_in"} <= actions
    missing = sorted(actions - set(ACTION_LABELS))
    assert missing == [], "give each a label in peersupport/audit/labels.py's ACTION_LABELS"
