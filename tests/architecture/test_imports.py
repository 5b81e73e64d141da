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


PACKAGES = ("features", "models", "app", "experiments")


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(path: Path, known: set[str]) -> set[str]:
    """Project modules a file imports when it runs (function-local imports included; imports
    under ``if TYPE_CHECKING:`` are for annotations only and never execute)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for n in ast.walk(stmt)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update({node.module} & known)
            found.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in known)
    return found


def import_cycles(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[list[str]]:
    """Groups of project modules that import each other in a circle (Tarjan's strongly
    connected components; a lazy import inside a function still closes a circle)."""
    files = {_module_name(p, root): p for pkg in packages for p in (root / pkg).rglob("*.py")}
    graph = {m: _runtime_imports(p, set(files)) - {m} for m, p in files.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_no_import_circle_between_files() -> None:
    """A circle (even through a lazy import) means two files own one concept between them."""
    assert import_cycles(REPO) == []


def test_the_circle_check_sees_a_planted_circle(tmp_path: Path) -> None:
    pkg = tmp_path / "features"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from features.b import x\n")
    (pkg / "b.py").write_text("def f():\n    from features.a import y\n")
    (pkg / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from features.a import y\n"
    )
    assert import_cycles(tmp_path, ("features",)) == [["features.a", "features.b"]]
