"""The dependency direction a newcomer reads from the folder tree: app → experiments → models →
features. Core modules never import the experiment layer or the app, and nothing but evaluation
code reads the planted truth of the embedded default."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "features": ("experiments", "app", "models"),
    "models": ("experiments", "app"),
    "experiments": ("app",),
}


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-local imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def violations(package: str) -> list[str]:
    bad = []
    for path in sorted((REPO / package).rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in FORBIDDEN[package]:
                bad.append(f"{path.relative_to(REPO)} imports {module}")
    return bad


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_core_never_imports_the_layers_above_it(package: str) -> None:
    assert violations(package) == []


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    planted = tmp_path / "m.py"
    planted.write_text("def f():\n    from experiments.config import load_configs\n")
    assert "experiments.config" in imported_modules(planted)
