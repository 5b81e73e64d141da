"""The candidate model and its baselines, all with the scikit-learn interface.

* :class:`PersistenceBaseline` — "last year's flag": the risk of being elevated next year is the
  training frequency given whether the place is elevated now (ties broken by the current gap).
* ``context_only`` — logistic regression on context, size and regime indicators only, without
  the place's own history (Wisconsin DEWS: context carries much of the signal).
* ``logistic`` — logistic regression on all indicators.
* ``lightgbm`` — gradient-boosted trees on all indicators: the candidate.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from features.vocabulary import MODEL_KINDS


class PersistenceBaseline(ClassifierMixin, BaseEstimator):
    """Predict next year's elevation from this year's flag: P(elevated in t + 1 | elevated in t).

    "Last year's flag" literally: the feature ``elevated_now`` is the place's elevated flag of
    feature year t (a missing flag counts as not elevated); the gap to the national rate only
    breaks ties within the two groups, so ranking metrics are defined.
    """

    def __init__(self, flag_column: str = "elevated_now", gap_column: str = "gap_to_national"):
        self.flag_column = flag_column
        self.gap_column = gap_column

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> PersistenceBaseline:
        now = (X[self.flag_column].fillna(0).to_numpy() > 0).astype(int)
        y = np.asarray(y)
        self.rates_ = np.array([y[now == v].mean() if (now == v).any() else y.mean() for v in (0, 1)])
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        now = (X[self.flag_column].fillna(0).to_numpy() > 0).astype(int)
        gap = X[self.gap_column].fillna(0).to_numpy()
        p = self.rates_[now] + 1e-6 * np.tanh(gap / 10)  # tie-break only
        p = np.clip(p, 0, 1)
        return np.column_stack([1 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


def make_logistic(C: float = 1.0) -> Pipeline:
    return make_pipeline(
        SimpleImputer(strategy="median"), StandardScaler(), LogisticRegression(C=C, max_iter=2000)
    )


def make_lightgbm(params: dict | None = None, seed: int = 0) -> lgb.LGBMClassifier:
    """LightGBM with deliberately set threads (MEASURED: 1 thread beat 2 on these sizes)."""
    base = {
        "n_estimators": 300,
        "learning_rate": 0.03,
        "num_leaves": 15,
        "max_depth": 5,
        "min_child_samples": 30,
        "subsample": 0.8,
        "subsample_freq": 1,
        "colsample_bytree": 0.8,
        "reg_lambda": 1.0,
        "n_jobs": 1,
        "verbose": -1,
        "random_state": seed,
        "deterministic": True,
    }
    base.update(params or {})
    return lgb.LGBMClassifier(**base)


def make_estimator(kind: str, params: dict | None = None, seed: int = 0) -> BaseEstimator:
    """Build an unfitted estimator of ``kind`` (one of :data:`MODEL_KINDS`)."""
    params = dict(params or {})
    if kind == "persistence":
        return PersistenceBaseline()
    if kind in ("context_only", "logistic"):
        return make_logistic(C=params.get("C", 1.0))
    if kind == "lightgbm":
        return make_lightgbm(params, seed=seed)
    raise ValueError(f"unknown model kind {kind!r}; expected one of {MODEL_KINDS}")
