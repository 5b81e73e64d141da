"""Terugblik / look-back: how the flags a champion would have issued turned out.

Before acting on a new list, an analyst asks how the model's past lists fared. The rolling-origin
folds answer that honestly: for each held-out feature year t the model was trained on years ≤ t−1
only, so its out-of-fold flag for t is the flag it *would* have issued then; the label says whether
the place was really elevated in t + 1. A place-year hidden by disclosure control (features.suppression)
in the feature year or the outcome year is left out of the per-place table; the yearly summary
counts places, not pupils.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.suppression import SHOWN, status_of
from features.years import format_school_year


def lookback_table(oof: pd.DataFrame, thresholds: np.ndarray, panel: pd.DataFrame) -> pd.DataFrame:
    """One row per place and held-out year: risk, flag issued, and whether it turned out elevated.

    ``oof`` holds the candidate's out-of-fold rows (``place_id``, ``school_year``, ``y``, ``prob``),
    ``thresholds`` the flag threshold per row, ``panel`` the place-year pupils.
    """
    out = pd.DataFrame(
        {
            "place_id": oof["place_id"].to_numpy(),
            "feature_year": oof["school_year"].astype(int).to_numpy(),
            "risk": oof["prob"].to_numpy(dtype=float),
            "flag": (oof["prob"].to_numpy(dtype=float) >= np.asarray(thresholds, dtype=float)).astype(int),
            "elevated_next": oof["y"].astype(int).to_numpy(),
        }
    )
    out["target_year"] = out["feature_year"] + 1
    shown = panel[["place_id", "school_year"]].assign(_shown=(status_of(panel) == SHOWN).to_numpy())
    for year_column in ("target_year", "feature_year"):  # both years must be published
        out = out.merge(
            shown.rename(columns={"school_year": year_column, "_shown": f"_shown_{year_column}"}),
            on=["place_id", year_column],
            how="left",
        )
    keep = out["_shown_target_year"].fillna(False).astype(bool) & out["_shown_feature_year"].fillna(
        False
    ).astype(bool)
    return out[keep].drop(columns=["_shown_target_year", "_shown_feature_year"]).reset_index(drop=True)


def lookback_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per target year: places flagged, of those really elevated, elevated places missed."""
    g = table.assign(
        hit=table["flag"] & table["elevated_next"], miss=(1 - table["flag"]) & table["elevated_next"]
    )
    out = g.groupby("target_year").agg(
        flagged=("flag", "sum"),
        flagged_elevated=("hit", "sum"),
        elevated=("elevated_next", "sum"),
        missed=("miss", "sum"),
    )
    out["precision"] = out["flagged_elevated"] / out["flagged"].replace(0, np.nan)
    out["recall"] = out["flagged_elevated"] / out["elevated"].replace(0, np.nan)
    out.insert(0, "school_year", [format_school_year(int(y)) for y in out.index])
    return out.reset_index()


def lookback_sentence(row: pd.Series, level_plural: tuple[str, str], lang: str = "nl") -> str:
    """'Of the 38 gemeenten flagged for 2023-24, 27 were really elevated; 9 elevated ones were missed.'"""
    nl, en = level_plural
    if lang == "nl":
        return (
            f"Van de {int(row.flagged)} {nl} gesignaleerd voor {row.school_year} waren er "
            f"{int(row.flagged_elevated)} daadwerkelijk verhoogd; "
            f"{int(row.missed)} verhoogde {nl} werden gemist."
        )
    return (
        f"Of the {int(row.flagged)} {en} flagged for {row.school_year}, {int(row.flagged_elevated)} were "
        f"really elevated; {int(row.missed)} elevated {en} were missed."
    )
