"""One access gate per object type: whatever answers a request reaches case data only through a gate.

The gates (`peersupport/cases/access.py`, `peersupport/referrals/access.py`) decide who may see
which case or referral, and audit it. The rule this test checks, precisely:

1. *Answering modules* hold what turns a request into an answer: every module of a view the URLs
   route to (walked from the URL resolver), every `views*.py`, and every module of the API.
2. *Reachable modules* are ours that an answering module imports, directly or through others, at
   the top of a module or inside a function. The walk stops at a gate: what a gate imports is
   reached only through the gate.
3. A *direct query* uses the manager (`objects`, `_default_manager`, `_base_manager`) of a
   case-data model (every model of the cases and referrals apps), whatever name it was
   imported under.
4. In a reachable module that is not a gate, every function with a direct query must be one of:
   - *gated*: it calls a gate function (a gate's public function that hands out case data; a
     role check alone is none), or a function of its own module that is gated (a service that
     takes the case through `case_for_user` first, then changes it);
   - *reviewed*: listed in `REVIEWED` below with the reason it shows no one a case they could
     not open (a job the views only share a module with, matching facts never shown);
   - a private helper (`_name`) whose callers in its module are all gated or reviewed.
   No module-level code queries case data, and a reviewed name that no longer exists fails too.

So a view that reads a case through a new selector fails here, wherever the selector lives and
however many modules lie between them (`test_the_rule_catches_a_view_reaching_a_case_through_a_new_selector`).
"""

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

BASE = Path(settings.BASE_DIR)
PACKAGE = "peersupport"
GATES = {"peersupport.cases.access", "peersupport.referrals.access"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}

# Functions that query case data directly without a gate, each with why that is safe. Keep it
# short: a new entry is a new way for data to reach a page, and needs a reviewer's reason.
JOB = "a scheduled job's work, for the program and no user; views import the module for other functions"
REVIEWED = {
    "peersupport.cases.actions.case_mark_unreachable_when_due": JOB + " (the reminders job)",
    "peersupport.cases.retention.expired_cases": JOB + " (the retention purge)",
    "peersupport.cases.retention.referrals_to_purge": JOB + " (the retention purge)",
    "peersupport.cases.retention.retention_purge": JOB + " (the retention purge)",
    "peersupport.cases.timeliness.send_due_notices": JOB + " (the reminders job)",
    "peersupport.matching.selectors.case_facts_for": (
        "matching facts for cases the caller already opened through a gate: the other peers of "
        "the same event are ids for the hard rules, never shown"),
    "peersupport.matching.selectors.open_case_counts": (
        "each supporter's number of open cases, for the case limit and the load score: counts "
        "per supporter id, no case's data"),
    "peersupport.matching.selectors.plan_for_referral": (
        "the joint plan, called by case services only with a referral that program staff opened "
        "through referral_for_program_staff"),
    "peersupport.cases.models.with_referral_links": (
        "a QuerySet method that refines cases the caller already took from a gate: it prefetches "
        "the referral links of those cases only"),
    "peersupport.team.selectors.contributions": (
        "a supporter's own counts (outreach tries, cases held, conversation minutes) by supporter "
        "id, for their page and the recognition list: numbers, never a case's data"),
    "peersupport.planner.selectors.history_year": (
        "the planner: the date of the program's first case, to know whether it has a year of history"),
    "peersupport.planner.selectors.role_history": (
        "the planner: distinct clinicians referred in the last 12 months counted by role, used only "
        "when a count reaches the small-count threshold; no case's data"),
    "peersupport.planner.selectors.encounter_history": (
        "the planner: totals of closed cases, conversations and minutes over the last 12 months; "
        "no case's data"),
    "peersupport.publicity.selectors.referrals_by_source": (
        "counts of referrals by month and source, grouped in the database, for program staff: "
        "numbers with small ones hidden, never a referral or a case"),
    "peersupport.reports.selectors.first_data_year": (
        "the first year with any referral or case, for the reports' period choices: a year, no case's data"),
    "peersupport.reports.tables.case_outcomes": (
        "leadership's reports: counts grouped by category, the peer's role, department and site as "
        "the case kept them, outcome and month in the database, small ones suppressed jointly; no "
        "case's data leaves the query"),
    "peersupport.reports.tables._referrals_and_reach": "leadership's reports: grouped counts, suppressed",
    "peersupport.reports.tables._encounters": (
        "leadership's reports: grouped counts and minutes, suppressed"),
    "peersupport.reports.tables._resources": "leadership's reports: grouped counts, suppressed",
    "peersupport.reports.measures.case_times": (
        "leadership's timing tables: the category, role, department, site and minutes to each step "
        "of one period's cases, read into Python only to work out medians, 90th percentiles and "
        "shares, each published only from at least the threshold of cases; no case leaves it"),
    "peersupport.referrals.services.referral_create": (
        "makes a referral and its cases; answers with the referrer's own receipt, or the same "
        "referral again for the same login and idempotency key, or, from the signed safety-report "
        "intake, for the same external_ref (the receipt only)"),
}


