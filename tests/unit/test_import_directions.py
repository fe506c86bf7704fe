"""The web app's import directions (DESIGN.md §4): no circle between modules. Pages and APIs sit on top: they
use any feature's services and tables, never another feature's pages. A feature's services use the
services of features below it and any feature's tables; tables import only tables and infrastructure;
infrastructure imports only infrastructure and the organisation's tables."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import webapp

SHELL = Path(webapp.__file__).parent

# Bottom to top. "infra.x" is the module webapp/infra/x.py (or package); other names are feature packages.
ORDER = [
    "infra.clock",
    "infra.errors",
    "infra.sealing",
    "infra.db",
    "infra.paging",
    "infra.http_headers",
    "infra.migrate",
    "infra.bounds",
    "infra.fonts",
    "org",
    "infra.security",
    "infra.nav",
    "infra.templating",
    "infra.api",
    "infra.openapi",
    "uploads",
    "standing",
    "bank",
    "laws",
    "certs",
    "exams",
    "posts",
    "handbooks",
    "auth",
    "inspections",
    "training",
    "reports",
    "records",
    "dashboard",
    "reminders",
    "roster",
    "signin_locks",
    "admin",
    "bankreview",
    "analysis",
    "platform",
    "oversight",
    "home",
    "demo",
]
RANK = {unit: i for i, unit in enumerate(ORDER)}
COMPOSERS = {"webapp", "api"}  # create_app/prepare and the /api/v1 blueprint's composition import anything
PAGE_MODULES = {"routes", "api", "openapi", "forms", "cli", "blueprint"}


def module_name(path: Path) -> str:
    parts = ("webapp", *path.relative_to(SHELL).with_suffix("").parts)
    return ".".join(parts).removesuffix(".__init__")


def shell_modules() -> dict[str, Path]:
    return {
        module_name(p): p
        for p in SHELL.rglob("*.py")
        if "migrations" not in p.relative_to(SHELL).parts
    }  # fmt: skip


def imports_of(path: Path, known: Iterable[str]) -> set[str]:
    """The webapp modules `path` imports, at module level or inside a function."""
    known = set(known)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):  # a bare `import webapp` reads the package's path, nothing more
            found |= {a.name for a in node.names if a.name.startswith("webapp.")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "webapp":
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return {m for m in found if m in known}


def unit(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "webapp"
    if parts[1] == "infra":
        return ".".join(parts[1:3]) if len(parts) > 2 else "infra"
    return parts[1]


def is_page(module: str) -> bool:
    parts = module.split(".")
    if unit(module) in COMPOSERS:
        return True
    if len(parts) == 2 and parts[1] != "infra":  # a feature's __init__ exposes its blueprint
        return True
    leaf = parts[-1]
    return parts[1] != "infra" and (leaf in PAGE_MODULES or leaf.endswith("_routes"))


def is_tables(module: str) -> bool:
    return module.split(".")[-1] == "models"


def wrong_directions(edges: Iterable[tuple[str, str]]) -> list[str]:
    found = []
    for a, b in sorted(edges):
        ua, ub = unit(a), unit(b)
        if ua == ub or ua in COMPOSERS:
            continue
        if b == "webapp" and a.split(".")[-1] == "cli":
            continue  # a command builds the app with create_app
        if ua not in RANK or ub not in RANK and ub not in COMPOSERS:
            found.append(f"{a} -> {b}: {ua if ua not in RANK else ub} has no place in ORDER")
        elif is_page(b):
            found.append(f"{a} -> {b}: imports another feature's pages")
        elif ua.startswith("infra") and not (ub.startswith("infra") or b == "webapp.org.models"):
            found.append(f"{a} -> {b}: infrastructure imports a feature")
        elif is_page(a):
            continue
        elif is_tables(a) and not (is_tables(b) or ub.startswith("infra")):
            found.append(f"{a} -> {b}: tables import only tables and infrastructure")
        elif is_tables(b):
            continue
        elif RANK[ua] < RANK[ub]:
            found.append(f"{a} -> {b}: {ua} is below {ub}")
    return found


def circles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def shell_edges() -> set[tuple[str, str]]:
    modules = shell_modules()
    return {(m, target) for m, path in modules.items() for target in imports_of(path, modules) if target != m}


def test_no_import_circle_between_web_modules():
    assert circles(shell_edges()) == []


def test_imports_go_only_downwards_between_features_and_infrastructure():
    assert wrong_directions(shell_edges()) == []


def test_every_feature_package_has_a_place_in_the_order():
    features = {unit(m) for m in shell_modules()} - COMPOSERS - {"infra", "migrations"}
    assert sorted(features - set(RANK)) == []


def test_the_checks_see_a_circle_an_upward_import_and_a_page_imported_by_another_feature():
    edges = {
        ("webapp.certs.service", "webapp.standing.service"),
        ("webapp.standing.service", "webapp.certs.service"),  # circle, and standing is below certs
        ("webapp.infra.db", "webapp.exams.models"),  # infrastructure importing a feature
        ("webapp.training.models", "webapp.exams.service"),  # tables importing a service
        ("webapp.certs.service", "webapp.exams.models"),  # allowed: any service reads any table
        ("webapp.training.routes", "webapp.inspections.routes"),  # one feature's pages importing another's
        ("webapp.training.routes", "webapp.inspections.service"),  # allowed: pages use any service
    }
    assert circles(edges) == [["webapp.certs.service", "webapp.standing.service"]]
    assert wrong_directions(edges) == [
        "webapp.infra.db -> webapp.exams.models: infrastructure imports a feature",
        "webapp.standing.service -> webapp.certs.service: standing is below certs",
        "webapp.training.models -> webapp.exams.service: tables import only tables and infrastructure",
        "webapp.training.routes -> webapp.inspections.routes: imports another feature's pages",
    ]
