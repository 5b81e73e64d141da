"""All problems of a file at once, backward-compatible errors, '<5' as an interval, no clipping."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from features import sources as src
from features.catalog import Sources
from features.errors import MAX_REPORTED, DataError
from features.panel import _check_events_within_pupils, _consistent_estimates

HEADER = "INSTELLINGSCODE;VESTIGINGSCODE;TYPE_PO;PEILJAAR;ADVIES;AANTAL_LEERLINGEN\n"


def test_a_single_problem_reads_as_before() -> None:
    err = DataError("a/brin6_advies.csv", "value cannot be read", row=3, column="X", value="3x", expected="n")
    assert str(err) == "brin6_advies.csv, row 3, column 'X': value cannot be read (found '3x'); expected n"
    assert err.n_problems == 1 and err.all_problems[0].row == 3


def test_a_reader_reports_every_problem_of_a_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "brin6_advies.csv"
    path.write_text(
        HEADER + "00AP;00;BO;2022;HAVO;3x\n00AP;00;BO;2099;VWO;4\n00AP;00;BO;2022;MAVO+;5\n", encoding="utf-8"
    )
    with pytest.raises(DataError) as caught:
        src.read_brin6_advies(path)
    err = caught.value
    assert err.n_problems == 3
    text = str(err)
    for where in ("row 2, column 'AANTAL_LEERLINGEN'", "row 3, column 'PEILJAAR'", "row 4, column 'ADVIES'"):
        assert where in text
    assert err.row in (2, 3, 4) and err.file == path  # the first problem's fields, as before


def test_many_problems_are_capped_with_a_count_of_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "brin6_advies.csv"
    path.write_text(HEADER + "".join(f"{i:04d};00;BO;2022;HAVO;x{i}\n" for i in range(50)), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        src.read_brin6_advies(path)
    err = caught.value
    assert len(err.all_problems) == MAX_REPORTED
    assert err.n_problems == 50
    assert f"{50 - MAX_REPORTED} more problem(s)" in str(err)


def test_the_last_school_year_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "brin6_advies.csv"
    path.write_text(HEADER + "00AP;00;BO;2026;HAVO;4\n", encoding="utf-8")
    with pytest.raises(DataError, match="school year out of range"):
        src.read_brin6_advies(path)
    monkeypatch.setenv("KANSENRADAR_LAST_SCHOOL_YEAR", "2026")
    assert src.read_brin6_advies(path)["school_year"].tolist() == [2026]


def test_suppressed_estimates_stay_inside_what_known_counts_allow() -> None:
    # tested 2 (known), eligible <5: at most 2 eligible; tested <5, eligible 4 (known): at least 4 tested
    pupils = pd.Series([2.0, 2.5, 2.5])
    pupils_lo, pupils_hi = pd.Series([2.0, 1.0, 1.0]), pd.Series([2.0, 4.0, 4.0])
    events, events_lo = pd.Series([2.5, 4.0, 2.5]), pd.Series([1.0, 4.0, 1.0])
    n_pupils, n_events = _consistent_estimates(pupils, pupils_lo, pupils_hi, events, events_lo)
    assert n_pupils.tolist() == [2.0, 4.0, 2.5]
    assert n_events.tolist() == [2.0, 4.0, 2.5]
    # known counts never move
    n_pupils, n_events = _consistent_estimates(
        pd.Series([3.0]), pd.Series([3.0]), pd.Series([3.0]), pd.Series([5.0]), pd.Series([5.0])
    )
    assert (n_pupils.iloc[0], n_events.iloc[0]) == (3.0, 5.0)


def test_events_above_pupils_are_reported_not_clipped() -> None:
    panel = pd.DataFrame({"brin6": ["00AP00"], "school_year": [2020], "n_events": [5.0], "n_pupils": [3.0]})
    sources = Sources(
        Path("."),
        files={
            "heroverweging": [Path("brin6_heroverweging.csv")],
            "eindscores": [Path("brin6_eindscores.csv")],
        },
    )
    with pytest.raises(DataError) as caught:
        _check_events_within_pupils(panel, sources, "heroverweging", "eindscores")
    assert "brin6_heroverweging.csv" in str(caught.value) and "brin6_eindscores.csv" in str(caught.value)
