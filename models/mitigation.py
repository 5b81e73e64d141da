"""Fairness mitigation, compared with the unmitigated model on the same held-out years.

* **Post-processing** — fairlearn :class:`~fairlearn.postprocessing.ThresholdOptimizer` with a
  true-positive-rate parity constraint: group-specific thresholds on the calibrated risk,
  learnt on earlier folds, evaluated on the last fold.
* **Re-weighting** — Kamiran & Calders reweighing: training rows weighted by
  P(group)·P(label) / P(group, label) so group and label are independent in the weighted
  training data; LightGBM refitted with those weights on the same rolling-origin folds.

The result is a trade-off table (flag precision, recall, F1 vs the largest recall and FPR
difference between groups) — a choice for people, not a silent switch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.base import BaseEstimator, ClassifierMixin

from models.estimators import make_estimator
from models.groups import assign_groups
from models.spec import ExperimentSpec
from models.train import ModelResult, f1_threshold, fit_weighted, labelled, rolling_origin_folds


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


def flag_metrics(y: np.ndarray, flag: np.ndarray, groups: pd.Series) -> dict[str, float]:
    """Accuracy and fairness of a set of flags."""
    y = np.asarray(y).astype(bool)
    flag = np.asarray(flag).astype(bool)
    tp = (y & flag).sum()
    precision = tp / flag.sum() if flag.sum() else np.nan
    recall = tp / y.sum() if y.sum() else np.nan
    rec, fpr = [], []
    for _, idx in pd.Series(range(len(y))).groupby(groups.to_numpy()).groups.items():
        i = np.asarray(list(idx))
        if y[i].sum() >= 3:
            rec.append((y[i] & flag[i]).sum() / y[i].sum())
        if (~y[i]).sum() >= 3:
            fpr.append((~y[i] & flag[i]).sum() / (~y[i]).sum())
    return {
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(2 * precision * recall / (precision + recall)) if tp else 0.0,
        "selection_rate": float(flag.mean()),
        "max_recall_difference": float(np.ptp(rec)) if len(rec) > 1 else np.nan,
        "max_fpr_difference": float(np.ptp(fpr)) if len(fpr) > 1 else np.nan,
    }


def compare_mitigations(
    candidate: ModelResult,
    features: pd.DataFrame,
    places: pd.DataFrame,
    config: ExperimentSpec,
    grouping: str,
) -> pd.DataFrame:
    """Trade-off table on the last held-out fold: unmitigated vs post-processing vs reweighing.

    ``places`` carries the context columns for group assignment, aligned with ``features``.
    """
    oof = candidate.oof.merge(places, on=["place_id", "school_year"], how="left")
    oof["group"] = assign_groups(oof)[grouping]
    oof = oof[oof["group"].notna()].reset_index(drop=True)
    last = oof["school_year"].max()
    early, late = oof[oof["school_year"] < last], oof[oof["school_year"] == last]
    rows = []
    thr = f1_threshold(early["y"].to_numpy(), early["prob"].to_numpy())
    rows.append({"method": "unmitigated", **flag_metrics(late["y"], late["prob"] >= thr, late["group"])})
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
        rows.append(
            {"method": "threshold_optimizer (TPR parity)", **flag_metrics(late["y"], flags, late["group"])}
        )
    except ValueError as exc:  # e.g. a group with only one label value in the training years
        rows.append({"method": "threshold_optimizer (TPR parity)", "note": f"not applicable: {exc}"})

    extra = [c for c in places.columns if c not in features.columns]
    data = labelled(features).merge(
        places[["place_id", "school_year", *extra]], on=["place_id", "school_year"], how="left"
    )
    data["group"] = assign_groups(data)[grouping]
    folds = rolling_origin_folds(data["school_year"], (int(last),))
    for train, test, _year in folds:
        est = make_estimator(
            candidate.kind,
            config.params_for(candidate.kind),
            seed=config.seed,
        )
        fit_weighted(
            est,
            data.loc[train, candidate.features],
            data.loc[train, "elevated_next"].astype(int),
            data.loc[train, "group"],
        )
        score = candidate.calibrator.transform(est.predict_proba(data.loc[test, candidate.features])[:, 1])
        test_frame = data.loc[test]
        keep = test_frame["group"].notna().to_numpy()
        rows.append(
            {
                "method": "reweighing (Kamiran–Calders)",
                **flag_metrics(
                    test_frame["elevated_next"].to_numpy()[keep],
                    score[keep] >= thr,
                    test_frame["group"][keep],
                ),
            }
        )
    out = pd.DataFrame(rows)
    out["grouping"] = grouping
    out["test_year"] = int(last)
    return out
