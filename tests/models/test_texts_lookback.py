"""Risk in honest words, one catalogue with both languages, and the look-back arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.bands import risk_band
from models.lookback import lookback_sentence, lookback_summary, lookback_table, with_emerging_alarms
from models.texts import LEVEL_PLURALS, TEXTS, VALUE_LABELS, band_word, format_risk, group_label, value_label


def test_risk_is_never_shown_as_certain() -> None:
    assert format_risk(0.0) == "<1%" and format_risk(1.0) == ">99%" and format_risk(0.314) == "31%"
    assert format_risk(float("nan")) == "–"
    assert [risk_band(p) for p in (0.05, 0.2, 0.45, 0.9, 1.0)] == [
        "low",
        "medium",
        "high",
        "very_high",
    ] * 1 + ["very_high"]
    assert band_word(0.45, "nl") == "hoog" and band_word(0.45, "en") == "high"


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_exists_in_both_languages(key: str) -> None:
    nl, en = TEXTS[key]
    assert nl.strip() and en.strip()


@pytest.mark.parametrize("code", sorted(VALUE_LABELS))
def test_every_code_in_a_table_has_words_in_both_languages(code: str) -> None:
    nl, en = VALUE_LABELS[code]
    assert nl.strip() and en.strip()


def test_codes_and_groups_are_worded_per_language() -> None:
    assert value_label("lightgbm+reweighing", "nl") == "LightGBM + herweging"
    assert value_label(True, "en") == "yes" and value_label("something else", "nl") == "something else"
    assert group_label("landelijk × hoog", "en") == "rural × high"
    assert group_label("landelijk × hoog", "nl") == "landelijk × hoog"
    assert group_label("Utrecht", "en") == "Utrecht"  # provinces are names


def test_lookback_counts_hits_and_misses_by_hand() -> None:
    oof = pd.DataFrame(
        {
            "place_id": ["a", "b", "c", "d", "e"],
            "school_year": [2022] * 5,
            "y": [1, 0, 1, 1, 0],
            "prob": [0.9, 0.8, 0.2, 0.7, 0.1],
        }
    )
    panel = pd.DataFrame(
        {
            "place_id": list("abcde") * 2,
            "school_year": [2022] * 5 + [2023] * 5,
            "n_pupils": [50, 50, 50, 50, 50, 50, 50, 50, 50, 5],  # 2022, then 2023
        }
    )
    table = lookback_table(oof, np.full(5, 0.5), panel)
    assert list(table["place_id"]) == ["a", "b", "c", "d"]  # e rests on 5 pupils: left out
    hidden_then = panel.assign(disclosure=["secondary"] + ["shown"] * 9)  # a hidden in 2022
    assert list(lookback_table(oof, np.full(5, 0.5), hidden_then)["place_id"]) == ["b", "c", "d"]
    row = lookback_summary(table).iloc[0]
    assert (row.flagged, row.flagged_elevated, row.missed, row.elevated) == (3, 2, 1, 3)
    assert lookback_sentence(row, LEVEL_PLURALS["gemeente"], "nl") == (
        "Van de 3 gemeenten gesignaleerd voor 2023-24 waren er 2 daadwerkelijk verhoogd; "
        "1 verhoogde gemeenten werden gemist."
    )


def test_both_signals_are_judged_on_the_same_rows_and_outcome() -> None:
    table = pd.DataFrame(
        {
            "place_id": list("abcdef"),
            "feature_year": [2022] * 6,
            "target_year": [2023] * 6,
            "risk": [0.9, 0.8, 0.2, 0.1, 0.1, 0.1],
            "flag": [1, 1, 0, 0, 0, 0],
            "elevated_next": [1, 0, 1, 1, 0, 1],
        }
    )
    emerging = pd.DataFrame(
        {
            "place_id": [*"abcdef", "c"],
            "school_year": [2022] * 6 + [2021],
            "state": ["alarm", "no_alarm", "alarm", "alarm", "alarm", "insufficient_history", "no_alarm"],
        }
    )
    both = with_emerging_alarms(table, emerging)
    assert len(both) == 6  # the 2021 state of c is not a feature year of the look-back
    assert both["emerging_alarm"].tolist()[:5] == [1.0, 0.0, 1.0, 1.0, 1.0] and np.isnan(
        both["emerging_alarm"][5]
    )
    summary = lookback_summary(both)
    level, early = (summary[summary["signal"] == s].iloc[0] for s in ("elevated", "emerging"))
    assert (level.flagged, level.flagged_elevated, level.missed, level.only_this_signal) == (2, 1, 3, 0)
    # c and d: elevated, alarmed as emerging, not flagged by the level signal; f had no history
    assert (early.flagged, early.flagged_elevated, early.missed, early.only_this_signal) == (4, 3, 1, 2)
    assert early.elevated == level.elevated == 4
    assert lookback_sentence(early, LEVEL_PLURALS["gemeente"], "nl") == (
        "Van de 4 gemeenten met een opkomend-alarm in 2022-23 waren er 3 het jaar daarna (2023-24) "
        "verhoogd; 2 daarvan had het verhoogd-signaal niet gegeven."
    )
    assert list(lookback_summary(with_emerging_alarms(table, None))["signal"]) == ["elevated"]
