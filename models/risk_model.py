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

from features.suppression import MIN_PUPILS

try:  # mlflow is heavy (≈1.4 s import); only needed when logging or serving
    from mlflow.pyfunc import PythonModel
except ImportError:  # pragma: no cover
    PythonModel = object  # type: ignore[misc,assignment]

MAX_ROWS = 10_000
"""Rows per REST request (the whole country is ≈6,600 schools): larger payloads are refused."""
PUPILS_FEATURE = "log_pupils"  # log(1 + pupils): the pupil count a row rests on


def input_problem(X: pd.DataFrame, features: list[str]) -> str | None:
    """Why a scoring payload is refused, in words naming the column; None when it is fine."""
    from features.indicators import REGISTRY

    if len(X) > MAX_ROWS:
        return f"{len(X):,} rows in one request; at most {MAX_ROWS:,} (send the rest in more requests)"
    for col in features:
        if col not in X:
            continue
        values = pd.to_numeric(X[col], errors="coerce").to_numpy(dtype=float)
        if np.isinf(values).any():
            return f"column '{col}': infinite value in row {int(np.flatnonzero(np.isinf(values))[0])}"
        lo, hi = REGISTRY[col].valid_range if col in REGISTRY else (-np.inf, np.inf)
        outside = np.isfinite(values) & ((values < lo) | (values > hi))
        if outside.any():
            row = int(np.flatnonzero(outside)[0])
            return f"column '{col}': {values[row]:g} in row {row} is outside its range {lo:g} … {hi:g}"
    if PUPILS_FEATURE in features and PUPILS_FEATURE in X and X[PUPILS_FEATURE].isna().any():
        row = int(np.flatnonzero(X[PUPILS_FEATURE].isna().to_numpy())[0])
        return f"column '{PUPILS_FEATURE}': missing in row {row}; the pupil count decides what may be shown"
    return None


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
        *,
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
        """MLflow pyfunc entry point (REST serving): the same rules as every other output.

        A payload of more than :data:`MAX_ROWS` rows, an infinite value or a value outside the
        indicator's range (:attr:`features.indicators.Indicator.valid_range`), or a row without
        its pupil count is refused before anything is computed (HTTP 400, naming the column).
        Missing values are otherwise legitimate (lags before a place's first year). A row that
        rests on fewer than 10 pupils gets no risk and no flag (all four outputs empty).
        Every row also says which data the model was built on: ``data_origin`` ("simulated" or
        the data folder's name) and ``data_fingerprint``.
        """
        X = pd.DataFrame(model_input)
        problem = input_problem(X, self.features)
        if problem is not None:
            from mlflow.exceptions import MlflowException

            raise MlflowException.invalid_parameter_value(problem)
        out = self.score(X).reset_index(drop=True)
        if PUPILS_FEATURE in X:
            small = ~(np.expm1(X[PUPILS_FEATURE].to_numpy(dtype=float)) >= MIN_PUPILS - 1e-9)
            if small.any():  # JSON null, not NaN: "no figure", readable by every client
                out = out.astype(object)
                out.loc[small, ["risk", "risk_low", "risk_high", "flag"]] = None
        out["data_origin"] = getattr(self, "data_origin", "unknown")
        out["data_fingerprint"] = getattr(self, "data_fingerprint", "")
        return out

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
