"""Metrics that fit an early-warning list, as plain ``(y_true, score) -> float`` functions.

An early-warning list is read from the top: what matters is how many of the first k places are
really elevated next year (precision@k), how many elevated places the list reaches (recall@k),
whether a "30 % risk" means 30 % (Brier, calibration error) — and, for early warning, how soon
and how surely alarms find a place that started to rise (:func:`early_warning_metrics`; on the
embedded data, against the planted hot spots, read only by evaluation code).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

TOP_SHARE = 0.10
BUDGET = 20


# the figures every comparison shows (CLI, model card), and the early-warning figures (app, bench)
COMPARISON_METRICS = (
    "roc_auc",
    "average_precision",
    "precision_at_top",
    "recall_at_top",
    "precision_at_budget",
    "brier",
    "calibration_error",
)
EARLY_WARNING_METRICS = (
    "planted_recall_1y",
    "planted_recall_2y",
    "planted_recall_3y",
    "top_planted_recall_2y",
    "median_detection_delay",
    "false_alarm_rate",
    "not_scored_share",
    "alarm_precision",
)


def top_k(n: int, share: float) -> int:
    """How many places a list of ``share`` of ``n`` places holds (at least one)."""
    return max(1, round(share * n))


def _top(score: np.ndarray, k: int) -> np.ndarray:
    order = np.argsort(-score, kind="stable")
    mask = np.zeros(score.size, dtype=bool)
    mask[order[: max(k, 0)]] = True
    return mask


def top_mask(score: np.ndarray, share: float) -> np.ndarray:
    """The places in the top ``share`` of ``score`` (ties broken by order, stable)."""
    score = np.asarray(score, dtype=float)
    return _top(score, top_k(score.size, share))


def precision_at_k(y: np.ndarray, score: np.ndarray, k: int) -> float:
    """Share of the k highest-risk places that are elevated next year."""
    y, score = np.asarray(y), np.asarray(score, dtype=float)
    k = min(k, y.size)
    return float(y[_top(score, k)].mean()) if k > 0 else float("nan")


def recall_at_k(y: np.ndarray, score: np.ndarray, k: int) -> float:
    """Share of all elevated places that are among the k highest-risk places."""
    y, score = np.asarray(y), np.asarray(score, dtype=float)
    return float(y[_top(score, min(k, y.size))].sum() / y.sum()) if y.sum() > 0 else float("nan")


def expected_calibration_error(y: np.ndarray, prob: np.ndarray, bins: int = 10) -> float:
    """Pupil-free ECE: |observed − predicted| per equal-width risk bin, weighted by places."""
    y, prob = np.asarray(y, dtype=float), np.clip(np.asarray(prob, dtype=float), 0, 1)
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(prob, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.mean() * abs(y[m].mean() - prob[m].mean())
    return float(total)


def reliability_curve(y: np.ndarray, prob: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Observed rate vs mean predicted risk per risk decile (for the calibration plot)."""
    frame = pd.DataFrame({"y": np.asarray(y, dtype=float), "p": np.asarray(prob, dtype=float)})
    frame["bin"] = pd.qcut(
        frame["p"].rank(method="first"), q=min(bins, len(frame)), labels=False, duplicates="drop"
    )
    out = frame.groupby("bin").agg(predicted=("p", "mean"), observed=("y", "mean"), n=("y", "size"))
    return out.reset_index(drop=True)


HORIZONS = (1, 2, 3)


def top_share_alarms(scores: pd.DataFrame, share: float | pd.Series, column: str = "score") -> pd.DataFrame:
    """Alarms = the highest ``share`` of places per year (a float, or a share per year).

    How a method without a null model (level model, persistence) is put at a given alarm rate:
    the same share of places as the detector alarms in that year, or the top list of the
    configured share.
    """
    parts = []
    for year, frame in scores.groupby("school_year"):
        s = share.get(year, 0.0) if isinstance(share, pd.Series) else share
        k = round(s * len(frame))
        top = _top(np.nan_to_num(frame[column].to_numpy(dtype=float), nan=-np.inf), k)
        parts.append(frame[["place_id", "school_year"]].assign(alarm=top))
    return pd.concat(parts, ignore_index=True)


def detection_delays(alarms: pd.DataFrame, onsets: pd.Series) -> pd.Series:
    """Per planted place: first alarm year at or after its onset − onset (NaN = never alarmed).

    ``alarms`` has ``place_id``, ``school_year`` (the last year of data the alarm used) and a
    boolean ``alarm``; ``onsets`` maps planted ``place_id`` → onset year. Alarms before onset
    never count as detection: nothing could see a rise that has not started.
    """
    hit = alarms[alarms["alarm"].astype(bool) & alarms["place_id"].isin(onsets.index)]
    hit = hit[hit["school_year"].to_numpy() >= hit["place_id"].map(onsets).to_numpy(dtype=float)]
    first = hit.groupby("place_id")["school_year"].min()
    return (first.reindex(onsets.index) - onsets).rename("delay")


