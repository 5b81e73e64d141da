"""Early-warning evaluation on the embedded data: both signals, every method, against planted truth.

This module (with :func:`experiments.runner.load_planted`) is the only code that reads the planted
truth (``truth/ground_truth.csv``, written by :mod:`features.synthetic`). Features and detectors
never see it (``tests/models/test_emerging.py`` proves they do not import it); the detector's
threshold comes from its false-alarm rate alone.

Every method is judged the same way: an alarm in year t uses data up to t (the level model's
feature row of year t, persistence's flag of year t, the detector's score of year t); a planted
place counts from its onset year. Methods without a null model (level model, persistence) are put
at the detector's alarm rate of each year (the same number of alarms) and at the top list of the
configured share.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from models.emerging import EmergingResult
from models.metrics import HORIZONS, early_warning_metrics, false_alarm_rate_by_year, top_share_alarms

COMPARE_KEYS = (
    "experiment",
    "signal",
    "model",
    "top_share",
    "average_precision",
    "precision_at_top",
    *(f"planted_recall_{k}y" for k in HORIZONS),
    "median_detection_delay",
    "false_alarm_rate",
    "alarm_precision",
)
"""Keys of every row of ``kansenradar compare --json`` (null where a figure does not apply)."""


def load_truth(data_dir: Path) -> pd.DataFrame | None:
    """The planted hot spots of the embedded data (None for a user's own data)."""
    from experiments.runner import TRUTH_FILE  # the runner imports this module

    path = data_dir / TRUTH_FILE
    return pd.read_csv(path, dtype={"place_id": str}) if path.is_file() else None


def load_onsets(data_dir: Path, target: str, level: str) -> pd.Series | None:
    """Onset year per planted place of ``target`` × ``level`` (None: no truth for it)."""
    truth = load_truth(data_dir)
    if truth is None:
        return None
    t = truth[(truth["target"] == target) & (truth["level"] == level)]
    return None if t.empty else t.set_index("place_id")["onset_year"].astype(int)


def affected_places(panel: pd.DataFrame, data_dir: Path, target: str, level: str) -> set[str]:
    """Places below a planted gemeente (its schools, PC4 areas): raised by the generator too.

    They are neither planted nor unchanged, so they count in no recall, precision or
    false-alarm figure.
    """
    if level == "gemeente" or "gemeente_code" not in panel:
        return set()
    gemeenten = load_onsets(data_dir, target, "gemeente")
    if gemeenten is None:
        return set()
    inside = panel["gemeente_code"].astype(str).isin(set(gemeenten.index.astype(str)))
    return set(panel.loc[inside, "place_id"].astype(str))


def _row(experiment: str, signal: str, model: str, top_share: float, **figures: float) -> dict:
    row = dict.fromkeys(COMPARE_KEYS)
    row.update(experiment=experiment, signal=signal, model=model, top_share=top_share)
    for key, value in figures.items():
        row[key] = None if value is None or (isinstance(value, float) and np.isnan(value)) else value
    return row


def evaluate_methods(
    experiment: str,
    detector: EmergingResult,
    level_scores: dict[str, pd.DataFrame],
    onsets: pd.Series | None,
    *,
    eval_years: tuple[int, ...],
    top_share: float,
    exclude: set[str] = frozenset(),
    level_metrics: dict[str, dict[str, float]] | None = None,
) -> list[dict]:
    """One row per signal × method with the :data:`COMPARE_KEYS` (+ top-list recall).

    ``level_scores`` maps a level-model kind to its out-of-fold ``place_id, school_year, score``;
    ``level_metrics`` its mean fold metrics (AP, precision in the top list).
    """
    frame = detector.frame[detector.frame["school_year"].isin(eval_years)]
    alarms = frame[["place_id", "school_year", "alarm"]].fillna({"alarm": False})
    rate = alarms.groupby("school_year")["alarm"].mean()
    rows = []

    def figures(at_rate: pd.DataFrame, top: pd.DataFrame) -> dict[str, float]:
        if onsets is None:
            return {}
        m = early_warning_metrics(at_rate, onsets, exclude=exclude)
        t = early_warning_metrics(top, onsets, exclude=exclude)
        out = {k: v for k, v in m.items() if k != "n_planted"}
        out.update({f"top_{k}": v for k, v in t.items() if k.startswith("planted_recall")})
        out["n_planted"] = m["n_planted"]
        return out

    by_year = None
    if onsets is not None:
        counted = alarms[~alarms["place_id"].isin(exclude)]
        by_year = json.dumps(
            {int(y): round(v, 4) for y, v in false_alarm_rate_by_year(counted, onsets).items()}
        )
    scored = frame.rename(columns={"emerging_score": "score"})
    det_top = top_share_alarms(scored.dropna(subset=["score"]), top_share)
    rows.append(
        _row(
            experiment,
            "emerging",
            "detector",
            top_share,
            **figures(alarms, det_top),
            achieved_alarm_rate=float(rate.mean()),
            false_alarm_rate_by_year=by_year,
        )
    )
    for kind, oof in level_scores.items():
        oof = oof[oof["school_year"].isin(eval_years)]
        at_rate = top_share_alarms(oof, rate)
        top = top_share_alarms(oof, top_share)
        lm = (level_metrics or {}).get(kind, {})
        rows.append(
            _row(
                experiment,
                "elevated",
                kind,
                top_share,
                average_precision=lm.get("average_precision"),
                precision_at_top=lm.get("precision_at_top"),
                **figures(at_rate, top),
            )
        )
    return rows
