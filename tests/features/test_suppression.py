"""Small-cell suppression: the one rule for every output, property-tested."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames

from features.suppression import MIN_PUPILS, is_safe, suppress_small_cells

frames = data_frames(
    [
        column("n_pupils", elements=st.integers(0, 60)),
        column("n_events", elements=st.integers(0, 60)),
        column("risk", elements=st.floats(0, 1)),
        column("rate", elements=st.floats(0, 100)),
        column("group", elements=st.sampled_from(["GM1", "GM2", "GM3"])),
    ]
)


@settings(max_examples=200, deadline=None)
@given(frames)
def test_no_shown_figure_rests_on_fewer_than_ten_pupils(frame: pd.DataFrame) -> None:
    out = suppress_small_cells(
        frame, ["risk", "rate"], event_count_columns=["n_events"], group_column="group"
    )
    shown = out["risk"].notna() | out["rate"].notna() | out["n_pupils"].notna()
    assert (frame.loc[shown, "n_pupils"] >= MIN_PUPILS).all()
    assert ((out["n_events"].dropna()) >= MIN_PUPILS).all()
    assert is_safe(out, ["risk", "rate"])


@settings(max_examples=200, deadline=None)
@given(frames)
def test_a_lone_hidden_row_cannot_be_recovered_from_its_group_total(frame: pd.DataFrame) -> None:
    out = suppress_small_cells(frame, ["risk", "rate"], group_column="group")
    for _, g in out.groupby("group"):
        if len(g) > 1:
            assert g["suppressed"].sum() != 1


@settings(max_examples=100, deadline=None)
@given(frames)
def test_rows_with_enough_pupils_and_no_lone_neighbour_stay_visible(frame: pd.DataFrame) -> None:
    out = suppress_small_cells(frame, ["risk"])
    big = frame["n_pupils"] >= MIN_PUPILS
    np.testing.assert_array_equal(out.loc[big, "risk"].to_numpy(), frame.loc[big, "risk"])


def test_suppressed_rows_are_marked_not_zero() -> None:
    frame = pd.DataFrame({"n_pupils": [4, 30], "risk": [0.9, 0.2]})
    out = suppress_small_cells(frame, ["risk"])
    assert out["suppressed"].tolist() == [True, False]
    assert np.isnan(out.loc[0, "risk"]) and out.loc[1, "risk"] == 0.2
