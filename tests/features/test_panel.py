"""Panels add up: national = sum of parts, never averages of rates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.panel import LEVELS, aggregate, national_rates, rate


def test_all_levels_and_years_build(built) -> None:
    for target, levels in LEVELS.items():
        for level in levels:
            panel, feats = built[(target, level)]
            assert panel["school_year"].min() == 2014 and panel["school_year"].max() == 2024
            assert not panel.duplicated(["place_id", "school_year"]).any()
            assert len(feats) == len(panel)


@pytest.mark.parametrize("target", ["under_advice", "dropout"])
def test_national_aggregate_equals_sum_of_parts(built, target: str) -> None:
    fine, coarse = LEVELS[target][0], LEVELS[target][-1]
    if target == "dropout":  # schools (VO location) and residence are different counts
        fine = "gemeente"
    a, _ = built[(target, fine)]
    b, _ = built[(target, coarse)]
    mapped = a if target == "dropout" else a[a["gemeente_code"].notna()]
    sa = mapped.groupby("school_year")[["n_events", "n_pupils"]].sum()
    sb = b.groupby("school_year")[["n_events", "n_pupils"]].sum()
    np.testing.assert_allclose(sa.to_numpy(), sb.to_numpy())


def test_national_under_advice_matches_generator_calibration(built, generated: Path) -> None:
    panel, _ = built[("under_advice", "school")]
    calib = pd.read_csv(generated / "truth" / "calibration.csv").groupby("school_year").sum(numeric_only=True)
    truth = calib["n_eligible"] / calib["n_tested"]
    measured = national_rates(panel)
    # published cells <5 are estimated at 2.5 pupils: allow 1.5 %-point
    assert (measured - truth).abs().max() < 0.015


def test_aggregate_sums_counts_not_rates() -> None:
    schools = pd.DataFrame(
        {
            "place_id": ["a", "b"],
            "school_year": [2020, 2020],
            "n_events": [1.0, 50.0],
            "n_pupils": [10.0, 100.0],
        }
    )
    gm = aggregate(schools, pd.Series(["GM1", "GM1"]), "gemeente")
    assert rate(gm["n_events"], gm["n_pupils"]).iloc[0] == pytest.approx(51 / 110)
    assert gm["n_schools"].iloc[0] == 2


def test_rate_is_missing_without_pupils() -> None:
    assert np.isnan(rate(pd.Series([0.0]), pd.Series([0.0])).iloc[0])
