"""The oracle of the early-warning evaluation: the planted rise's shape, its likelihood ratio, its line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.emerging_eval import RiseShape, at_false_alarm_rate, oracle_scores, rise_shape
from tests.models.test_emerging import YEARS, background


def test_rise_shape_finds_the_scale_on_which_the_planted_rise_is_one_number():
    """Three places, rates 2 %, 10 %, 40 %, raised by 0.3 then 0.6 on the logit scale."""
    base = {"A": 0.02, "B": 0.10, "C": 0.40}
    rows = []
    for place, p in base.items():
        for k, step in enumerate((0.3, 0.6)):
            raised = 1 / (1 + np.exp(-(np.log(p / (1 - p)) + step)))
            rows.append({"place_id": place, "school_year": 2020 + k, "expected_rate": p, "rise": raised - p})
    shape = rise_shape(pd.DataFrame(rows), pd.Series(dict.fromkeys(base, 2020)))
    assert shape.scale == "logit"
    assert shape.effect == pytest.approx((0.3, 0.6))
    # the rise on the rate scale differs per place: 10 % → 11.9 % in the onset year
    assert shape.raised(np.array([0.10]), np.array([0]))[0] == pytest.approx(0.1303, abs=1e-3)
    assert shape.raised(np.array([0.10]), np.array([-1]))[0] == 0.10  # before onset: not raised


def test_oracle_scores_a_place_raised_by_the_planted_shape_above_all_unchanged_places():
    shape = RiseShape("logit", (0.4, 0.8, 1.0))
    bg = background()
    n, p = 300, 0.2
    k = np.repeat(p, len(YEARS))
    years = np.array(list(YEARS))
    k = np.where(years >= 2021, shape.raised(np.full(len(YEARS), p), years - 2021), k)
    x = pd.DataFrame(
        {"place_id": "X", "school_year": years, "n_pupils": float(n), "n_events": np.round(k * n)}
    )
    panel = pd.concat([bg, x.assign(n_events_min=x["n_events"])], ignore_index=True)
    scores = oracle_scores(panel, shape, (2020, 2022))
    year = scores[scores["school_year"] == 2022].set_index("place_id")["score"]
    assert year["X"] > year.drop("X").quantile(0.99)
    before = scores[scores["school_year"] == 2020].set_index("place_id")["score"]
    assert before["X"] < before.drop("X").quantile(0.95)  # nothing to see before onset
    assert scores["scored"].all()


def test_oracle_line_alarms_the_detectors_share_of_scored_never_planted_places():
    scores = pd.DataFrame(
        {
            "place_id": [f"p{i}" for i in range(10)] + ["planted"],
            "school_year": 2022,
            "score": [*range(10), 5.5],
            "scored": [True] * 9 + [False, True],
        }
    )
    alarms = at_false_alarm_rate(scores, pd.Series({"planted": 2021}), pd.Series({2022: 2 / 9}))
    alarmed = set(alarms.loc[alarms["alarm"], "place_id"])
    # scored never planted: p0 … p8 (p9 unscored, whatever its score); 2 of 9 above the line
    assert alarmed == {"p7", "p8"}
