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
