"""The apps' one-way dependency order (docs/architecture.md): accounts ← catalogue ← cms, search,
procurement, with procurement also reading search (a shortlist is a saved search). An import against it
fails here, with the file and line."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = {"accounts", "catalogue", "cms", "search", "procurement"}
MAY_IMPORT = {
    "accounts": set(),
    "catalogue": {"accounts"},
    "cms": {"accounts", "catalogue"},
    "search": {"accounts", "catalogue"},
    "procurement": {"accounts", "catalogue", "search"},
}


def imported_apps(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.extend((node.lineno, name.split(".")[0]) for name in names if name.split(".")[0] in OUR_APPS)
    return found


@pytest.mark.parametrize("app", sorted(OUR_APPS))
def test_apps_import_only_what_comes_before_them(app):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for line, target in imported_apps(path)
        if target != app and target not in MAY_IMPORT[app]
    ]
    assert wrong == []


# Inside procurement, the call-off apps are layered too: the core (shortlists, compare, buying) knows
# none of them, orders knows neither competitions nor contracts, competitions does not know contracts.
CALL_OFF_MAY_NOT_IMPORT = {
    "procurement": {"procurement.orders", "procurement.competitions", "procurement.contracts"},
    "procurement.orders": {"procurement.competitions", "procurement.contracts"},
    "procurement.competitions": {"procurement.contracts"},
    "procurement.contracts": set(),
}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, relative imports resolved against the file's package."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def call_off_app(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    if parts == ("procurement", "demo.py"):
        return "procurement.contracts"  # the demo seeds every call-off app: it may use them all
    if len(parts) > 2 and parts[1] in {"orders", "competitions", "contracts"}:
        return f"procurement.{parts[1]}"
    return "procurement"


def test_the_call_off_apps_are_layered():
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / "procurement").rglob("*.py"))
        if "migrations" not in path.parts
        for line, module in imported_modules(path)
        if any(
            module == banned or module.startswith(banned + ".")
            for banned in CALL_OFF_MAY_NOT_IMPORT[call_off_app(path)]
        )
    ]
    assert wrong == []
