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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from features.synthetic.files import RISE_FILE, TRUTH_FILE
from models.emerging import EmergingResult
from models.metrics import (
    HORIZONS,
    SCORED,
    early_warning_metrics,
    false_alarm_rate_by_year,
    top_share_alarms,
)

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
    "n_not_scored",
    "alarm_precision",
    "oracle_recall_2y",
)
"""Keys of every row of ``kansenradar compare --json`` (null where a figure does not apply)."""


def load_truth(data_dir: Path) -> pd.DataFrame | None:
    """The planted hot spots of the embedded data (None for a user's own data)."""
    path = data_dir / TRUTH_FILE
    return pd.read_csv(path, dtype={"place_id": str}) if path.is_file() else None


def load_onsets(data_dir: Path, target: str, level: str) -> pd.Series | None:
    """Onset year per planted place of ``target`` × ``level`` (None: no truth for it)."""
    truth = load_truth(data_dir)
    if truth is None:
        return None
    t = truth[(truth["target"] == target) & (truth["level"] == level)]
    return None if t.empty else t.set_index("place_id")["onset_year"].astype(int)


def load_rise(data_dir: Path, target: str, level: str) -> pd.DataFrame | None:
    """Each planted place's rise per year on the rate scale (``truth/rise.csv``; None if absent)."""
    path = data_dir / RISE_FILE
    if not path.is_file():
        return None
    rise = pd.read_csv(path, dtype={"place_id": str})
    rise = rise[(rise["target"] == target) & (rise["level"] == level)]
    return None if rise.empty else rise


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
    panel: pd.DataFrame | None = None,
    rise: pd.DataFrame | None = None,
) -> list[dict]:
    """One row per signal × method with the :data:`COMPARE_KEYS` (+ top-list recall).

    ``level_scores`` maps a level-model kind to its out-of-fold ``place_id, school_year, score``;
    ``level_metrics`` its mean fold metrics (AP, precision in the top list). With the ``panel``
    and the planted ``rise`` (:func:`load_rise`) the detector's row carries ``oracle_recall_2y``:
    the oracle's recall within two years at the detector's false-alarm rate among scored
    never-planted places, year by year (:func:`oracle_scores`).
    """
    frame = detector.frame[detector.frame["school_year"].isin(eval_years)]
    alarms = frame[["place_id", "school_year", "alarm"]].fillna({"alarm": False})
    alarms[SCORED] = (frame["state"] != "insufficient_history").to_numpy()
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
    oracle = {}
    if onsets is not None and panel is not None and rise is not None:
        never = alarms[~alarms["place_id"].isin(onsets.index) & ~alarms["place_id"].isin(exclude)]
        line = never[never[SCORED]].groupby("school_year")["alarm"].mean()
        shape = rise_shape(rise, onsets)
        found = at_false_alarm_rate(oracle_scores(panel, shape, eval_years), onsets, line, exclude)
        oracle["oracle_recall_2y"] = early_warning_metrics(found, onsets, exclude=exclude)[
            "planted_recall_2y"
        ]
    scored = frame.rename(columns={"emerging_score": "score"})
    det_top = top_share_alarms(scored.dropna(subset=["score"]), top_share)
    rows.append(
        _row(
            experiment,
            "emerging",
            "detector",
            top_share,
            **figures(alarms, det_top),
            **oracle,
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


# ----------------------------------------------------------------------------------- oracle
SCALES = {
    "rate": (lambda p: p, lambda x: x),
    "arcsine": (lambda p: np.arcsin(np.sqrt(p)), lambda x: np.sin(np.clip(x, 0, np.pi / 2)) ** 2),
    "logit": (lambda p: np.log(p / (1 - p)), lambda x: 1 / (1 + np.exp(-x))),
    "probit": (lambda p: ndtri(p), lambda x: ndtr(x)),
}
"""Scales on which the planted rise can be one number per year since onset (see :func:`rise_shape`)."""


@dataclass(frozen=True)
class RiseShape:
    """The planted effect as the oracle knows it: ``effect[k]`` on ``scale`` in year onset + k.

    The generator raises a latent scale (a teacher's perception, a logit), so on the rate scale
    the rise depends on the place's rate; on the right scale it is one number per year since
    onset for every place. The scale is the one on which the planted places' rises vary least.
    """

    scale: str
    effect: tuple[float, ...]

    def raised(self, p: np.ndarray, k: np.ndarray) -> np.ndarray:
        """The rate ``p`` raised by the planted effect of year onset + ``k`` (k < 0: not raised)."""
        to, back = SCALES[self.scale]
        step = np.asarray(self.effect)[np.clip(k, 0, len(self.effect) - 1)]
        q = np.clip(p, 1e-4, 1 - 1e-4)
        return np.where(k >= 0, back(to(q) + step), p)


def rise_shape(rise: pd.DataFrame, onsets: pd.Series) -> RiseShape:
    """The median planted effect per year since onset, on the scale where it varies least."""
    frame = rise.assign(k=rise["school_year"] - rise["place_id"].map(onsets).to_numpy())
    frame = frame[frame["k"] >= 0]
    p0 = frame["expected_rate"].clip(1e-4, 1 - 1e-4).to_numpy()
    p1 = (frame["expected_rate"] + frame["rise"]).clip(1e-4, 1 - 1e-4).to_numpy()
    best = None
    for name, (to, _back) in SCALES.items():
        step = pd.Series(to(p1) - to(p0), index=frame.index)
        per_k = step.groupby(frame["k"])
        spread = float((per_k.std() / per_k.mean().abs()).fillna(0).mean())
        if best is None or spread < best[0]:
            best = (spread, name, tuple(float(v) for v in per_k.median()))
    return RiseShape(best[1], best[2])


def oracle_scores(
    panel: pd.DataFrame,
    shape: RiseShape,
    eval_years: tuple[int, ...],
    min_history: int = 3,
    max_lag: int | None = 2,
) -> pd.DataFrame:
    """Per place-year of ``eval_years``: the log likelihood ratio of "the place's no-change path
    raised by the planted rise from year s" against "its no-change path", maximised over s ≤ t.

    The no-change path of years s … t is predicted from the place's own published past (years
    before s) and the national change: on the arcsine scale (sampling variance 1/(4n)) a place's
    deviations from the national rate are Gaussian with a covariance across years estimated
    from all places (cross-year covariances; the diagonal minus the sampling variance) plus its
    own sampling variance. The conditional mean and covariance of years s … t given its past are
    the best linear prediction whatever the world's dynamics (a drifting practice weights recent
    years, a regime break changes the slope on the past); the likelihood ratio uses them fully.
    Like the detector it never sees a place's hidden years nor its true baseline; unlike it, it
    knows the size and shape of the planted rise — the information limit of a detector that sees
    what ours sees. ``scored`` is False where no s has ``min_history`` published years before it.
    """
    from features.panel import national_rates
    from features.suppression import SHOWN, STATUS_COLUMN, status_of

    codes, places = pd.factorize(panel["place_id"].astype(str), sort=True)
    years, ycode = np.unique(panel["school_year"].to_numpy(int), return_inverse=True)
    n_p, n_y = len(places), len(years)
    n = np.full((n_p, n_y), np.nan)
    k = np.full((n_p, n_y), np.nan)
    n[codes, ycode] = panel["n_pupils"].to_numpy(float)
    k[codes, ycode] = panel["n_events"].to_numpy(float)
    usable = np.isfinite(n) & (n > 0) & np.isfinite(k)
    if STATUS_COLUMN in panel:
        shown = np.zeros((n_p, n_y), dtype=bool)
        shown[codes, ycode] = (status_of(panel) == SHOWN).to_numpy()
        usable &= shown
    to, back = SCALES["arcsine"]
    nn, kk = np.nan_to_num(n), np.nan_to_num(k)
    x = np.where(usable, np.arcsin(np.sqrt((kk + 3 / 8) / (nn + 3 / 4))), np.nan)
    v_s = np.where(usable, 1 / (4 * nn + 2), np.nan)
    centre = to(national_rates(panel).reindex(years).to_numpy(float))
    d = x - centre[None, :]
    mean = np.nanmean(d, axis=0)
    u = d - mean[None, :]
    cov = np.zeros((n_y, n_y))
    for a in range(n_y):
        for b in range(a, n_y):
            both = usable[:, a] & usable[:, b]
            if both.sum() < 10:
                continue
            c = float(np.mean(u[both, a] * u[both, b]))
            if a == b:
                c -= float(np.mean(v_s[both, a]))
            cov[a, b] = cov[b, a] = c
    values, vectors = np.linalg.eigh(cov)
    cov = (vectors * np.clip(values, 1e-6, None)) @ vectors.T  # a covariance, whatever the noise
    missing = 1e6  # a year without a published figure carries no information
    noise = np.where(usable, v_s, missing)
    filled = np.where(usable, u, 0.0)

    best = np.full((n_p, len(eval_years)), -np.inf)
    scored = np.zeros_like(best, dtype=bool)
    for s in range(1, n_y):
        ok = usable[:, :s].sum(axis=1) >= min_history
        for ti, t in enumerate(eval_years):
            j_t = int(np.searchsorted(years, t))
            if j_t < s or j_t >= n_y or years[j_t] != t:
                continue
            if max_lag is not None and j_t - s > max_lag:
                continue
            past, fut = np.arange(s), np.arange(s, j_t + 1)
            s_pp = cov[np.ix_(past, past)][None] + noise[:, past][:, :, None] * np.eye(s)[None]
            s_fp = np.broadcast_to(cov[np.ix_(fut, past)], (n_p, fut.size, s))
            gain = np.linalg.solve(s_pp, np.transpose(s_fp, (0, 2, 1)))  # places × past × future
            mu = mean[fut][None] + np.einsum("ipf,ip->if", gain, filled[:, past])
            c_ff = (
                cov[np.ix_(fut, fut)][None]
                + noise[:, fut][:, :, None] * np.eye(fut.size)[None]
                - np.einsum("ifp,ipg->ifg", s_fp, gain)
            )
            e = centre[fut][None] + mu  # no-change value on the arcsine scale
            since = np.broadcast_to(years[fut] - years[s], e.shape)
            m = to(shape.raised(back(e), since)) - e
            m = np.where(usable[:, fut], m, 0.0)
            r = np.where(usable[:, fut], x[:, fut] - e, 0.0)
            c_inv_m = np.linalg.solve(c_ff, m[:, :, None])[:, :, 0]
            llr = (c_inv_m * r).sum(axis=1) - (c_inv_m * m).sum(axis=1) / 2
            valid = ok & usable[:, j_t]
            best[valid, ti] = np.maximum(best[valid, ti], llr[valid])
            scored[valid, ti] = True
    frame = pd.DataFrame(
        {
            "place_id": np.repeat(places.to_numpy(), len(eval_years)),
            "school_year": np.tile(np.asarray(eval_years, dtype=int), n_p),
            "score": best.ravel(),
            "scored": scored.ravel(),
        }
    )
    frame.loc[~frame["scored"], "score"] = np.nan
    return frame


def at_false_alarm_rate(
    scores: pd.DataFrame, onsets: pd.Series, rate: pd.Series, exclude: set[str] = frozenset()
) -> pd.DataFrame:
    """Alarms where ``score`` exceeds, per year, the line that alarms ``rate`` of the scored
    never-planted places (the truth is used only to set the line: an evaluation device)."""
    out = []
    for year, frame in scores.groupby("school_year"):
        never = frame["scored"] & ~frame["place_id"].isin(onsets.index) & ~frame["place_id"].isin(exclude)
        line = (
            np.quantile(frame.loc[never, "score"], 1 - float(rate.get(year, 0.0))) if never.any() else np.inf
        )
        out.append(frame.assign(alarm=frame["scored"] & (frame["score"] > line)))
    return pd.concat(out, ignore_index=True)[["place_id", "school_year", "alarm", SCORED]]