def case_data_models() -> set[str]:
    return {model.__name__ for label in ("cases", "referrals") for model in apps.get_app_config(label).get_models()}


# The import graph and the functions of our modules.


@dataclass
class Function:
    name: str
    queries: list[int] = field(default_factory=list)  # line numbers of direct queries
    calls: set[str] = field(default_factory=set)  # names called (after import aliases)


@dataclass
class Module:
    name: str
    path: Path
    imports: set[str] = field(default_factory=set)
    functions: dict[str, Function] = field(default_factory=dict)
    top_level_queries: list[int] = field(default_factory=list)


def module_names(base: Path, package: str) -> dict[str, Path]:
    paths = {}
    for path in sorted((base / package).rglob("*.py")):
        relative = path.relative_to(base).with_suffix("")
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        paths[".".join(parts)] = path
    return paths


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterable[tuple[str, str, str]]:
    """(module imported, name bound here, the name it refers to) for each name an import binds."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, alias.asname or alias.name.partition(".")[0], ""
        return
    base = node.module or ""
    if node.level:
        parent = module.split(".") if is_package else module.split(".")[:-1]
        parent = parent[: len(parent) - node.level + 1]
        base = ".".join([*parent, base] if base else parent)
    for alias in node.names:
        yield f"{base}.{alias.name}", alias.asname or alias.name, alias.name
        yield base, alias.asname or alias.name, alias.name


def parse(name: str, path: Path, known: dict[str, Path], models: set[str]) -> Module:
    module = Module(name, path)
    tree = ast.parse(path.read_text())
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for imported, bound, original in _imported(node, name, path.name == "__init__.py"):
                if original:
                    aliases[bound] = original
                while imported and imported not in known:
                    imported = imported.rpartition(".")[0]
                if imported and imported != name:
                    module.imports.add(imported)

    def real(name: str) -> str:
        return aliases.get(name, name)

    def is_query(node: ast.AST) -> bool:
        if not isinstance(node, ast.Attribute) or node.attr not in MANAGERS:
            return False
        owner = node.value
        return (isinstance(owner, ast.Name) and real(owner.id) in models) or (
            isinstance(owner, ast.Attribute) and owner.attr in models)

    def visit(node: ast.AST, function: Function | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = module.functions.setdefault(child.name, Function(child.name))
                visit(child, inner)
                continue
            if is_query(child):
                (function.queries if function else module.top_level_queries).append(child.lineno)
            if function is not None and isinstance(child, ast.Call):
                callee = child.func
                if isinstance(callee, ast.Name):
                    function.calls.add(real(callee.id))
                elif isinstance(callee, ast.Attribute):
                    function.calls.add(callee.attr)
            visit(child, function)

    visit(tree, None)
    return module


def answering_modules(known: dict[str, Path], package: str) -> set[str]:
    """Modules with views: from the URLs, every `views*.py` (and `views/`), and the API's modules."""
    names = {name for name in known if name.rpartition(".")[2].startswith("views") or ".views." in name
             or name.startswith(f"{package}.api.")}
    if package == PACKAGE:
        names |= {name for name in routed_view_modules() if name in known}
    return names


def routed_view_modules() -> set[str]:
    found = set()

    def walk(patterns: list) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", pattern.callback)
                found.add(view.__module__)

    walk(get_resolver().url_patterns)
    return found


def reachable(modules: dict[str, Module], entries: set[str], gates: set[str]) -> dict[str, list[str]]:
    """Each module reached from an entry, with one path that reaches it; gates are not walked into."""
    paths: dict[str, list[str]] = {}
    queue = [(entry, [entry]) for entry in sorted(entries)]
    while queue:
        name, path = queue.pop(0)
        if name in paths or name not in modules:
            continue
        paths[name] = path
        if name in gates:
            continue
        queue += [(imported, [*path, imported]) for imported in sorted(modules[name].imports)]
    return paths


def _gate_functions(gate: Module) -> set[str]:
    """A gate's public functions that hand out case data: they query it, or call one that does.

    A role check alone (`require_case_role`) or a predicate (`is_case_supporter`) is no gate: a
    function that calls only those and then queries would show a supporter every case.
    """
    functions = gate.functions
    handing_out = {f.name for f in functions.values() if f.queries}
    while more := {f.name for f in functions.values() if f.calls & handing_out} - handing_out:
        handing_out |= more
    return {name for name in handing_out if not name.startswith("_")}


