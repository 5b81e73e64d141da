"""One home for the domain vocabulary (targets, levels, model kinds): ``features/vocabulary.py``.

A second list of target or level names elsewhere is how six copies came about; this test reads
the code of the packages and fails where a module outside the vocabulary module *defines* a
list of two or more targets, levels or model kinds: a literal tuple, list or set assigned to a
name or looped over. A subset handed to one declaration as an argument (an indicator's
``levels=("school", "pc4")``) or a membership test attaches codes to one thing and is allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from features.vocabulary import LEVELS, MODEL_KINDS, TARGETS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("features", "models", "app", "experiments")
HOME = ROOT / "features" / "vocabulary.py"
VOCABULARIES = {"targets": set(TARGETS), "levels": set(LEVELS), "model kinds": set(MODEL_KINDS)}


def _literal_strings(node: ast.AST) -> set[str] | None:
    """The string elements of a tuple, list or set literal, else None.

    Dicts keyed by target or level (per-target columns, labels) are allowed: they attach
    something to each code, while a literal sequence *is* a second list of the codes.
    """
    if not isinstance(node, ast.Tuple | ast.List | ast.Set):
        return None
    items = node.elts
    return {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}


def _defining_literals(tree: ast.AST) -> list[ast.AST]:
    """Literals that define a list: assigned to a name, or the iterable of a loop."""
    out: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            out.append(node.value)
        elif isinstance(node, ast.For | ast.comprehension):
            out.append(node.iter)
    return out


def vocabulary_lists(path: Path) -> list[str]:
    """Where ``path`` defines its own list of two or more names of one vocabulary."""
    found = []
    for node in _defining_literals(ast.parse(path.read_text(encoding="utf-8"))):
        names = _literal_strings(node)
        if not names:
            continue
        for what, vocabulary in VOCABULARIES.items():
            if len(names & vocabulary) >= 2:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {what} {sorted(names & vocabulary)}")
    return found


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if p != HOME)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_outside_the_vocabulary_lists_targets_levels_or_model_kinds(path: Path) -> None:
    assert vocabulary_lists(path) == []


def test_the_check_sees_a_planted_list(tmp_path: Path) -> None:
    """The scan must be able to fail: a module that spells its own level list is caught."""
    planted = tmp_path / "planted.py"
    planted.write_text(
        'LEVELS = ("school", "gemeente")\n'
        'for kind in ["logistic", "lightgbm"]:\n    pass\n'
        'ok = "school" in ("school", "pc4")\n'
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert [f.split(": ", 1)[1] for f in vocabulary_lists(planted)] == [
            "levels ['gemeente', 'school']",
            "model kinds ['lightgbm', 'logistic']",
        ]
    finally:
        ROOT = saved
