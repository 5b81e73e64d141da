"""Fairness mitigation, compared on the same held-out year, served rows only, with intervals.

Every row of the table is a model this experiment really trained (and, down the mitigation
ladder, may register as a version), judged the way the audit judges:

* ``unmitigated`` — the selected candidate;
* ``reweighing`` — Kamiran & Calders reweighing by the *gated* groupings jointly (e.g. urbanity
  × migration × income), the very model the ladder registers when the gate refuses the first
  candidate: training rows weighted by P(group)·P(label) / P(group, label);
* ``reweighing+group_thresholds`` — that model with recall-parity thresholds per kind of place;
* ``threshold_optimizer`` — for comparison only (never registered): fairlearn's
  :class:`~fairlearn.postprocessing.ThresholdOptimizer` with true-positive-rate parity on the
  unmitigated risk, learnt on the earlier held-out years.

All rows use the held-out (cross-fitted) risk and thresholds of :func:`models.train.cross_fit`
and only the place-years the service would show (:func:`features.suppression.served_rows`), on the
last held-out year. Intervals resample places (one row per place in one year). The trade-off —
flag precision, recall, F1 against the largest recall and false-positive-rate difference between
the groups of ``mitigation_grouping`` — is a choice for people, not a silent switch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.base import BaseEstimator, ClassifierMixin

from features.suppression import served_rows
from models.groups import assign_groups
from models.spec import FairnessLimits
from models.train import ModelResult

MIN_POSITIVES = 3
"""A group takes part in the recall difference with at least this many elevated places."""

FLAG_METRICS = (
    "precision",
    "recall",
    "f1",
    "selection_rate",
    "max_recall_difference",
    "max_fpr_difference",
)


class _ScoreColumn(ClassifierMixin, BaseEstimator):
    """A 'prefit' estimator that returns an already computed risk column."""

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> _ScoreColumn:
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = X["prob"].to_numpy(dtype=float)
        return np.column_stack([1 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (X["prob"].to_numpy() >= 0.5).astype(int)


def flag_metrics_weighted(
    y: np.ndarray, flag: np.ndarray, group: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """:data:`FLAG_METRICS` for each row of ``weights`` (how often each place is counted).

    ``weights`` shaped (B, n): the point estimate is one row of ones; a place bootstrap is B
    multinomial rows. Groups with fewer than :data:`MIN_POSITIVES` elevated (or not elevated)
    places in the data take no part in the recall (or FPR) difference.
    """
    y, flag = np.asarray(y).astype(float), np.asarray(flag).astype(float)
    codes, labels = pd.factorize(pd.Series(group))
    onehot = np.eye(len(labels))[codes]  # (n, G)
    tp, flagged, pos = weights @ (y * flag), weights @ flag, weights @ y
    n = weights.sum(1)
    g_pos, g_tp = weights @ (onehot * y[:, None]), weights @ (onehot * (y * flag)[:, None])
    g_neg, g_fp = weights @ (onehot * (1 - y)[:, None]), weights @ (onehot * ((1 - y) * flag)[:, None])
    use_rec = onehot.T @ y >= MIN_POSITIVES
    use_fpr = onehot.T @ (1 - y) >= MIN_POSITIVES
    with np.errstate(invalid="ignore", divide="ignore"):
        precision, recall = tp / flagged, tp / pos
        f1 = np.where(tp > 0, 2 * precision * recall / (precision + recall), 0.0)
        rec, fpr = g_tp / g_pos, g_fp / g_neg

    def spread(values: np.ndarray, use: np.ndarray) -> np.ndarray:
        if use.sum() < 2:
            return np.full(values.shape[0], np.nan)
        v = values[:, use]
        return np.nanmax(v, 1) - np.nanmin(v, 1)

    return np.column_stack([precision, recall, f1, flagged / n, spread(rec, use_rec), spread(fpr, use_fpr)])


def _with_intervals(
    y: np.ndarray, flag: np.ndarray, group: np.ndarray, limits: FairnessLimits, rng: np.random.Generator
) -> dict[str, float]:
    point = flag_metrics_weighted(y, flag, group, np.ones((1, y.size)))[0]
    weights = rng.multinomial(y.size, np.full(y.size, 1 / y.size), size=limits.n_boot).astype(float)
    boots = flag_metrics_weighted(y, flag, group, weights)
    alpha = (1 - limits.confidence) / 2
    out: dict[str, float] = {"n_rows": int(y.size), "n_positive_places": int(np.sum(y))}
    for j, metric in enumerate(FLAG_METRICS):
        finite = boots[:, j][np.isfinite(boots[:, j])]
        out[metric] = float(point[j])
        out[f"{metric}_low"] = float(np.quantile(finite, alpha)) if finite.size else np.nan
        out[f"{metric}_high"] = float(np.quantile(finite, 1 - alpha)) if finite.size else np.nan
    return out


def compare_mitigations(
    candidates: dict[str, ModelResult],
    places: pd.DataFrame,
    panel: pd.DataFrame,
    limits: FairnessLimits,
) -> pd.DataFrame:
    """The trade-off table of the models in ``candidates`` (ladder rung name → model; ``"none"``
    is the unmitigated candidate), on the last held-out year's served rows, plus the
    ThresholdOptimizer on the unmitigated risk for comparison.

    ``places`` carries the context columns for group assignment per place-year; ``panel`` the
    disclosure status that decides which rows are served.
    """
    rng = np.random.default_rng(limits.seed)
    grouping = limits.mitigation_grouping
    rows = []
    base = candidates["none"].oof
    last = int(base["school_year"].max())
    for method, result in candidates.items():
        oof = result.oof.merge(places, on=["place_id", "school_year"], how="left")
        oof["group"] = assign_groups(oof)[grouping]
        served = (served_rows(oof, panel) == "audited").to_numpy()
        oof = oof[served & oof["group"].notna().to_numpy()].reset_index(drop=True)
        late = oof[oof["school_year"] == last]
        flag = late["prob"].to_numpy() >= late["threshold"].to_numpy()
        name = "unmitigated" if method == "none" else method
        rows.append(
            {"method": name, **_with_intervals(late["y"].to_numpy(), flag, late["group"], limits, rng)}
        )
        if method != "none":
            continue
        early = oof[oof["school_year"] < last]
        to = ThresholdOptimizer(
            estimator=_ScoreColumn().fit(None, None),
            constraints="true_positive_rate_parity",
            objective="balanced_accuracy_score",
            prefit=True,
            predict_method="predict_proba",
        )
        try:
            to.fit(early[["prob"]], early["y"].astype(int), sensitive_features=early["group"])
            flags = to.predict(late[["prob"]], sensitive_features=late["group"], random_state=0)
            metrics = _with_intervals(late["y"].to_numpy(), np.asarray(flags), late["group"], limits, rng)
            rows.append({"method": "threshold_optimizer", **metrics})
        except ValueError as exc:  # e.g. a group with only one label value in the training years
            rows.append({"method": "threshold_optimizer", "note": f"not applicable: {exc}"})
    out = pd.DataFrame(rows)
    out["grouping"] = grouping
    out["reweighed_by"] = " × ".join(limits.gated_groupings)
    out["test_year"] = last
    return out
