"""Every user-facing word comes from the catalogue (models/texts.py), so no page can mix languages.

A page that writes ``"Mitigatie" if lang == "nl" else "Mitigation"`` keeps a translation outside
the catalogue, where the both-languages test cannot see it; a ``t("key")`` with a key the
catalogue lacks is a KeyError on screen. Both are found here by reading the code.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from models.texts import TEXTS

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    path
    for path in [
        *REPO.glob("app/**/*.py"),
        *REPO.glob("models/*.py"),
        *REPO.glob("features/**/*.py"),
        *REPO.glob("experiments/*.py"),
    ]
    if path.name != "texts.py"  # the catalogue itself
)


def _compares_language(test: ast.expr) -> bool:
    return isinstance(test, ast.Compare) and any(
        isinstance(node, ast.Constant) and node.value in ("nl", "en")
        for node in [test.left, *test.comparators]
    )


def _is_words(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _inline_translations(path: Path, root: Path = REPO) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(root).as_posix()}:{node.lineno}"
        for node in ast.walk(tree)
        if (
            isinstance(node, ast.IfExp)  # "Mitigatie" if lang == "nl" else "Mitigation"
            and _compares_language(node.test)
            and (_is_words(node.body) or _is_words(node.orelse))
        )
        or (isinstance(node, ast.If) and _compares_language(node.test))  # if lang == "nl": return "…"
    ]


def _catalogue_keys_used(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"t", "w"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_translation_lives_outside_the_catalogue(path: Path) -> None:
    assert _inline_translations(path) == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_key_a_page_asks_for_exists(path: Path) -> None:
    assert _catalogue_keys_used(path) - set(TEXTS) == set()


def test_the_scan_finds_an_inline_translation(tmp_path: Path) -> None:
    """Planted in a temporary folder: a test never writes into the source tree."""
    planted = tmp_path / "app" / "_planted_for_test.py"
    planted.parent.mkdir()
    planted.write_text(
        'lang = "nl"\ntitle = "Mitigatie" if lang == "nl" else "Mitigation"\nt("no_such_key")\n'
    )
    assert _inline_translations(planted, tmp_path) == ["app/_planted_for_test.py:2"]
    assert _catalogue_keys_used(planted) - set(TEXTS) == {"no_such_key"}
