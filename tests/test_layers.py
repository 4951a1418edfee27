"""The layering rules the import contracts cannot see, checked over the source with the ast module.

1. Pages and API endpoints (every `views` and `api` module or package under conduct/apps) do not write through
   the ORM: writes go through the services, which check permissions and ledger them.
2. Pages and API endpoints make no permission call (`require`, `can`, `authorize`, `require_unit`), call no
   role gate (any function named `*_gate`), import none of those names, and call no selector only for its
   check (a `selectors.*` or `*_for` call whose result is thrown away): the service makes the one
   `authorize`; a read the page makes first goes through a selector that returns what the page needs and
   refuses a role that may never do what the page is for (403) before it answers 404 for a row out of scope;
   which buttons to show is read in templates from `may` (accounts.context_processors).
3. No function-level import crosses apps (`from conduct.apps.<other> import ...` inside a function): imports
   that dodge a cycle hide a dependency the contracts in pyproject.toml would otherwise catch; use an event or
   a provider (conduct.events) instead.

Files of other apps that still break a rule are named in the allow-lists below, each to be removed as that app
is brought in line (`python -c "from tests.test_layers import stale; print(stale())"` lists those now clean).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[1] / "src" / "conduct" / "apps"

# Method names that write through the ORM. `update` and `delete` count only on a queryset or a manager (called
# on `.objects`, `.filter(...)`, `.exclude(...)`, `.all()`...), so a dict's update is not taken for one.
WRITES = {"save", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET_WRITES = {"update", "delete"}
QUERYSET_SOURCES = {
    "objects",
    "filter",
    "exclude",
    "all",
    "select_for_update",
    "select_related",
    "prefetch_related",
}

# Views/api modules that still write through the ORM (relative to conduct/apps). Only ever shrink this list.
ORM_WRITES_ALLOWED: frozenset[str] = frozenset()

# Modules that still import another app inside a function (relative to conduct/apps). Empty since issue 14
# landed: keep it that way (an app reacts to another through conduct.events, or imports at module top).
FUNCTION_IMPORTS_ALLOWED: frozenset[str] = frozenset()


# Views/api modules that still make a permission call (relative to conduct/apps). Empty since issue 14: a page
# or endpoint reads through a selector that checks, and the service behind a write makes the one authorize.
PERMISSION_CALLS_ALLOWED: frozenset[str] = frozenset()
PERMISSION_CALLS = {"require", "can", "authorize", "require_unit"}
PERMISSION_NAMES = PERMISSION_CALLS | {"role_gate"}  # names a page or endpoint may not import either


def _rel(path: Path) -> str:
    return path.relative_to(APPS).as_posix()


def _endpoint_modules() -> list[Path]:
    """Every views or api module or package: `views.py`, `api_people.py`, `portal_views.py`, `views/x.py`."""
    found = []
    for path in sorted(APPS.rglob("*.py")):
        parts = path.relative_to(APPS).parts
        if "migrations" in parts:
            continue
        named = {"views", "api"} & set(path.stem.split("_"))
        if named or any(p in ("views", "api") for p in parts[1:-1]):
            found.append(path)
    return found


def _receiver_is_queryset(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in QUERYSET_SOURCES
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in QUERYSET_SOURCES or _receiver_is_queryset(node.func.value)
    return False


def orm_writes(path: Path) -> list[str]:
    """`line: call` for every ORM write in the module."""
    problems = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, receiver = node.func.attr, node.func.value
        is_create = name == "create" and isinstance(receiver, ast.Attribute) and receiver.attr == "objects"
        if name in WRITES or is_create or (name in QUERYSET_WRITES and _receiver_is_queryset(receiver)):
            problems.append(f"{node.lineno}: .{name}(")
    return problems


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _check_only(node: ast.Expr) -> str:
    """The callee of a statement that calls a selector and throws its answer away (a permission check in
    disguise), else ""."""
    call = node.value
    if not isinstance(call, ast.Call):
        return ""
    callee = ast.unparse(call.func)
    on_selectors = isinstance(call.func, ast.Attribute) and ast.unparse(call.func.value).endswith("selectors")
    return callee if on_selectors or _called(call).endswith("_for") else ""


def permission_calls(path: Path) -> list[str]:
    """`line: what` for every permission check in the module: a call of a check or of a role gate (by name or
    as an attribute), an import of one, and a selector called only for its check."""
    problems = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = _called(node)
            if name in PERMISSION_CALLS or name.endswith("_gate"):
                problems.append(f"{node.lineno}: {name}(")
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in PERMISSION_NAMES or alias.name.endswith("_gate"):
                    problems.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.Expr) and _check_only(node):
            problems.append(f"{node.lineno}: {_check_only(node)}( for its check only")
    return problems


def function_level_cross_app_imports(path: Path) -> list[str]:
    """`line: module` for every import of another app made inside a function of the module."""
    app = path.relative_to(APPS).parts[0]
    problems = []
    for func in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            for module in modules:
                parts = module.split(".")
                if parts[:2] == ["conduct", "apps"] and len(parts) > 2:
                    other = parts[2]
                    if other != app and (APPS / other).is_dir():
                        problems.append(f"{node.lineno}: {module}")
    return problems


def _app_modules() -> list[Path]:
    return [
        p
        for p in sorted(APPS.rglob("*.py"))
        if "migrations" not in p.parts and len(p.relative_to(APPS).parts) > 1
    ]


def test_pages_and_endpoints_do_not_write_through_the_orm() -> None:
    found = {_rel(p): orm_writes(p) for p in _endpoint_modules()}
    offenders = {path: lines for path, lines in found.items() if lines and path not in ORM_WRITES_ALLOWED}
    assert not offenders, f"Write through a service instead: {offenders}"


def test_pages_and_endpoints_make_no_permission_call() -> None:
    found = {_rel(p): permission_calls(p) for p in _endpoint_modules()}
    offenders = {
        path: lines for path, lines in found.items() if lines and path not in PERMISSION_CALLS_ALLOWED
    }
    assert not offenders, f"Let the service authorize, or read through a selector that checks: {offenders}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f(actor):\n    require(actor, 'cases.view')\n", ["2: require("]),
        ("def f(actor):\n    return scoping.can(actor, 'cases.open')\n", ["2: can("]),
        ("def f(actor):\n    authorize(actor, 'x.y', unit=None)\n", ["2: authorize("]),
        ("def f(actor):\n    return selectors.case_for(actor=actor, case_id=1)\n", []),
        ("def f(request):\n    actor = role_gate(request, 'x.y')\n", ["2: role_gate("]),
        (
            "def f(actor):\n    selectors.staff_gate(actor)\n",
            ["2: selectors.staff_gate( for its check only", "2: staff_gate("],
        ),
        ("def f(r):\n    return read_gate(r)\n", ["2: read_gate("]),
        ("from conduct.apps.accounts.scoping import require\n", ["1: import require"]),
        ("from conduct.apps.accounts.selectors import role_gate\n", ["1: import role_gate"]),
        ("from x import authorize as check\n", ["1: import authorize"]),
        (
            "def f(actor):\n    selectors.request_scopes(actor=actor)\n",
            ["2: selectors.request_scopes( for its check only"],
        ),
        ("def f(actor):\n    case_for(actor=actor, case_id=1)\n", ["2: case_for( for its check only"]),
        ("def f(actor):\n    scopes = selectors.request_scopes(actor=actor)\n", []),
        ("def f(context):\n    context.update({})\n", []),
    ],
)
def test_the_permission_call_check_finds_checks(tmp_path: Path, source: str, expected: list[str]) -> None:
    module = tmp_path / "api.py"
    module.write_text(source, encoding="utf-8")
    assert permission_calls(module) == expected


def test_no_function_level_import_crosses_apps() -> None:
    found = {_rel(p): function_level_cross_app_imports(p) for p in _app_modules()}
    offenders = {
        path: lines for path, lines in found.items() if lines and path not in FUNCTION_IMPORTS_ALLOWED
    }
    assert not offenders, f"Import at module level, or use conduct.events: {offenders}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f(o):\n    o.save()\n", ["2: .save("]),
        ("def f():\n    Case.objects.create(title='x')\n", ["2: .create("]),
        ("def f(qs):\n    Case.objects.filter(pk=1).update(title='x')\n", ["2: .update("]),
        ("def f(context):\n    context.update({'a': 1})\n", []),
        ("def f():\n    Vote.objects.get_or_create(pk=1)\n", ["2: .get_or_create("]),
    ],
)
def test_the_orm_write_check_finds_writes_and_leaves_dicts_alone(
    tmp_path: Path, source: str, expected: list[str]
) -> None:
    module = tmp_path / "views.py"
    module.write_text(source, encoding="utf-8")
    assert orm_writes(module) == expected


def stale() -> list[str]:
    """Allow-listed files that no longer break their rule: remove them from the lists."""
    endpoints = {_rel(p): orm_writes(p) for p in _endpoint_modules()}
    checks = {_rel(p): permission_calls(p) for p in _endpoint_modules()}
    modules = {_rel(p): function_level_cross_app_imports(p) for p in _app_modules()}
    return sorted(
        [p for p in ORM_WRITES_ALLOWED if not endpoints.get(p)]
        + [p for p in FUNCTION_IMPORTS_ALLOWED if not modules.get(p)]
        + [p for p in PERMISSION_CALLS_ALLOWED if not checks.get(p)]
    )


SRC = APPS.parents[0]
MODULE_LINES_MAX = 500
FUNCTION_LINES_MAX = 60
# Modules and functions allowed over the limits, each with the reason (issue 14). Empty since issue 14 §5:
# keep it that way (split the module or extract helpers instead).
OVERSIZE_ALLOWED: dict[str, str] = {}


def _source_modules() -> list[Path]:
    return [p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.parts]


def oversize(path: Path) -> list[str]:
    """The module itself when over MODULE_LINES_MAX lines, and each function over FUNCTION_LINES_MAX."""
    text = path.read_text(encoding="utf-8")
    found = [f"module: {text.count(chr(10))} lines"] if text.count("\n") > MODULE_LINES_MAX else []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > FUNCTION_LINES_MAX:
                found.append(f"{node.name}: {length} lines")
    return found


def test_no_module_over_500_lines_and_no_function_over_60() -> None:
    found = {str(p.relative_to(SRC)): oversize(p) for p in _source_modules()}
    offenders = {path: what for path, what in found.items() if what and path not in OVERSIZE_ALLOWED}
    assert not offenders, f"Split these (or name them in OVERSIZE_ALLOWED with the reason): {offenders}"


def test_the_size_check_finds_long_functions(tmp_path: Path) -> None:
    module = tmp_path / "long.py"
    module.write_text("def f():\n" + "    x = 1\n" * 60 + "\n\ndef g():\n    return 1\n", encoding="utf-8")
    assert oversize(module) == ["f: 61 lines"]


def test_no_two_api_schemas_share_a_name() -> None:
    """django-ninja names an OpenAPI component after its class: a second `FindingOut` silently replaces the
    first in /api/openapi.json, and responses then break their published schema."""
    seen: dict[str, list[str]] = {}
    for path in _source_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name)
                and b.id in ("Schema", "FilterSchema")
                or isinstance(b, ast.Name)
                and b.id.endswith(("Out", "In"))
                for b in node.bases
            ):
                seen.setdefault(node.name, []).append(str(path.relative_to(SRC)))
    assert not {name: where for name, where in seen.items() if len(where) > 1}
