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


NOT_WORD_TABLES = {
    "KERNCIJFERS_FIELDS": "features/sources/cbs.py: (section, field) of the CBS file, not words",
}


def _is_word_pair(node: ast.expr) -> bool:
    """A (Dutch, English) literal: two strings, at least one of them holding letters."""
    return (
        isinstance(node, ast.Tuple)
        and len(node.elts) == 2
        and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
        and any(any(ch.isalpha() for ch in e.value) for e in node.elts)  # type: ignore[attr-defined]
    )


def _word_pair_tables(path: Path, root: Path = REPO) -> list[str]:
    """Dicts whose values are all (Dutch, English) pairs, and ``pick((…, …))`` with a literal pair:
    a word table kept outside the catalogue. (Tuples of two codes, such as the intersections
    ``("urbanity", "migration")``, are not values of a dict and are not found.)"""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    not_words = {
        id(a.value)
        for a in ast.walk(tree)
        if isinstance(a, ast.AnnAssign | ast.Assign)
        and any(isinstance(n, ast.Name) and n.id in NOT_WORD_TABLES for n in ast.walk(a))
    }
    found = []
    for node in ast.walk(tree):
        table = (
            isinstance(node, ast.Dict)
            and node.values
            and all(_is_word_pair(v) for v in node.values)
            and id(node) not in not_words
        )
        inline = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "pick"
            and node.args
            and _is_word_pair(node.args[0])
        )
        if table or inline:
            found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}")
    return found


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
def test_no_word_pairs_live_outside_the_catalogue(path: Path) -> None:
    assert _word_pair_tables(path) == []


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


def test_the_scan_finds_a_word_pair_table(tmp_path: Path) -> None:
    planted = tmp_path / "models" / "_planted_for_test.py"
    planted.parent.mkdir()
    planted.write_text(
        'LABELS = {"a": ("Stad", "City"), "b": ("Dorp", "Village")}\n'
        'CODES = {"a": ("urbanity", "income")}\n'  # one pair of codes in a dict is still words
        'PAIRS = (("urbanity", "migration"), ("urbanity", "income"))\n'  # not a dict: codes
        'x = pick(("ja", "yes"), "nl")\n'
    )
    assert _word_pair_tables(planted, tmp_path) == [
        "models/_planted_for_test.py:1",
        "models/_planted_for_test.py:2",
        "models/_planted_for_test.py:4",
    ]