def offenders(
    base: Path, package: str, gates: set[str], models: set[str], reviewed: dict[str, str],
    entries: set[str] | None = None,
) -> list[str]:
    known = module_names(base, package)
    modules = {name: parse(name, path, known, models) for name, path in known.items()}
    gate_functions = set().union(*(_gate_functions(modules[gate]) for gate in gates if gate in modules))
    paths = reachable(modules, entries if entries is not None else answering_modules(known, package), gates)
    problems = []
    for name in sorted(paths):
        if name in gates:
            continue
        module = modules[name]
        route = " > ".join(paths[name])
        problems += [f"{name}:{line}: a query at module level (reached by {route})"
                     for line in module.top_level_queries]
        functions = module.functions
        gated = {f.name for f in functions.values() if f.calls & gate_functions}
        while True:
            more = {f.name for f in functions.values() if f.calls & gated} - gated
            if not more:
                break
            gated |= more
        accepted = gated | {f for f in functions if f"{name}.{f}" in reviewed}
        while True:
            more = {
                helper for helper in functions if helper.startswith("_") and helper not in accepted
                and (callers := [f.name for f in functions.values() if helper in f.calls and f.name != helper])
                and all(caller in accepted for caller in callers)
            }
            if not more:
                break
            accepted |= more
        problems += [
            f"{name}.{f.name}:{f.queries[0]}: queries case data without a gate (reached by {route})"
            for f in functions.values() if f.queries and f.name not in accepted
        ]
    reachable_functions = {f"{name}.{f}" for name in paths for f in modules[name].functions}
    problems += [f"{stale}: reviewed, but no reachable function has this name"
                 for stale in sorted(set(reviewed) - reachable_functions)]
    return problems


def test_views_and_api_reach_case_data_only_through_the_gates():
    models = case_data_models()
    assert {"Case", "Referral", "Encounter", "OutreachAttempt", "Assignment"} <= models
    known = module_names(BASE, PACKAGE)
    entries = answering_modules(known, PACKAGE)
    assert len(entries) > 15, "the views and API modules were not found"
    assert {"peersupport.front.views_my_data", "peersupport.api.cases"} <= entries
    assert routed_view_modules() & set(known) <= entries
    assert offenders(BASE, PACKAGE, GATES, models, REVIEWED) == []


# The rule itself, on a small made-up program.

SYNTHETIC = {
    "__init__.py": "",
    "models.py": "class Case: ...\n",
    "access.py": (
        "from shop.models import Case\n"
        "from shop import gated_only\n"
        "def require_case_role(user):\n"
        "    assert user.role == 'supporter'\n"
        "def case_for_user(user, case_id):\n"
        "    require_case_role(user)\n"
        "    return Case.objects.get(pk=case_id, supporter=user)\n"
    ),
    "gated_only.py": "from shop.models import Case\ndef everything():\n    return Case.objects.all()\n",
    "services.py": (
        "from shop.access import case_for_user\n"
        "from shop.models import Case\n"
        "def case_close(user, case_id):\n"
        "    case = _open(user, case_id)\n"
        "    _save(case)\n"
        "def _open(user, case_id):\n"
        "    return case_for_user(user, case_id)\n"
        "def _save(case):\n"
        "    Case.objects.filter(pk=case.pk).update(state='closed')\n"
    ),
    "views.py": "from shop import services\nfrom shop.access import case_for_user\n",
}
SELECTOR = (
    "from shop.models import Case as TheCase\n"
    "def cases_in_ward(ward):\n"
    "    return TheCase.objects.filter(ward=ward)\n"
)


def make_program(tmp_path: Path, **extra: str) -> Path:
    (tmp_path / "shop").mkdir()
    for name, text in {**SYNTHETIC, **extra}.items():
        (tmp_path / "shop" / name).write_text(text)
    return tmp_path


def check(base: Path, reviewed: dict[str, str] | None = None) -> list[str]:
    return offenders(base, "shop", {"shop.access"}, {"Case"}, reviewed or {}, entries={"shop.views"})


def test_the_rule_passes_gates_and_services_that_go_through_a_gate(tmp_path):
    assert check(make_program(tmp_path)) == []


def test_the_rule_catches_a_view_reaching_a_case_through_a_new_selector(tmp_path):
    base = make_program(
        tmp_path,
        **{"selectors.py": SELECTOR, "helpers.py": "from shop.selectors import cases_in_ward\n",
           "views.py": SYNTHETIC["views.py"] + "def ward(request):\n    from shop import helpers\n"},
    )
    [problem] = check(base)
    assert problem.startswith("shop.selectors.cases_in_ward:3: queries case data without a gate")
    assert "shop.views > shop.helpers > shop.selectors" in problem
    # A reviewed reason lets it pass; a reviewed name that is not there fails.
    assert check(base, {"shop.selectors.cases_in_ward": "why"}) == []
    assert "shop.selectors.gone: reviewed, but no reachable function has this name" in check(
        base, {"shop.selectors.gone": "why"})


def test_the_rule_catches_an_ungated_function_and_a_private_helper_of_one(tmp_path):
    services = SYNTHETIC["services.py"] + (
        "def case_list():\n    return _save_all()\ndef _save_all():\n    return Case.objects.all()\n")
    problems = check(make_program(tmp_path, **{"services.py": services}))
    assert [p.partition(":")[0] for p in problems] == ["shop.services._save_all"]


def test_a_role_check_alone_is_no_gate(tmp_path):
    services = SYNTHETIC["services.py"] + (
        "from shop.access import require_case_role\n"
        "def case_list(user):\n    require_case_role(user)\n    return Case.objects.all()\n")
    problems = check(make_program(tmp_path, **{"services.py": services}))
    assert [p.partition(":")[0] for p in problems] == ["shop.services.case_list"]