SCORED = "scored"
"""Optional boolean column of an alarms frame: the method scored the place-year. A detector's
``insufficient_history`` rows cannot alarm, so counting them as non-alarms would flatter its
false-alarm rate; without the column every row counts as scored."""


def _scored(alarms: pd.DataFrame) -> pd.Series:
    return alarms[SCORED].astype(bool) if SCORED in alarms else pd.Series(True, index=alarms.index)


def false_alarm_rate_by_year(alarms: pd.DataFrame, onsets: pd.Series) -> pd.Series:
    """Per year, the share of *scored* never-planted places that alarm (see :data:`SCORED`)."""
    never = alarms[~alarms["place_id"].isin(onsets.index) & _scored(alarms)]
    return never.groupby("school_year")["alarm"].mean().astype(float)


def early_warning_metrics(
    alarms: pd.DataFrame,
    onsets: pd.Series,
    *,
    horizons: tuple[int, ...] = HORIZONS,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> dict[str, float]:
    """Sensitivity, timeliness and precision of alarms against planted onsets.

    Evaluated over the years present in ``alarms`` (for every method: alarms of year t use data
    up to t). Planted places count from their onset year, and only when the onset lies in the
    evaluated years and the place is in the panel.

    * ``planted_recall_{k}y`` — share of planted places alarmed within k years of onset (first
      alarm in the onset year … onset + k, i.e. delay ≤ k), over onsets with onset + k evaluated;
    * ``median_detection_delay`` — median of (first alarm − onset) over planted places, a place
      never alarmed counting as later than all others (NaN when fewer than half are found);
    * ``alarm_precision`` — share of alarms that fall on a planted place at or after its onset;
    * ``false_alarm_rate`` — share of *scored* never-planted place-years that alarm (mean over
      years); a place-year the method could not score (column :data:`SCORED` false, e.g. the
      detector's ``insufficient_history``) is no non-alarm but counted apart:
    * ``n_not_scored`` / ``not_scored_share`` — never-planted place-years not scored, and their
      share of all never-planted place-years.

    ``exclude`` lists places that are neither planted nor unchanged (e.g. schools inside a
    planted gemeente, whose rates the generator also raises); they count in no figure.
    """
    years = alarms["school_year"]
    first, last = int(years.min()), int(years.max())
    present = set(alarms["place_id"])
    onsets = onsets[[p in present for p in onsets.index]]
    onsets = onsets[(onsets >= first) & (onsets <= last)]
    delays = detection_delays(alarms, onsets)
    out: dict[str, float] = {}
    for k in horizons:
        observable = onsets + k <= last
        d = delays[observable]
        out[f"planted_recall_{k}y"] = float((d <= k).mean()) if observable.any() else float("nan")
    if len(delays):
        med = float(np.median(delays.fillna(np.inf)))
        out["median_detection_delay"] = med if np.isfinite(med) else float("nan")
    else:
        out["median_detection_delay"] = float("nan")
    counted = alarms[~alarms["place_id"].isin(exclude)]
    raised = counted[counted["alarm"].astype(bool)]
    on_planted = raised["place_id"].map(onsets).astype(float)
    true_alarm = on_planted.notna() & (raised["school_year"] >= on_planted)
    out["alarm_precision"] = float(true_alarm.mean()) if len(raised) else float("nan")
    out["false_alarm_rate"] = float(false_alarm_rate_by_year(counted, onsets).mean())
    never = ~counted["place_id"].isin(onsets.index)
    not_scored = never & ~_scored(counted)
    out["n_not_scored"] = float(not_scored.sum())
    out["not_scored_share"] = float(not_scored.sum() / never.sum()) if never.any() else float("nan")
    out["n_planted"] = float(len(onsets))
    return out


def evaluate(
    y: np.ndarray,
    prob: np.ndarray,
    *,
    top_share: float = TOP_SHARE,
    budget: int = BUDGET,
) -> dict[str, float]:
    """All list metrics for one fold."""
    y = np.asarray(y, dtype=int)
    prob = np.asarray(prob, dtype=float)
    k = top_k(y.size, top_share)
    both = 0 < y.sum() < y.size
    out = {
        "roc_auc": float(roc_auc_score(y, prob)) if both else float("nan"),
        "average_precision": float(average_precision_score(y, prob)) if both else float("nan"),
        "precision_at_top": precision_at_k(y, prob, k),
        "recall_at_top": recall_at_k(y, prob, k),
        "precision_at_budget": precision_at_k(y, prob, budget),
        "recall_at_budget": recall_at_k(y, prob, budget),
        "brier": float(brier_score_loss(y, np.clip(prob, 0, 1))),
        "calibration_error": expected_calibration_error(y, prob),
        "prevalence": float(y.mean()),
        "n_places": float(y.size),
    }
    return out
