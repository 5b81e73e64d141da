"""Score places for a year with a risk model: risk, interval, flag, drivers — suppressed.

Every table that leaves kansenradar (app, CSV/Parquet export, API) passes through
:func:`features.suppression.publish` here or in the caller.
"""

from __future__ import annotations

import pandas as pd

from features.panel import PLACE_ATTRIBUTES
from features.provenance import DataOrigin
from features.suppression import STATUS_COLUMN, publish
from features.years import format_school_year
from models.bands import risk_band
from models.explain import grouped_contributions, reference_place, top_drivers
from models.risk_model import RiskModel

EMERGING_FIGURES = (
    "emerging_alarm",
    "emerging_score",
    "emerging_threshold",
    "expected_rate_pct",
    "expected_lower_pct",
    "expected_upper_pct",
    "years_above_expected",
)
"""The emerging signal next to the risk (see :mod:`models.emerging`); suppressed like the risk."""
FIGURES = (
    "risk",
    "risk_low",
    "risk_high",
    "rate_now",
    "shrunk_rate",
    "rate_lower_pct",
    "rate_upper_pct",
    "gap_to_national",
    *EMERGING_FIGURES,
)


def score_year(
    model: RiskModel, features: pd.DataFrame, panel: pd.DataFrame, year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores (one row per place) and contributions for feature year ``year`` (predicts t+1).

    Returns ``(scores, contributions)``; both unsuppressed — pass scores through
    :func:`suppressed_scores` before showing or exporting them.
    """
    rows = features[features["school_year"] == year].copy()
    scored = model.score(rows)
    contrib = model.contributions(rows)
    places = panel[panel["school_year"] == year].set_index("place_id")
    out = pd.DataFrame({"place_id": rows["place_id"].to_numpy()}, index=rows.index)
    for col in PLACE_ATTRIBUTES:
        if col in places:
            out[col] = out["place_id"].map(places[col])
    out["feature_year"] = year
    out["target_year"] = year + 1
    out["target_year_label"] = format_school_year(year + 1)
    out["n_pupils"] = rows["n_pupils"].to_numpy()
    # a ratio target (O/E) has no "rate_now" indicator; its raw figure is the shortfall in %
    out["rate_now"] = (rows["rate_now"] if "rate_now" in rows else rows["rate"] * 100).to_numpy()
    out["shrunk_rate"] = rows["shrunk_rate"].to_numpy()
    out["rate_lower_pct"] = rows["rate_lower"].to_numpy() * 100
    out["rate_upper_pct"] = rows["rate_upper"].to_numpy() * 100
    out["gap_to_national"] = rows["gap_to_national"].to_numpy()
    if STATUS_COLUMN in rows:
        out[STATUS_COLUMN] = rows[STATUS_COLUMN].to_numpy()
    out = out.join(scored)
    out["drivers_nl"] = top_drivers(contrib, lang="nl")
    out["drivers_en"] = top_drivers(contrib, lang="en")
    out["rank"] = out["risk"].rank(ascending=False, method="first").astype(int)
    contrib.insert(0, "place_id", rows["place_id"].to_numpy())
    return out.sort_values("rank").reset_index(drop=True), contrib.reset_index(drop=True)


def explain_year(model: RiskModel, features: pd.DataFrame, year: int) -> pd.DataFrame:
    """Grouped explanations of every place scored for ``year`` (see :mod:`models.explain`).

    One row per place: the concept contributions, the place's raw score and the reference
    place's; the concept columns add up to ``raw_score - reference_raw_score``.
    """
    rows = features[features["school_year"] == year]
    reference = reference_place(rows, model.features)
    ref_contrib = model.contributions(reference).iloc[0]
    grouped = grouped_contributions(model.contributions(rows), ref_contrib)
    grouped.insert(0, "place_id", rows["place_id"].to_numpy())
    grouped["raw_score"] = model.raw_score(rows)
    grouped["reference_raw_score"] = float(model.raw_score(reference)[0])
    return grouped.reset_index(drop=True)


def export_frame(public: pd.DataFrame, origin: DataOrigin | None) -> pd.DataFrame:
    """What every export carries besides the (already suppressed) figures: the risk band in words
    beside the calibrated risk, and the data origin and fingerprint on every row."""
    out = public.copy()
    if "risk" in out:
        out.insert(out.columns.get_loc("risk") + 1, "risk_band", out["risk"].map(risk_band))
    out["data_origin"] = origin.label if origin else "unknown"
    out["data_fingerprint"] = origin.fingerprint if origin else ""
    return out


def with_emerging(scores: pd.DataFrame, emerging: pd.DataFrame | None) -> pd.DataFrame:
    """Scores of feature year t with the emerging signal of year t (data up to t) added.

    Both signals travel together in every export: *verhoogd* (risk of being elevated next
    year) and *opkomend* (higher than expected from the place's own past, now).
    """
    if emerging is None or scores.empty:
        return scores
    year = int(scores["feature_year"].iloc[0])
    e = emerging[emerging["school_year"] == year].set_index("place_id")
    out = scores.copy()
    ids = out["place_id"].astype(str)
    out["emerging_state"] = ids.map(e["state"]).fillna("insufficient_history")
    out["emerging_alarm"] = ids.map(e["alarm"]).fillna(False).astype(bool)
    for col in ("emerging_score", "emerging_threshold", "years_above_expected"):
        out[col] = ids.map(e[col])
    for col in ("expected_rate", "expected_lower", "expected_upper"):
        out[f"{col}_pct"] = ids.map(e[col]) * 100
    if "suppressed" in out:  # published scores: a hidden place shows no signal of either kind
        hidden = out["suppressed"].to_numpy(dtype=bool)
        for col in EMERGING_FIGURES:
            out[col] = out[col].astype(float).mask(hidden)
        out["emerging_state"] = out["emerging_state"].astype(object).mask(hidden, None)
    return out


HISTORY_FIGURES = ("rate", "shrunk_rate", "rate_lower", "rate_upper", "elevated")


def in_percent(history: pd.DataFrame) -> pd.DataFrame:
    """A rate history with its rates in percent, for display (hidden rows stay empty)."""
    h = history.copy()
    for col in ("rate", "shrunk_rate", "rate_lower", "rate_upper"):
        h[col] = h[col] * 100
    return h


def published_history(history: pd.DataFrame) -> pd.DataFrame:
    """The publishable rate history (rates in %): hidden place-years keep only their label."""
    return in_percent(publish(history, HISTORY_FIGURES))


def suppressed_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """The publishable version: every figure of a hidden place (< 10 pupils, or hidden so that
    no subtraction recovers one) removed, its label kept (:func:`features.suppression.publish`)."""
    return publish(
        scores,
        [*FIGURES, "flag", "rank"],
        text_columns=["drivers_nl", "drivers_en", "emerging_state", "emerging_alarm"],
    )
