"""Fairness audit: independent cross-checks, bootstrap validity, and the promotion gate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from models.audit import (
    _metrics_from_samples,
    audit_predictions,
    bootstrap_group,
    gate,
    metric_frame,
)
from models.groups import assign_groups, reweighing_weights
from models.spec import FairnessLimits

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
        ours = _metrics_from_samples(y[m], flag[m], prob[m], np.zeros(m.sum(), bool))
        assert ours[0] == pytest.approx(mf.loc[k, "selection_rate"])
        assert ours[1] == pytest.approx(mf.loc[k, "recall"])
        assert ours[2] == pytest.approx(mf.loc[k, "false_positive_rate"])


def test_multinomial_bootstrap_matches_resampling_places() -> None:
    rng = np.random.default_rng(3)
    n = 800
    y = rng.uniform(size=n) < 0.25
    prob = np.clip(0.25 + 0.3 * y + rng.normal(0, 0.1, n), 0, 1)
    flag = prob >= 0.45
    top = prob >= np.quantile(prob, 0.9)
    fast = bootstrap_group(y, flag, prob, top, 4000, np.random.default_rng(4))
    idx = np.random.default_rng(5).integers(0, n, size=(4000, n))
    slow = _metrics_from_samples(y[idx], flag[idx], prob[idx], top[idx])
    np.testing.assert_allclose(np.nanmean(fast, 0), np.nanmean(slow, 0), atol=0.005)
    np.testing.assert_allclose(np.nanstd(fast, 0), np.nanstd(slow, 0), rtol=0.12, atol=0.002)


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
    assert out["fair"].allowed, out["fair"].reasons
    assert not out["unfair"].allowed
    assert any("landelijk" in r and "recall" in r for r in out["unfair"].reasons)
    assert all("FAIL" not in r for r in out["unfair"].reasons)  # neutral wording


def test_reweighing_makes_group_and_label_independent() -> None:
    g = pd.Series(["a"] * 100 + ["b"] * 100)
    y = np.array([1] * 40 + [0] * 60 + [1] * 5 + [0] * 95)
    w = reweighing_weights(g, y, clip=(0, 100))
    frame = pd.DataFrame({"g": g, "y": y, "w": w})
    rate = frame.groupby("g").apply(lambda d: (d["w"] * d["y"]).sum() / d["w"].sum())
    assert rate["a"] == pytest.approx(rate["b"])
