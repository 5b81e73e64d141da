"""Disclosure control: the one rule set, property-tested on random hierarchies and attacked by LP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features.disclosure_audit import attack_year
from features.suppression import (
    MIN_PUPILS,
    PRIMARY,
    SECONDARY,
    SHOWN,
    STATUS_COLUMN,
    is_safe,
    protect_year,
    publish,
    publishable_indicators,
)
from models.texts import hidden_label


@st.composite
def hierarchies(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Base cells in areas inside regions (nested), many of them small, events ≤ pupils."""
    n_regions = draw(st.integers(1, 4))
    n_areas = draw(st.integers(n_regions, 10))
    size = draw(st.integers(3, 36))
    area_region = np.array(draw(st.lists(st.integers(0, n_regions - 1), min_size=n_areas, max_size=n_areas)))
    area_region[:n_regions] = np.arange(n_regions)  # every region has an area
    areas = np.array(draw(st.lists(st.integers(0, n_areas - 1), min_size=size, max_size=size)))
    pupils = np.array(
        draw(st.lists(st.one_of(st.integers(1, 9), st.integers(10, 80)), min_size=size, max_size=size)), float
    )
    share = np.array(draw(st.lists(st.floats(0, 1), min_size=size, max_size=size)))
    # the rest of the country: a national total can only protect if it has some mass itself
    pupils[:2], share[:2] = 60.0, np.maximum(share[:2], 0.3)
    events = np.floor(pupils * share)
    _, area_codes = np.unique(areas, return_inverse=True)
    _, region_codes = np.unique(area_region[areas], return_inverse=True)
    return pupils, events, [area_codes, region_codes]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hierarchies())
def test_no_hidden_count_can_be_narrowed_by_subtraction(h) -> None:
    """sdcTable-style audit: every '<10' cell still spans 1–9 pupils and 0–9 events."""
    pupils, events, groups = h
    leaf, aggs = protect_year(pupils, events, groups)
    assert (leaf[pupils < MIN_PUPILS] == PRIMARY).all()
    assert (pupils[leaf == SHOWN] >= MIN_PUPILS).all()
    assert (pupils[leaf == SECONDARY] >= MIN_PUPILS).all()  # "hidden" is never a small cell
    for codes, status in zip(groups, aggs, strict=True):
        totals = np.bincount(codes, weights=pupils)
        assert (totals[status == SHOWN] >= MIN_PUPILS).all()
    audit = attack_year(pupils, events, leaf, groups, aggs, ["area", "region"])
    assert not audit["narrowed"].any(), audit[audit["narrowed"]]


def test_the_threshold_rule_alone_is_undone_by_subtraction() -> None:
    """The old rule (primary only, no linked tables): the audit must catch the leak."""
    pupils = np.array([7.0, 40.0, 30.0, 25.0])
    events = np.array([2.0, 10.0, 8.0, 5.0])
    groups = [np.array([0, 0, 1, 1])]  # two areas, national above
    status = np.where(pupils < MIN_PUPILS, PRIMARY, SHOWN).astype(object)
    area_status = np.array([SHOWN, SHOWN], dtype=object)
    audit = attack_year(pupils, events, status, groups, [area_status], ["area"])
    assert audit["narrowed"].all()
    assert audit.loc[0, "n_min"] == pytest.approx(7.0) and audit.loc[0, "n_max"] == pytest.approx(7.0)
    leaf, aggs = protect_year(pupils, events, groups)
    assert leaf[1] == SECONDARY  # its area neighbour, not the larger school elsewhere
    assert not attack_year(pupils, events, leaf, groups, aggs, ["area"])["narrowed"].any()


