"""Fairness audit of an early-warning model over groups of places, with bootstrap intervals.

Audited on the candidate's *held-out* predictions (rolling-origin folds), at the model's
operating point. Per group:

* ``selection_rate`` — share of places flagged;
* ``recall`` — share of places that turned out elevated which were flagged (missed hot spots
  are the harm of under-flagging);
* ``false_positive_rate`` — share of not-elevated places that were flagged (stigmatising a
  place is the harm of over-flagging);
* ``precision_at_top`` — of the group's places in the national top 10 %, the share elevated;
* ``mean_predicted`` / ``observed_rate`` / ``calibration_gap`` — calibration per group.

Point estimates come from fairlearn's :class:`~fairlearn.metrics.MetricFrame`. Confidence
intervals come from our own vectorised bootstrap (resampling places within each group): the
MetricFrame bootstrap takes minutes at national scale (see ``docs/MEASURED.md``);
a test checks both agree. Disparities are differences and ratios against a reference group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate
from sklearn.metrics import recall_score

from models.groups import assign_groups
from models.metrics import top_mask
from models.spec import FairnessLimits
from models.texts import gate_reason, gate_summary

METRICS = (
    "selection_rate",
    "recall",
    "false_positive_rate",
    "precision_at_top",
    "mean_predicted",
    "observed_rate",
    "calibration_gap",
)
GATED = {
    "alarm_rate": "max_fpr_difference",  # the emerging detector's gate (models.emerging_model)
    "recall": "max_recall_difference",
    "false_positive_rate": "max_fpr_difference",
    "calibration_gap": "max_calibration_gap",
}


def _metrics_from_samples(y: np.ndarray, flag: np.ndarray, prob: np.ndarray, top: np.ndarray) -> np.ndarray:
    """Metrics along the last axis; inputs shaped (..., n). Returns (..., len(METRICS))."""
    with np.errstate(invalid="ignore", divide="ignore"):
        pos = y.sum(-1)
        neg = (~y).sum(-1)
        out = np.stack(
            [
                flag.mean(-1),
                (flag & y).sum(-1) / pos,
                (flag & ~y).sum(-1) / neg,
                (top & y).sum(-1) / top.sum(-1),
                prob.mean(-1),
                y.mean(-1),
                prob.mean(-1) - y.mean(-1),
            ],
            axis=-1,
        )
    return out


def bootstrap_group(
    y: np.ndarray,
    flag: np.ndarray,
    prob: np.ndarray,
    top: np.ndarray,
    n_boot: int,
    rng: np.random.Generator,
    prob_bins: int = 20,
) -> np.ndarray:
    """(n_boot, len(METRICS)) replicate metrics from resampling the group's places.

    Resampling n places with replacement only changes how many places fall in each cell of
    (label, flag, top-k, risk bin), so we draw those cell counts from a multinomial instead of
    drawing n indices B times: the same bootstrap at O(B × cells) instead of O(B × n).
    Within a risk bin (1/20 of the range) each place's risk is set to the bin's mean, which only
    removes the tiny within-bin part of the variance of the mean risk.
    """
    pbin = np.minimum((np.clip(prob, 0, 1) * prob_bins).astype(int), prob_bins - 1)
    cell = ((y.astype(int) * 2 + flag.astype(int)) * 2 + top.astype(int)) * prob_bins + pbin
    n_cells = 8 * prob_bins
    counts = np.bincount(cell, minlength=n_cells).astype(float)
    prob_sum = np.bincount(cell, weights=prob, minlength=n_cells)
    cell_prob = np.divide(prob_sum, counts, out=np.zeros(n_cells), where=counts > 0)
    draws = rng.multinomial(y.size, counts / counts.sum(), size=n_boot).astype(float)
    codes = np.arange(n_cells) // prob_bins
    cy, cf, ct = (codes >> 2) & 1, (codes >> 1) & 1, codes & 1
    n = draws.sum(1)
    pos = draws @ cy
    neg = n - pos
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.column_stack(
            [
                draws @ cf / n,
                draws @ (cy & cf) / pos,
                draws @ ((1 - cy) & cf) / neg,
                draws @ (cy & ct) / (draws @ ct),
                draws @ cell_prob / n,
                pos / n,
                draws @ cell_prob / n - pos / n,
            ]
        )


@dataclass
class Audit:
    """Tidy audit table plus what the report needs."""

    table: pd.DataFrame  # one row per grouping × group × metric
    groups: pd.DataFrame  # sizes per grouping × group
    thresholds: FairnessLimits
    n_rows: int
    threshold: float


def metric_frame(y: np.ndarray, flag: np.ndarray, groups: pd.Series) -> pd.DataFrame:
    """fairlearn point estimates of the count-based metrics (used for the cross-check)."""
    mf = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "recall": lambda a, b: recall_score(a, b, zero_division=np.nan),
            "false_positive_rate": false_positive_rate,
        },
        y_true=y.astype(int),
        y_pred=flag.astype(int),
        sensitive_features=groups,
    )
    return mf.by_group


def audit_predictions(
    predictions: pd.DataFrame, threshold: float | np.ndarray, thresholds: FairnessLimits | None = None
) -> Audit:
    """Audit held-out predictions.

    ``predictions`` needs ``y`` (elevated next year), ``prob`` (calibrated risk) and the
    context columns :func:`models.groups.assign_groups` reads; one row per place-year.
    ``threshold`` is the operating point: one number, or one per row (group thresholds).
    """
    th = thresholds or FairnessLimits()
    rng = np.random.default_rng(th.seed)
    y = predictions["y"].to_numpy().astype(bool)
    prob = predictions["prob"].to_numpy(dtype=float)
    flag = prob >= threshold
    top = top_mask(prob, th.top_share)
    groups = assign_groups(predictions)
    alpha = (1 - th.confidence) / 2
    rows, sizes = [], []
    for grouping in groups.columns:
        g = groups[grouping]
        valid = g.notna().to_numpy()
        counts = g[valid].value_counts()
        places = predictions.loc[valid].groupby(g[valid])["place_id"].nunique()
        audited = [k for k in counts.index if places[k] >= th.min_group_size]
        for k in counts.index:
            sizes.append(
                {
                    "grouping": grouping,
                    "group": k,
                    "n_rows": int(counts[k]),
                    "n_places": int(places[k]),
                    "audited": k in audited,
                }
            )
        if len(audited) < 2:
            continue
        reference = max(audited, key=lambda k: counts[k])
        point, boots = {}, {}
        for k in audited:
            m = (g == k).to_numpy()
            point[k] = _metrics_from_samples(y[m], flag[m], prob[m], top[m])
            boots[k] = bootstrap_group(y[m], flag[m], prob[m], top[m], th.n_boot, rng)
        mf = metric_frame(y[valid], flag[valid], g[valid])
        for k in audited:
            for j, metric in enumerate(METRICS):
                value = point[k][j]
                if metric in mf.columns:  # fairlearn's estimate is the reported one
                    value = float(mf.loc[k, metric])
                diff = boots[k][:, j] - boots[reference][:, j]
                with np.errstate(invalid="ignore", divide="ignore"):
                    ratio = boots[k][:, j] / boots[reference][:, j]
                rows.append(
                    {
                        "grouping": grouping,
                        "group": k,
                        "reference": reference,
                        "metric": metric,
                        "value": value,
                        "ci_low": np.nanquantile(boots[k][:, j], alpha),
                        "ci_high": np.nanquantile(boots[k][:, j], 1 - alpha),
                        "difference": value - point[reference][j],
                        "diff_low": np.nanquantile(diff, alpha),
                        "diff_high": np.nanquantile(diff, 1 - alpha),
                        "ratio": value / point[reference][j] if point[reference][j] else np.nan,
                        "ratio_low": np.nanquantile(ratio[np.isfinite(ratio)], alpha)
                        if np.isfinite(ratio).any()
                        else np.nan,
                        "ratio_high": np.nanquantile(ratio[np.isfinite(ratio)], 1 - alpha)
                        if np.isfinite(ratio).any()
                        else np.nan,
                        "n_places": int(places[k]),
                    }
                )
    table = pd.DataFrame(rows)
    if not table.empty:
        table["limit"] = table["metric"].map(lambda m: getattr(th, GATED[m]) if m in GATED else np.nan)
        beyond_high = table["diff_low"] > table["limit"]
        beyond_low = table["diff_high"] < -table["limit"]
        calib = table["metric"] == "calibration_gap"
        # calibration: the group's own gap (not its difference) must stay within the limit
        calib_out = calib & ((table["ci_low"] > table["limit"]) | (table["ci_high"] < -table["limit"]))
        table["exceeds"] = ((~calib) & (beyond_high | beyond_low)) | calib_out
        table["exceeds"] &= table["metric"].isin(GATED) & table["grouping"].isin(th.gated_groupings)
    return Audit(
        table, pd.DataFrame(sizes), th, len(predictions), float(np.median(np.asarray(threshold, dtype=float)))
    )


@dataclass(frozen=True)
class GateDecision:
    """The fairness gate's verdict: structured codes with their values, worded per language.

    ``codes`` and ``summary_code`` are what is stored; ``reasons`` and ``summary`` are their
    English wording (for MLflow and logs); the app words them in the reader's language with
    :func:`models.texts.gate_reason` and :func:`models.texts.gate_summary`.
    """

    allowed: bool
    reasons: tuple[str, ...]
    summary: str
    codes: tuple[dict, ...] = ()
    summary_code: dict = field(default_factory=dict)


def _decision(allowed: bool, codes: list[dict], summary_code: dict) -> GateDecision:
    return GateDecision(
        allowed,
        tuple(gate_reason(c, "en") for c in codes),
        gate_summary(summary_code, "en"),
        tuple(codes),
        summary_code,
    )


def gate(audit: Audit) -> GateDecision:
    """Refuse promotion when a gated disparity lies beyond its limit with its whole interval."""
    if audit.table.empty:
        return _decision(
            True, [], {"code": "not_auditable", "min_group_size": audit.thresholds.min_group_size}
        )
    bad = audit.table[audit.table["exceeds"]]
    level = round(audit.thresholds.confidence * 100)
    codes = []
    for r in bad.itertuples():
        codes.append(
            {
                "code": r.metric,
                "grouping": r.grouping,
                "group": str(r.group),
                "reference": str(r.reference),
                "value": float(r.value),
                "ci_low": float(r.ci_low),
                "ci_high": float(r.ci_high),
                "difference": float(r.difference),
                "diff_low": float(r.diff_low),
                "diff_high": float(r.diff_high),
                "limit": float(r.limit),
                "level": level,
            }
        )
    n_checked = int(audit.table["metric"].isin(GATED).sum())
    if codes:
        return _decision(False, codes, {"code": "refused", "n": len(codes), "of": n_checked})
    return _decision(True, [], {"code": "allowed", "of": n_checked})
