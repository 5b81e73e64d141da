"""A researcher's grouping file as people write it: clear errors naming file, row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments import api

ROWS = pd.DataFrame(
    {
        "place_id": np.repeat([f"P{i:02d}" for i in range(40)], 2),
        "school_year": np.tile([2022, 2023], 40),
        "prob": np.linspace(0.01, 0.99, 80),
        "y": np.tile([0, 1], 40),
        "threshold": 0.5,
    }
)


def _write(tmp_path: Path, data: bytes, name: str = "groups.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_semicolons_and_windows_1252_are_read(tmp_path: Path) -> None:
    lines = ["place_id;regio"] + [f"P{i:02d};{'Fryslân' if i % 2 else 'Zuid'}" for i in range(40)]
    path = _write(tmp_path, "\r\n".join(lines).encode("cp1252"))
    groups = api._groups_from_csv(ROWS, path)
    assert set(groups["regio"]) == {"Fryslân", "Zuid"}
    result = api.audit(predictions=ROWS, groupings=path)
    assert set(result.groups["group"]) == {"Fryslân", "Zuid"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty"),
        (b"\x00\xff\x00binary", "not a text file"),
        (b"place_id,regio\nZZ1,a\nZZ2,b\n", "none of its 2 place_id values is an audited place"),
        (b"place_id,regio\n", "none of its 0 place_id values"),
        (b"place_id,regio\nP01,a\nP02,b,c,d\n", "not a regular CSV"),
        (
            b"place_id,school_year,regio\nP01,2019-20,a\n",
            "row 2, column 'school_year': '2019-20' is not a year",
        ),
        (b"plaats,regio\nP01,a\n", "needs a column 'place_id'"),
        (b"place_id,regio\nP01,a\nP01,b\n", "row 3 repeats a place_id"),
    ],
)
def test_a_broken_grouping_file_names_what_is_wrong(tmp_path: Path, data: bytes, expected: str) -> None:
    path = _write(tmp_path, data)
    with pytest.raises(ValueError, match=r"groups\.csv") as caught:
        api.audit(predictions=ROWS, groupings=path)
    assert expected in str(caught.value)


def test_a_mapping_that_names_no_place_is_refused() -> None:
    with pytest.raises(ValueError, match="none of its 1 places"):
        api.audit(predictions=ROWS, groupings={"ZZZ": "a"})
