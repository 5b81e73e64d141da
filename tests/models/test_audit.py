"""Fairness audit: independent cross-checks, bootstrap validity, and the promotion gate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from features.suppression import STATUS_COLUMN, served_rows
from models.audit import (
    audit_predictions,
    bootstrap_group,
    gate,
    metric_frame,
    metrics_from_sums,
    place_sums,
)
from models.groups import assign_groups, reweighing_weights
from models.spec import FairnessLimits
from models.texts import gate_words

TH = FairnessLimits(n_boot=400, gated_groupings=("urbanity", "migration", "income"))


def places(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "place_id": [f"p{i}" for i in range(n)],
            "school_year": 2022,
            "urbanity": rng.integers(1, 6, n).astype(float),
            "pct_non_western": rng.uniform(1, 40, n),
            "pct_low_income": rng.uniform(1, 12, n),
            "province": rng.choice(["Utrecht", "Drenthe", "Limburg"], n),
        }
    )


def test_group_metrics_equal_an_independent_pandas_computation() -> None:
    rng = np.random.default_rng(1)
    p = places()
    p["y"] = (rng.uniform(size=len(p)) < 0.2).astype(int)
    p["prob"] = np.clip(0.2 + 0.3 * p["y"] + rng.normal(0, 0.15, len(p)), 0, 1)
    audit = audit_predictions(p, 0.4, TH)
    groups = assign_groups(p)
    flag = p["prob"] >= 0.4
    for grouping in ("urbanity", "migration", "province"):
        by = pd.DataFrame({"g": groups[grouping], "y": p["y"], "f": flag})
        expected = by.groupby("g").apply(
            lambda d: pd.Series(
                {
                    "selection_rate": d["f"].mean(),
                    "false_positive_rate": (d["f"] & (d["y"] == 0)).sum() / (d["y"] == 0).sum(),
                    "fnr": ((~d["f"]) & (d["y"] == 1)).sum() / (d["y"] == 1).sum(),
                }
            )
        )
        got = audit.table[audit.table["grouping"] == grouping].pivot_table(
            index="group", columns="metric", values="value"
        )
        np.testing.assert_allclose(got["selection_rate"], expected["selection_rate"], atol=1e-12)
        np.testing.assert_allclose(got["false_positive_rate"], expected["false_positive_rate"], atol=1e-12)
        np.testing.assert_allclose(1 - got["recall"], expected["fnr"], atol=1e-12)


def test_our_point_estimates_equal_fairlearns_metricframe() -> None:
    rng = np.random.default_rng(2)
    y = rng.uniform(size=900) < 0.3
    prob = np.clip(0.3 * y + rng.uniform(size=900) * 0.7, 0, 1)
    flag = prob >= 0.5
    g = pd.Series(rng.choice(["a", "b", "c"], 900))
    mf = metric_frame(y, flag, g)
    for k in "abc":
        m = (g == k).to_numpy()
        ours = metrics_from_sums(
            place_sums(np.arange(m.sum()), y[m], flag[m], prob[m], np.zeros(m.sum(), bool)).sum(0)
        )
        assert ours[0] == pytest.approx(mf.loc[k, "selection_rate"])
        assert ours[1] == pytest.approx(mf.loc[k, "recall"])
        assert ours[2] == pytest.approx(mf.loc[k, "false_positive_rate"])


def _clustered(n_places: int = 300, rows_per_place: int = 5, seed: int = 3):
    """Place-years where a place's years are alike (as in the panel): y, flag, prob, top, place."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(size=n_places)
    place = np.repeat(np.arange(n_places), rows_per_place)
    y = rng.uniform(size=place.size) < np.where(level[place] > 0.7, 0.8, 0.05)
    prob = np.clip(level[place] + rng.normal(0, 0.05, place.size), 0, 1)
    flag, top = prob >= 0.6, prob >= np.quantile(prob, 0.9)
    return y, flag, prob, top, place


