"""The attainment target on a hand-computed fixture: known counts → known O, E and O/E.

Four schools in two gemeenten, two attainment profiles. With the same streefniveau shares in
every subject, the national logistic relation is saturated on the two profiles, so E is each
profile's pooled HAVO+ share times the school's pupils — computable by hand:

* profile "half" (10 of 20 at streefniveau): A (20 advices, 4 HAVO+), B (20, 8) → p = 12/40
  = 0.3 → E_A = E_B = 6, O/E = 0.667 and 1.333;
* profile "most" (16 of 20): C (10, 6), D (30, 14) → p = 20/40 = 0.5 → E_C = 5, E_D = 15,
  O/E = 1.2 and 0.933.

A's dual VMBO-GT/HAVO advices are not HAVO+, its 'advies niet mogelijk' is no advice.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import gammaincinv

from features.advice import ADVICE_CODES
from features.catalog import Sources
from features.panel import aggregate, attainment_school_panel
from features.sources.duo import REFERENCE_LEVEL_COLUMNS
from features.targets import add_targets, gamma_prior, is_elevated_ratio, shrink_ratio

ADVICES = {  # school: {advice: pupils}
    "AAAA00": {"VMBO_GT": 11, "VMBO_GT_HAVO": 5, "HAVO": 4, "ADVIES_NIET_MOGELIJK": 2},
    "BBBB00": {"VMBO_K": 12, "HAVO_VWO": 3, "VWO": 5},
    "CCCC00": {"VMBO_GT": 4, "HAVO": 6},
    "DDDD00": {"VMBO_B": 6, "VMBO_GT": 10, "HAVO": 7, "VWO": 7},
}
REACHED = {"AAAA00": 10, "BBBB00": 10, "CCCC00": 16, "DDDD00": 16}  # of 20, every subject


def _sources() -> Sources:
    advice = pd.DataFrame(
        [
            {"brin6": s, "school_year": 2024, "advice": a, "n_pupils": counts.get(a, 0), "suppressed": False}
            for s, counts in ADVICES.items()
            for a in ADVICE_CODES
        ]
    ).astype({"n_pupils": "Int64"})
    rows = []
    for s, reached in REACHED.items():
        for subject, top in (("maths", "1S"), ("reading", "2F"), ("spelling", "2F")):
            levels = [lv for _, subj, lv in REFERENCE_LEVEL_COLUMNS if subj == subject]
            for lv in levels:
                n = reached if lv == top else (20 - reached if lv == "1F" else 0)
                rows.append({"brin6": s, "school_year": 2024, "subject": subject, "level": lv, "n_pupils": n})
    levels = pd.DataFrame(rows).astype({"n_pupils": "Int64"}).assign(suppressed=False)
    return Sources(data_dir=Path("."), tables={"advice": advice, "reference_levels": levels})


@pytest.fixture(scope="module")
def school() -> pd.DataFrame:
    return attainment_school_panel(_sources()).set_index("place_id")


def test_observed_expected_and_ratio_by_hand(school: pd.DataFrame) -> None:
    assert school["n_events"].to_dict() == {"AAAA00": 4, "BBBB00": 8, "CCCC00": 6, "DDDD00": 14}
    assert school["n_pupils"].to_dict() == {"AAAA00": 20, "BBBB00": 20, "CCCC00": 10, "DDDD00": 30}
    expected = {"AAAA00": 6.0, "BBBB00": 6.0, "CCCC00": 5.0, "DDDD00": 15.0}
    for place, e in expected.items():
        assert school.loc[place, "n_expected"] == pytest.approx(e, abs=1e-3)
    ratio = add_targets(school.reset_index()).set_index("place_id")["ratio"]
    np.testing.assert_allclose(ratio[list(expected)], [4 / 6, 8 / 6, 6 / 5, 14 / 15], atol=1e-3)


def test_areas_sum_observed_and_expected(school: pd.DataFrame) -> None:
    key = pd.Series(["G1", "G1", "G2", "G2"], index=school.index)
    gm = aggregate(school.reset_index(), key.reset_index(drop=True), "gemeente").set_index("place_id")
    assert gm.loc["G1", "n_events"] == 12 and gm.loc["G1", "n_expected"] == pytest.approx(12, abs=1e-3)
    assert gm.loc["G2", "n_events"] == 20 and gm.loc["G2", "n_expected"] == pytest.approx(20, abs=1e-3)


def test_poisson_gamma_posterior_and_the_elevated_rule() -> None:
    panel = pd.DataFrame(
        {"school_year": 2024, "n_events": [5.0, 40, 30, 20, 12, 60], "n_expected": [10.0, 40, 25, 30, 10, 50]}
    )
    out = shrink_ratio(panel)
    a, b = gamma_prior(panel["n_events"].to_numpy(), panel["n_expected"].to_numpy())
    post_a, post_b = a + panel["n_events"], b + panel["n_expected"]
    np.testing.assert_allclose(out["shrunk_ratio"], post_a / post_b)
    np.testing.assert_allclose(out["ratio_upper"], gammaincinv(post_a, 0.95) / post_b)
    np.testing.assert_allclose(out["rate_lower"], 1 - out["ratio_upper"])  # the shortfall view
    # prior mean = national O/E; shrinkage pulls the small school (5 of 10 expected) toward it
    assert a / b == pytest.approx(panel["n_events"].sum() / panel["n_expected"].sum())
    assert out.loc[0, "ratio"] < out.loc[0, "shrunk_ratio"] < a / b
    elevated = is_elevated_ratio(out, margin=0.10)
    assert elevated.tolist() == (out["ratio_upper"] < 0.9).tolist()
    assert not is_elevated_ratio(out.assign(ratio_upper=0.9), margin=0.10).any()