def test_a_partner_locked_by_a_finer_total_is_no_protection() -> None:
    """Two hidden schools whose PC4 total is shown give a gemeente equation no room."""
    pupils = np.array([6.0, 21.0, 20.0, 50.0, 60.0])
    events = np.array([0.0, 7.0, 9.0, 20.0, 20.0])
    pc4 = np.array([0, 1, 1, 2, 2])
    gemeente = np.array([0, 0, 0, 0, 0])
    leaf, aggs = protect_year(pupils, events, [pc4, gemeente])
    audit = attack_year(pupils, events, leaf, [pc4, gemeente], aggs, ["pc4", "gemeente"])
    assert not audit["narrowed"].any(), audit


def test_publish_hides_every_figure_of_a_hidden_row_and_labels_it_truthfully() -> None:
    frame = pd.DataFrame(
        {
            "n_pupils": [4.0, 30.0, 80.0],
            "n_events": [1.0, 3.0, 20.0],
            "risk": [0.9, 0.2, 0.3],
            "drivers_nl": ["a", "b", "c"],
            STATUS_COLUMN: [PRIMARY, SECONDARY, SHOWN],
        }
    )
    out = publish(frame, ["risk"], text_columns=["drivers_nl"])
    assert out["suppressed"].tolist() == [True, True, False]
    assert out.loc[:1, ["n_pupils", "n_events", "risk"]].isna().all().all()
    assert out.loc[:1, "drivers_nl"].isna().all() and out.loc[2, "risk"] == 0.3
    assert out.loc[2, "n_events"] == 20.0  # a shown row keeps its events (the old rule 3 is gone)
    assert [hidden_label(s) for s in out[STATUS_COLUMN]] == ["<10", "verborgen", None]
    assert hidden_label(SECONDARY, "en") == "hidden"
    assert is_safe(out, ["risk", "n_events"]) and not is_safe(frame, ["risk"])


def test_a_lag_is_shown_only_when_its_own_year_is_shown() -> None:
    """rate_lag1 rests on last year's pupils: hidden last year → hidden now (issue 11, item 1)."""
    panel = pd.DataFrame(
        {
            "place_id": ["A", "A", "A", "B", "B", "B"],
            "school_year": [2022, 2023, 2024] * 2,
            "n_pupils": [40.0, 8.0, 30.0, 50.0, 60.0, 70.0],
            "n_events": [4.0, 2.0, 3.0, 12.0, 6.0, 1.0],
            "n_advice": [40.0, 8.0, 30.0, 50.0, 60.0, 70.0],
            STATUS_COLUMN: [SHOWN, PRIMARY, SHOWN, SHOWN, SECONDARY, SHOWN],
        }
    )
    features = panel[["place_id", "school_year", "n_pupils", STATUS_COLUMN]].assign(
        rate_now=[10.0, 25.0, 10.0, 10.0, 10.0, 1.4],
        rate_lag1=[np.nan, 10.0, 25.0, np.nan, 10.0, 10.0],
        rate_lag2=[np.nan, np.nan, 10.0, np.nan, np.nan, 10.0],
        trend_3y=[np.nan, np.nan, 0.5, np.nan, np.nan, 0.1],
        revision_rate=[50.0, 50.0, 33.0, 40.0, 50.0, 0.0],
        pct_low_income=[10.0] * 6,
    )
    out = publishable_indicators(features, panel).set_index(["place_id", "school_year"])
    assert np.isnan(out.loc[("A", 2024), "rate_lag1"])  # 2023 rests on 8 pupils
    assert out.loc[("A", 2024), "rate_lag2"] == 10.0 and out.loc[("A", 2024), "trend_3y"] == 0.5
    assert np.isnan(out.loc[("B", 2024), "rate_lag1"])  # 2023 secondarily hidden
    assert np.isnan(out.loc[("A", 2023), "rate_now"]) and np.isnan(out.loc[("A", 2023), "n_pupils"])
    assert np.isnan(out.loc[("A", 2024), "revision_rate"])  # 3 eligible pupils: < 10
    assert out.loc[("B", 2022), "revision_rate"] == 40.0  # 12 eligible pupils
    assert (out["pct_low_income"] == 10.0).all()  # context rests on no pupils