def test_place_bootstrap_matches_resampling_places_by_index() -> None:
    """The vectorised cluster bootstrap equals drawing places with replacement and taking all
    their rows (the slow, obvious way)."""
    y, flag, prob, top, place = _clustered()
    fast = bootstrap_group(y, flag, prob, top, 3000, np.random.default_rng(4), places=place)
    n = place.max() + 1
    rows_of = [np.flatnonzero(place == k) for k in range(n)]
    slow = []
    for draw in np.random.default_rng(5).integers(0, n, size=(3000, n)):
        idx = np.concatenate([rows_of[k] for k in draw])
        slow.append(metrics_from_sums(place_sums(idx, y[idx], flag[idx], prob[idx], top[idx]).sum(0)))
    slow = np.array(slow)
    np.testing.assert_allclose(np.nanmean(fast, 0), np.nanmean(slow, 0), atol=0.006)
    np.testing.assert_allclose(np.nanstd(fast, 0), np.nanstd(slow, 0), rtol=0.12, atol=0.002)


def test_place_bootstrap_is_wider_than_resampling_place_years_when_years_are_alike() -> None:
    """Rows of one place are not independent: resampling place-years (what 0.2.1 did while the
    card said "places") gives intervals that are too narrow."""
    y, flag, prob, top, place = _clustered()
    by_place = bootstrap_group(y, flag, prob, top, 2000, np.random.default_rng(1), places=place)
    by_row = bootstrap_group(y, flag, prob, top, 2000, np.random.default_rng(1))
    ratio = np.nanstd(by_place, 0) / np.nanstd(by_row, 0)
    assert (ratio[[0, 4, 5]] > 1.6).all(), ratio  # selection rate, mean risk, observed rate


def test_a_group_with_few_elevated_places_is_not_judged_and_shows_no_zero_width_interval() -> None:
    rng = np.random.default_rng(11)
    p = places(3000, seed=11)
    p["y"] = (rng.uniform(size=len(p)) < 0.2).astype(int)
    rural = p["urbanity"] >= 4
    keep_pos = rural & (p["y"] == 1)
    p.loc[keep_pos[keep_pos].index[3:], "y"] = 0  # only 3 elevated rural places
    p["prob"] = np.clip(0.2 + 0.3 * p["y"] + rng.normal(0, 0.15, len(p)), 0, 1)
    audit = audit_predictions(p, 0.4, TH)
    row = audit.table[
        (audit.table["grouping"] == "urbanity")
        & (audit.table["group"] == "landelijk")
        & (audit.table["metric"] == "recall")
    ].iloc[0]
    assert not row["judged"] and np.isnan(row["value"]) and np.isnan(row["ci_low"])
    assert row["n_positive_places"] == 3
    sizes = audit.groups.set_index(["grouping", "group"]).loc[("urbanity", "landelijk")]
    assert sizes["n_positive_places"] == 3 and not sizes["recall_judged"]
    fpr = audit.table[
        (audit.table["grouping"] == "urbanity")
        & (audit.table["group"] == "landelijk")
        & (audit.table["metric"] == "false_positive_rate")
    ].iloc[0]
    assert fpr["judged"] and fpr["ci_high"] > fpr["ci_low"]


def test_the_gate_counts_the_comparisons_it_made() -> None:
    """3 gated groupings × 3 groups: recall and FPR compare 2 groups with the reference each,
    calibration checks all 3 → 7 per grouping, 21 in all (0.2.1 said "all" of every row)."""
    rng = np.random.default_rng(12)
    p = places(3000, seed=12)
    p["y"] = (rng.uniform(size=len(p)) < 0.3).astype(int)
    p["prob"] = np.clip(0.3 + 0.3 * p["y"] + rng.normal(0, 0.15, len(p)), 0, 1)
    audit = audit_predictions(p, 0.5, TH)
    decision = gate(audit)
    assert audit.n_comparisons == 21
    assert decision.summary_code["of"] == 21


