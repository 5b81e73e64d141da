"""Explanations in words, aggregation of contributions, and budget prioritisation."""

from __future__ import annotations

import pandas as pd
import pytest

from models.explain import aggregate_contributions, summary_sentence, top_drivers
from models.prioritise import prioritise


def test_summary_names_a_three_year_rise_with_unchanged_context() -> None:
    row = pd.Series({"rises_in_a_row": 2.0, "gap_to_national": 6.4, "trend_3y": 2.0})
    en = summary_sentence(row, "under_advice", "en")
    assert "risen three years in a row" in en and "6.4 percentage points above" in en
    assert "context" in en
    assert "drie jaar op rij gestegen" in summary_sentence(row, "under_advice", "nl")


def test_top_drivers_lists_only_features_that_raise_risk() -> None:
    contrib = pd.DataFrame({"rate_now": [0.8, -0.1], "trend_3y": [0.3, -0.2], "bias": [-2, -2]})
    drivers = top_drivers(contrib, n=2, lang="en")
    assert drivers.iloc[0] == "Rate this year; Three-year trend"
    assert drivers.iloc[1] == "no clear driver"


def test_school_contributions_aggregate_pupil_weighted_to_the_gemeente() -> None:
    contrib = pd.DataFrame({"rate_now": [1.0, 0.0, 5.0]})
    out = aggregate_contributions(contrib, pd.Series(["GM1", "GM1", "GM2"]), pd.Series([30, 10, 20]))
    assert out.loc["GM1", "rate_now"] == pytest.approx(0.75)
    assert out.loc["GM2", "rate_now"] == pytest.approx(5.0)


def test_prioritise_by_places_and_by_pupils_reachable() -> None:
    scores = pd.DataFrame({"risk": [0.9, 0.8, 0.7, None], "n_pupils": [100, 500, 50, 5]})
    assert prioritise(scores, 2)["risk"].tolist() == [0.9, 0.8]
    by_pupils = prioritise(scores, 160, by="pupils")
    assert by_pupils["n_pupils"].tolist() == [100, 50]  # 500 does not fit; suppressed skipped
    with pytest.raises(ValueError):
        prioritise(scores, 1, by="euros")


def test_peers_are_the_places_with_the_most_similar_context() -> None:
    from models.explain import peer_places

    feats = pd.DataFrame(
        {"pct_low_income": [5.0, 5.1, 12.0, 4.9], "urbanity": [3, 3, 1, 3]}, index=["a", "b", "c", "d"]
    )
    assert set(peer_places(feats, "a", k=2)) == {"b", "d"}


def test_spread_over_groups_compares_the_list_with_all_places() -> None:
    from models.prioritise import spread_over_groups

    scores = pd.DataFrame(
        {"urbanity": [1, 1, 5, 5], "pct_non_western": [1, 2, 3, 4], "pct_low_income": [1, 2, 3, 4]}
    )
    spread = spread_over_groups(scores, pd.Index([0, 1]), groupings=("urbanity",))
    row = spread.set_index("group").loc["stedelijk"]
    assert row["share_in_list"] == 1.0 and row["share_all_places"] == 0.5


def test_prioritise_on_the_emerging_signal_or_on_both() -> None:
    scores = pd.DataFrame(
        {
            "risk": [0.9, 0.8, 0.1, 0.2, None],
            "emerging_score": [0.0, 0.5, 3.0, 1.0, 9.0],
            "n_pupils": [50, 50, 50, 50, 5],
        },
        index=list("abcde"),
    )
    assert list(prioritise(scores, 2, rank_on="risk").index) == ["a", "b"]
    assert list(prioritise(scores, 2, rank_on="emerging").index) == ["c", "d"]  # e is suppressed
    both = prioritise(scores, 4, rank_on="both")
    assert set(both.index[:2]) == {"a", "c"}  # each first on one signal
    with pytest.raises(ValueError):
        prioritise(scores, 2, rank_on="luck")


def test_emerging_sentence_says_observed_expected_and_the_run() -> None:
    from models.explain import emerging_sentence

    rows = pd.DataFrame(
        {
            "school_year": [2019, 2020, 2021, 2022, 2023],
            "state": ["no_alarm", "no_alarm", "no_alarm", "no_alarm", "alarm"],
            "rate": [18.0, 19.0, 18.0, 26.0, 31.0],
            "expected_rate": [18.0, 18.0, 18.0, 18.5, 18.0],
            "expected_lower": [12.0, 12.0, 12.0, 12.0, 12.0],
            "expected_upper": [24.0, 24.0, 24.0, 25.0, 24.0],
            "years_above_expected": [0, 0, 0, 1, 2],
        }
    )
    text = emerging_sentence(rows, 2023, guard_band=1, lang="en")
    assert text.startswith("2023-24: 31 % observed, 18 % (12–24 %) expected from 2019-20 … 2021-22")
    assert "two years in a row" in text and text.endswith("emerging.")
    assert "niet opkomend" in emerging_sentence(rows, 2022, guard_band=1, lang="nl")
