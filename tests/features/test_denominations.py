"""One spelling per school denomination (issue 23): "Hindoeistisch" and "Hindoeïstisch" are one
group in the audit, and DUO's names cut at 30 characters are the names they start."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from features.paths import SKELETON_DIR
from features.vocabulary import DENOMINATIONS, _folded, denomination_name

SKELETON = SKELETON_DIR  # the embedded real school registers (package data)
FILES = {
    "alle-vestigingen-bo.csv": "DENOMINATIE",
    "alle-vestigingen-vo.csv": "DENOMINATIE",
    "gemiddelde-eindscores-bo-sbo-2018-2019.csv": "DENOMINATIE_VESTIGING",
}


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, sep=None, engine="python", dtype=str)
    except UnicodeDecodeError:  # DUO writes some files in Windows-1252
        return pd.read_csv(path, sep=None, engine="python", dtype=str, encoding="cp1252")


@pytest.mark.parametrize("spelling", ["Hindoeistisch", "Hindoeïstisch", "HINDOEÏSTISCH", " Hindoeistisch "])
def test_every_spelling_of_a_denomination_is_one_name(spelling: str) -> None:
    assert denomination_name(spelling) == "Hindoeïstisch"


def test_a_name_cut_at_30_characters_is_the_name_it_starts() -> None:
    assert denomination_name("Gereformeerd vrijgemaakt / Eva") == "Gereformeerd vrijgemaakt / Evangelisch"
    assert denomination_name("Samenwerking PC, RK") == "Samenwerking PC, RK"  # not a cut name: as it is


def test_the_real_files_name_no_denomination_twice() -> None:
    """Across DUO's school files, no two normalised names differ only by accents, case or spaces."""
    names = set()
    for file, column in FILES.items():
        raw = _read(SKELETON / file)[column]
        names |= {denomination_name(v) for v in raw.dropna().unique()} - {None}
    assert "Hindoeïstisch" in names and "Hindoeistisch" not in names
    folded = [_folded(n) for n in names]
    assert len(folded) == len(set(folded))
    assert len({_folded(n) for n in DENOMINATIONS}) == len(DENOMINATIONS)
