"""Temporal validation, baselines, calibration and the final fit — no MLflow here.

**Rolling origin.** A feature row of year t predicts whether the place is elevated in t + 1.
When we score year t, labels are known only for rows up to t - 1 (their t + 1 ≤ t). So the fold
for test year t trains on rows ≤ t - 1 and tests on rows of year t. Never a random split.

**Calibration, cross-fitted.** Every model kind's raw out-of-fold scores are calibrated the way
the served model is, but never on the rows they are scored on: the scores of held-out year t are
mapped by a calibrator fitted on the out-of-fold scores of the *other* held-out years (isotonic
or Platt, whichever has the lower Brier score on the latest of those years), and the flag
threshold of year t maximises F1 on those other years (:func:`cross_fit`). So every reported
metric — selected, mitigated, baselines — and the audit are held out, and baselines and models
are compared on the same calibrated scale. The *served* model's calibrator and threshold are
fitted once more on all out-of-fold scores (more data, the same procedure); the held-out figures
measure that procedure.

**Operating point.** The flag threshold maximises F1 on calibrated scores; it travels with the
model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from features.indicators import feature_names
from models.estimators import make_estimator
from models.metrics import evaluate
from models.spec import CALIBRATION_METHODS, ExperimentSpec


def model_features(kind: str, target: str, level: str) -> list[str]:
    """Which indicators a model kind may use (context-only excludes the place's history)."""
    if kind == "context_only":
        return feature_names(target, level, kinds=("context", "size", "regime"))
    return feature_names(target, level)


def labelled(features: pd.DataFrame) -> pd.DataFrame:
    return features[features["elevated_next"].notna()]


def rolling_origin_folds(
    years: pd.Series, test_years: tuple[int, ...]
) -> list[tuple[np.ndarray, np.ndarray, int]]:
    """``(train_mask, test_mask, test_year)`` per fold: train on rows ≤ t - 1, test on t."""
    y = years.to_numpy()
    return [(y <= t - 1, y == t, t) for t in test_years if (y == t).any() and (y <= t - 1).any()]


class Calibrator:
    """Isotonic or Platt mapping of raw scores to probabilities (chosen on held-out years)."""

    def __init__(self, method: str):
        if method not in CALIBRATION_METHODS:
            raise ValueError(f"unknown calibration method {method!r}; expected one of {CALIBRATION_METHODS}")
        self.method = method

    def fit(self, score: np.ndarray, y: np.ndarray) -> Calibrator:
        if self.method == "isotonic":
            self.model_ = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(score, y)
        else:
            self.model_ = LogisticRegression().fit(_logit(score).reshape(-1, 1), y)
        return self

    def transform(self, score: np.ndarray) -> np.ndarray:
        if self.method == "isotonic":
            # isotonic steps create ties that would throw away the model's ranking; a
            # one-in-a-million tie-break by the raw score keeps it (calibration unchanged)
            stepped = np.asarray(self.model_.predict(score), dtype=float)
            tie_break = np.clip(np.asarray(score, dtype=float), 0, 1)
            return stepped * (1 - 2e-6) + 1e-6 * (1 + tie_break) / 2
        return self.model_.predict_proba(_logit(score).reshape(-1, 1))[:, 1]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def choose_calibrator(oof: pd.DataFrame) -> tuple[Calibrator, dict[str, float]]:
    """Fit both methods on earlier folds, keep the better on the last fold, refit on all."""
    last = oof["school_year"].max()
    early, late = oof[oof["school_year"] < last], oof[oof["school_year"] == last]
    briers = {}
    for method in CALIBRATION_METHODS:
        if early["y"].nunique() < 2:
            briers[method] = np.inf
            continue
        cal = Calibrator(method).fit(early["score"].to_numpy(), early["y"].to_numpy())
        p = cal.transform(late["score"].to_numpy())
        briers[method] = float(np.mean((p - late["y"].to_numpy()) ** 2))
    best = min(briers, key=briers.get)
    return Calibrator(best).fit(oof["score"].to_numpy(), oof["y"].to_numpy()), briers


def f1_threshold(y: np.ndarray, prob: np.ndarray) -> float:
    """Probability threshold with the best F1 (ties → higher threshold, fewer flags)."""
    best, best_t = -1.0, 0.5
    for t in np.unique(np.round(prob, 3)):
        flag = prob >= t
        tp = (flag & (y == 1)).sum()
        f1 = 2 * tp / (flag.sum() + (y == 1).sum()) if flag.sum() else 0.0
        if f1 >= best:
            best, best_t = f1, float(t)
    return best_t


def cross_fit(oof: pd.DataFrame) -> pd.DataFrame:
    """Held-out calibrated risk and flag threshold for every out-of-fold row.

    The rows of each held-out year get a calibrator and an F1 threshold fitted on the other
    held-out years only (leave one year out), so neither the calibration nor the operating point
    has seen the labels it is judged on. Adds ``prob`` and ``threshold`` to a copy of ``oof``
    (``place_id``, ``school_year``, ``y``, ``score``).
    """
    out = oof.copy()
    out["prob"] = np.nan
    out["threshold"] = np.nan
    years = out["school_year"].to_numpy()
    for year in np.unique(years):
        own = years == year
        others = out.loc[~own, ["school_year", "y", "score"]]
        if others.empty:  # a single held-out year: nothing else to calibrate on
            calibrator: Calibrator = Calibrator("isotonic").fit(out["score"].to_numpy(), out["y"].to_numpy())
        else:
            calibrator, _ = choose_calibrator(others)
            others_prob = calibrator.transform(others["score"].to_numpy())
        out.loc[own, "prob"] = calibrator.transform(out.loc[own, "score"].to_numpy())
        out.loc[own, "threshold"] = (
            f1_threshold(others["y"].to_numpy(), others_prob) if not others.empty else 0.5
        )
    return out


def held_out_fold_metrics(oof: pd.DataFrame, config: ExperimentSpec) -> pd.DataFrame:
    """Per held-out year, the metrics of the cross-fitted calibrated risk (``prob``)."""
    rows = []
    for year, fold in oof.groupby("school_year"):
        m = evaluate(
            fold["y"].to_numpy(), fold["prob"].to_numpy(), top_share=config.top_share, budget=config.budget
        )
        rows.append({"test_year": int(year), **m})
    return pd.DataFrame(rows)


@dataclass(kw_only=True)
class ModelResult:
    """Everything one model kind produced on the folds (and, for the candidate, the final fit).

    ``oof`` holds the out-of-fold rows: raw ``score``, cross-fitted calibrated ``prob`` and the
    cross-fitted flag ``threshold`` of each row (:func:`cross_fit`); ``fold_metrics`` are
    computed on ``prob``. ``calibrator`` and ``threshold`` are the served model's, fitted on all
    out-of-fold rows.
    """

    kind: str
    features: list[str]
    fold_metrics: pd.DataFrame
    oof: pd.DataFrame  # place_id, school_year, y, score, prob, threshold
    estimator: object = None
    calibrator: Calibrator | None = None
    threshold: float = 0.5
    calibration_briers: dict[str, float] = field(default_factory=dict)
    group_thresholds: dict[str, dict[str, float]] | None = None
    group_cuts: dict[str, tuple[float, float]] | None = None
    groupings: tuple[str, ...] = ()

    @property
    def mean_metrics(self) -> dict[str, float]:
        return self.fold_metrics.drop(columns=["test_year"]).mean().to_dict()


def fit_weighted(est: object, X: pd.DataFrame, y: pd.Series, groups: pd.Series | None) -> object:
    """Fit, with Kamiran–Calders weights when ``groups`` is given (fairness mitigation)."""
    if groups is None:
        return est.fit(X, y)
    from sklearn.pipeline import Pipeline

    from models.groups import reweighing_weights

    weights = reweighing_weights(groups, y.to_numpy())
    if isinstance(est, Pipeline):
        return est.fit(X, y, **{f"{est.steps[-1][0]}__sample_weight": weights})
    return est.fit(X, y, sample_weight=weights)


def cross_validate(
    kind: str,
    features: pd.DataFrame,
    config: ExperimentSpec,
    weight_groups: pd.Series | None = None,
) -> ModelResult:
    """Rolling-origin predictions and per-fold metrics for one model kind.

    ``weight_groups`` (aligned with ``features``) switches on reweighing by those groups.
    The raw scores are calibrated by cross-fitting (:func:`cross_fit`); the fold metrics are
    those of the calibrated held-out risk.
    """
    data = labelled(features)
    groups = weight_groups.loc[data.index] if weight_groups is not None else None
    cols = model_features(kind, config.target, config.level)
    params = config.params_for(kind)
    preds = []
    for train, test, year in rolling_origin_folds(data["school_year"], config.test_years):
        est = make_estimator(kind, params, seed=config.seed)
        X_train, y_train = data.loc[train, cols], data.loc[train, "elevated_next"].astype(int)
        fit_weighted(est, X_train, y_train, groups[train] if groups is not None else None)
        score = est.predict_proba(data.loc[test, cols])[:, 1]
        ids = data.loc[test, "place_id"].to_numpy()
        y = data.loc[test, "elevated_next"].astype(int).to_numpy()
        preds.append(pd.DataFrame({"place_id": ids, "school_year": year, "y": y, "score": score}))
    oof = cross_fit(pd.concat(preds, ignore_index=True))
    return ModelResult(kind=kind, features=cols, fold_metrics=held_out_fold_metrics(oof, config), oof=oof)


def fit_candidate(
    result: ModelResult,
    features: pd.DataFrame,
    config: ExperimentSpec,
    weight_groups: pd.Series | None = None,
) -> ModelResult:
    """The served model: calibrator and threshold fitted on all out-of-fold scores, estimator
    fitted on all labelled rows. The held-out figures (``oof``, ``fold_metrics``) stay the
    cross-fitted ones of :func:`cross_validate`."""
    calibrator, briers = choose_calibrator(result.oof)
    oof = result.oof
    served_prob = calibrator.transform(oof["score"].to_numpy())
    data = labelled(features)
    est = make_estimator(result.kind, config.params_for(result.kind), seed=config.seed)
    fit_weighted(
        est,
        data[result.features],
        data["elevated_next"].astype(int),
        weight_groups.loc[data.index] if weight_groups is not None else None,
    )
    return replace(
        result,
        oof=oof,
        estimator=est,
        calibrator=calibrator,
        threshold=f1_threshold(oof["y"].to_numpy(), served_prob),
        calibration_briers=briers,
    )


def select_candidate(results: dict[str, ModelResult], config: ExperimentSpec) -> str:
    """The competing model with the best mean held-out ``selection_metric`` (ties: first)."""
    scores = {k: results[k].mean_metrics[config.selection_metric] for k in config.candidates}
    return max(config.candidates, key=lambda k: scores[k])


def train_experiment(features: pd.DataFrame, config: ExperimentSpec) -> tuple[dict[str, ModelResult], str]:
    """Baselines and competing models on the same folds; the selected candidate comes back
    fitted and calibrated. Returns ``(results per kind, selected kind)``."""
    kinds = dict.fromkeys((*config.baselines, *config.candidates))
    results = {kind: cross_validate(kind, features, config) for kind in kinds}
    chosen = select_candidate(results, config)
    results[chosen] = fit_candidate(results[chosen], features, config)
    return results, chosen


def train_reweighed_candidate(
    features: pd.DataFrame,
    config: ExperimentSpec,
    kind: str,
    weight_groups: pd.Series,
) -> ModelResult:
    """The selected candidate again, trained with reweighing by ``weight_groups``."""
    result = cross_validate(kind, features, config, weight_groups)
    return fit_candidate(result, features, config, weight_groups)


def comparison_table(results: dict[str, ModelResult]) -> pd.DataFrame:
    """Mean fold metrics per model kind (rows) — the table the README and app show."""
    return pd.DataFrame({k: r.mean_metrics for k, r in results.items()}).T


def recall_parity_thresholds(
    prob: np.ndarray, y: np.ndarray, groups: pd.Series, global_threshold: float, min_positives: int = 5
) -> dict[str, float]:
    """Per-group flag thresholds so each group reaches the overall recall (post-processing).

    The risk itself stays calibrated; only where the line is drawn differs by kind of place, so
    that elevated places in low-risk kinds of places are not systematically missed. Groups with
    fewer than ``min_positives`` elevated places keep the global threshold.
    """
    prob, y = np.asarray(prob, dtype=float), np.asarray(y).astype(bool)
    target = (prob[y] >= global_threshold).mean() if y.any() else 0.0
    out = {}
    for label, idx in pd.Series(range(len(y))).groupby(np.asarray(groups)).groups.items():
        i = np.asarray(list(idx))
        pos = np.sort(prob[i][y[i]])[::-1]
        if pos.size < min_positives:
            continue
        k = max(1, int(np.ceil(target * pos.size)))
        out[str(label)] = float(pos[k - 1])
    return out


def with_group_thresholds(
    result: ModelResult, places: pd.DataFrame, groupings: tuple[str, ...]
) -> ModelResult:
    """The same fitted model with recall-parity thresholds for the groups of ``groupings``.

    The served thresholds are fitted on all out-of-fold rows; the held-out thresholds of each
    year's rows (``oof["threshold"]``) are fitted on the other years only, like :func:`cross_fit`.
    """
    from models.groups import assign_groups, tertile_cuts, thresholds_per_row

    oof = result.oof.merge(places, on=["place_id", "school_year"], how="left")
    cuts = tertile_cuts(oof)
    groups = assign_groups(oof, cuts)

    def fitted(rows: np.ndarray, global_threshold: float) -> dict[str, dict[str, float]]:
        return {
            g: recall_parity_thresholds(
                oof.loc[rows, "prob"].to_numpy(),
                oof.loc[rows, "y"].to_numpy(),
                groups.loc[rows, g].fillna("?"),
                global_threshold,
                min_positives=3,
            )
            for g in groupings
        }

    thresholds = fitted(np.ones(len(oof), dtype=bool), result.threshold)
    held_out = result.oof.copy()
    years = oof["school_year"].to_numpy()
    for year in np.unique(years):
        own = years == year
        global_threshold = float(oof.loc[own, "threshold"].iloc[0])
        held_out.loc[own, "threshold"] = thresholds_per_row(
            oof.loc[own], fitted(~own, global_threshold), cuts, global_threshold
        )
    return replace(
        result, oof=held_out, group_thresholds=thresholds, group_cuts=cuts, groupings=tuple(groupings)
    )