def test_the_audit_judges_only_served_rows_and_counts_the_rest_per_group() -> None:
    """A row is audited when its flag is shown and its outcome year may be published."""
    rng = np.random.default_rng(13)
    p = places(2000, seed=13)
    p["y"] = (rng.uniform(size=len(p)) < 0.3).astype(int)
    p["prob"] = np.clip(0.3 + 0.3 * p["y"] + rng.normal(0, 0.15, len(p)), 0, 1)
    small = np.arange(len(p)) % 4 == 0  # a quarter of the places have < 10 pupils in 2022
    hidden_next = np.arange(len(p)) % 4 == 1  # another quarter is hidden in 2023
    panel = pd.concat(
        [
            pd.DataFrame(
                {"place_id": p["place_id"], "school_year": 2022, "n_pupils": np.where(small, 6, 40)}
            ),
            pd.DataFrame(
                {
                    "place_id": p["place_id"],
                    "school_year": 2023,
                    "n_pupils": 40,
                    STATUS_COLUMN: np.where(hidden_next, "secondary", "shown"),
                }
            ),
        ],
        ignore_index=True,
    )
    served = served_rows(p, panel)
    assert (served[small] == "not_served").all() and (served[hidden_next] == "outcome_hidden").all()
    audit = audit_predictions(p, 0.5, TH, served=served)
    assert audit.n_rows == len(p) // 2
    assert audit.not_audited == {"not_served": 500, "outcome_hidden": 500}
    sizes = audit.groups[audit.groups["grouping"] == "urbanity"]
    assert sizes["n_rows"].sum() == 1000 and sizes["n_not_served"].sum() == 500
    expected = audit_predictions(p[(served == "audited").to_numpy()], 0.5, TH)
    fixed = ["urbanity", "province"]  # groupings without cut points (tertiles use every row)
    pd.testing.assert_series_equal(
        audit.table.loc[audit.table["grouping"].isin(fixed), "value"],
        expected.table.loc[expected.table["grouping"].isin(fixed), "value"],
    )


def test_small_groups_are_reported_not_audited() -> None:
    p = places(400)
    p["y"], p["prob"] = 0, 0.1
    p.loc[:3, "province"] = "Zeeland"
    audit = audit_predictions(
        p.assign(y=np.arange(len(p)) % 5 == 0), 0.5, FairnessLimits(n_boot=50, min_group_size=15)
    )
    zeeland = audit.groups[(audit.groups["grouping"] == "province") & (audit.groups["group"] == "Zeeland")]
    assert not zeeland["audited"].iloc[0]
    assert "Zeeland" not in set(audit.table.loc[audit.table["grouping"] == "province", "group"])


def _train_and_predict(p: pd.DataFrame, y_true: np.ndarray, y_train: np.ndarray) -> np.ndarray:
    X = np.column_stack([p["signal"], p["urbanity"]])
    half = len(p) // 2
    model = LogisticRegression().fit(X[:half], y_train[:half])
    return model.predict_proba(X)[:, 1]


def test_gate_refuses_a_model_trained_with_a_planted_group_bias_and_accepts_a_fair_one() -> None:
    rng = np.random.default_rng(6)
    p = places(6000, seed=7)
    y = rng.uniform(size=len(p)) < 0.2
    p["signal"] = y * 1.5 + rng.normal(0, 0.8, len(p))
    rural = p["urbanity"] >= 4
    biased_labels = y & ~(rural & (rng.uniform(size=len(p)) < 0.8))  # rural hot spots erased
    half = len(p) // 2
    out = {}
    for name, labels in (("fair", y), ("unfair", biased_labels)):
        prob = _train_and_predict(p, y, labels)
        test = p.iloc[half:].assign(y=y[half:].astype(int), prob=prob[half:])
        out[name] = gate(audit_predictions(test, 0.3, TH))
    assert out["fair"].allowed, out["fair"].codes
    assert not out["unfair"].allowed
    reasons = gate_words(out["unfair"], "en")[1]  # worded at the edge, from the codes
    assert any("rural" in r and "recall" in r for r in reasons)
    assert all("FAIL" not in r for r in reasons)  # neutral wording


def test_reweighing_makes_group_and_label_independent() -> None:
    g = pd.Series(["a"] * 100 + ["b"] * 100)
    y = np.array([1] * 40 + [0] * 60 + [1] * 5 + [0] * 95)
    w = reweighing_weights(g, y, clip=(0, 100))
    frame = pd.DataFrame({"g": g, "y": y, "w": w})
    rate = frame.groupby("g").apply(lambda d: (d["w"] * d["y"]).sum() / d["w"].sum())
    assert rate["a"] == pytest.approx(rate["b"])
