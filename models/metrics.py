"""Metrics that fit an early-warning list, as plain ``(y_true, score) -> float`` functions.

An early-warning list is read from the top: what matters is how many of the first k places are
really elevated next year (precision@k), how many elevated places the list reaches (recall@k),
whether a "30 % risk" means 30 % (Brier, calibration error), and — on the embedded data — how
many of the planted emerging hot spots it finds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

TOP_SHARE = 0.10
BUDGET = 20


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


def planted_recall(
    place_ids: np.ndarray, score: np.ndarray, planted: set[str], share: float = TOP_SHARE
) -> float:
    """Share of planted hot spots (active in the predicted year) in the top ``share`` of risk."""
    place_ids = np.asarray(place_ids)
    present = np.isin(place_ids, list(planted))
    if not present.any():
        return float("nan")
    top = _top(np.asarray(score, dtype=float), round(share * place_ids.size))
    return float((top & present).sum() / present.sum())


def evaluate(
    y: np.ndarray,
    prob: np.ndarray,
    *,
    top_share: float = TOP_SHARE,
    budget: int = BUDGET,
    place_ids: np.ndarray | None = None,
    planted: set[str] | None = None,
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
    if planted is not None and place_ids is not None:
        out["planted_recall"] = planted_recall(place_ids, prob, planted, top_share)
    return out
