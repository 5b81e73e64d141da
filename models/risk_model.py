"""The deployable risk model: estimator + calibrator + operating point, as an MLflow pyfunc.

Input: place-level feature rows (the registry's indicators for the model's target and level).
Output per row: ``risk`` (calibrated probability of being elevated next year), ``risk_low`` and
``risk_high`` (a Wilson 90 % interval around the risk whose sample size is the number of
held-out place-years with a predicted risk within ±0.05: *how much evidence pins this risk
level down* — wide where the model rarely predicted such risks), and ``flag`` (risk at or above
the model's operating point).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

try:  # mlflow is heavy (≈1.4 s import); only needed when logging or serving
    from mlflow.pyfunc import PythonModel
except ImportError:  # pragma: no cover
    PythonModel = object  # type: ignore[misc,assignment]

NEIGHBOURHOOD = 0.05
MIN_EVIDENCE = 5
Z90 = 1.6449


def wilson(successes: np.ndarray, n: np.ndarray, z: float = Z90) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion."""
    n = np.maximum(np.asarray(n, dtype=float), 1)
    p = np.asarray(successes, dtype=float) / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


class RiskModel(PythonModel):
    """Calibrated early-warning model for one target and level."""

    def __init__(
        self,
        estimator: object,
        calibrator: object,
        threshold: float,
        features: list[str],
        oof_prob: np.ndarray,
        target: str,
        level: str,
        kind: str,
        group_thresholds: dict[str, dict[str, float]] | None = None,
        group_cuts: dict[str, tuple[float, float]] | None = None,
        groupings: tuple[str, ...] = (),
    ):
        self.estimator = estimator
        self.calibrator = calibrator
        self.threshold = float(threshold)
        self.features = list(features)
        self.oof_prob = np.sort(np.asarray(oof_prob, dtype=float))  # evidence per risk level
        self.target = target
        self.level = level
        self.kind = kind
        self.group_thresholds = group_thresholds or None
        self.group_cuts = group_cuts
        self.groupings = tuple(groupings)

    # -- scoring -------------------------------------------------------------------------
    def risk(self, X: pd.DataFrame) -> np.ndarray:
        raw = self.estimator.predict_proba(X[self.features])[:, 1]
        return np.clip(self.calibrator.transform(raw), 0, 1)

    def risk_interval(self, risk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lo = np.searchsorted(self.oof_prob, risk - NEIGHBOURHOOD, side="left")
        hi = np.searchsorted(self.oof_prob, risk + NEIGHBOURHOOD, side="right")
        evidence = np.maximum(hi - lo, MIN_EVIDENCE)
        return wilson(risk * evidence, evidence)

    def thresholds(self, X: pd.DataFrame) -> np.ndarray:
        """Flag threshold per row: global, or per kind of place after recall-parity mitigation."""
        from models.groups import thresholds_per_row

        return thresholds_per_row(X, self.group_thresholds or {}, self.group_cuts, self.threshold)

    def score(self, X: pd.DataFrame) -> pd.DataFrame:
        """Risk, interval and flag per row (index kept)."""
        risk = self.risk(X)
        low, high = self.risk_interval(risk)
        return pd.DataFrame(
            {
                "risk": risk,
                "risk_low": low,
                "risk_high": high,
                "flag": (risk >= self.thresholds(X)).astype(int),
            },
            index=X.index,
        )

    def predict(self, context: object, model_input: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
        """MLflow pyfunc entry point (REST serving, batch scoring)."""
        return self.score(pd.DataFrame(model_input)).reset_index(drop=True)

    def raw_score(self, X: pd.DataFrame) -> np.ndarray:
        """The estimator's uncalibrated log-odds (the scale explanations are measured on)."""
        Xf = X[self.features]
        if hasattr(self.estimator, "booster_"):
            return self.estimator.booster_.predict(Xf, raw_score=True)
        if hasattr(self.estimator, "decision_function"):
            return self.estimator.decision_function(Xf)
        raise TypeError(f"no raw score for estimator {type(self.estimator).__name__}")

    # -- explanations --------------------------------------------------------------------
    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per-feature contributions to the raw log-odds (LightGBM TreeSHAP, ``pred_contrib``).

        For the logistic models: coefficient × standardised value. The column ``bias`` is the
        baseline; contributions plus bias sum to the raw score's log-odds.
        """
        Xf = X[self.features]
        if hasattr(self.estimator, "booster_"):
            contrib = self.estimator.booster_.predict(Xf, pred_contrib=True)
            return pd.DataFrame(contrib, columns=[*self.features, "bias"], index=X.index)
        if hasattr(self.estimator, "named_steps"):
            steps = list(self.estimator.named_steps.values())
            z = steps[1].transform(steps[0].transform(Xf))
            lr = steps[-1]
            out = pd.DataFrame(z * lr.coef_[0], columns=self.features, index=X.index)
            out["bias"] = lr.intercept_[0]
            return out
        raise TypeError(f"no explanation for estimator {type(self.estimator).__name__}")
