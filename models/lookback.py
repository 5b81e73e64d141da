"""Terugblik / look-back: how the flags a champion would have issued turned out.

Before acting on a new list, an analyst asks how the model's past lists fared. The rolling-origin
folds answer that honestly: for each held-out feature year t the model was trained on years ≤ t−1
only, so its out-of-fold flag for t is the flag it *would* have issued then; the label says whether
the place was really elevated in t + 1. A place-year hidden by disclosure control (features.suppression)
in the feature year or the outcome year is left out of the per-place table; the yearly summary
counts places, not pupils.

Both signals are judged on the same rows and the same outcome: the level signal's flag issued at
feature year t for t + 1, and the emerging signal's alarm at t (it uses only years ≤ t by
construction, :mod:`models.emerging`), each against "elevated in t + 1". One table holds both
(:func:`with_emerging_alarms`), so the look-back on screen and the early-warning evaluation count
the same things; a place without enough history for the detector counts as not alarmed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.suppression import served_rows
from features.years import format_school_year
from models.texts import pick, t


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
    served = served_rows(oof, panel).to_numpy() == "audited"  # both years published: the audit's rows
    return out[served].reset_index(drop=True)


SIGNALS = {"elevated": "flag", "emerging": "emerging_alarm"}
"""The two signals of the look-back and the column holding each one's past flags."""


def with_emerging_alarms(table: pd.DataFrame, emerging: pd.DataFrame | None) -> pd.DataFrame:
    """The look-back with the emerging signal's alarm at each feature year beside the level flag.

    ``emerging`` is the detector's per place-year table (``place_id``, ``school_year``,
    ``state``); ``emerging_alarm`` is 1 for an alarm, 0 for no alarm and NaN where the place had
    too little history (or the bundle has no detector).
    """
    if emerging is None:
        return table.assign(emerging_alarm=np.nan)
    alarms = emerging[["place_id", "school_year", "state"]].rename(columns={"school_year": "feature_year"})
    out = table.merge(alarms, on=["place_id", "feature_year"], how="left")
    out["emerging_alarm"] = out.pop("state").map({"alarm": 1.0, "no_alarm": 0.0})
    return out


def lookback_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per signal and target year: places flagged, of those really elevated, elevated places missed.

    ``only_this_signal`` counts the elevated places this signal flagged and the other did not —
    what the emerging signal adds to the level signal, and the other way round.
    """
    present = [s for s, column in SIGNALS.items() if column in table and table[column].notna().any()]
    flags = {s: table[SIGNALS[s]].fillna(0).astype(int) for s in present}  # no history: no alarm
    elevated = table["elevated_next"].astype(int)
    frames = []
    for signal in present:
        flag = flags[signal]
        others = [flags[s] for s in present if s != signal]
        other_flag = others[0] if others else 0 * flag
        frames.append(
            pd.DataFrame(
                {
                    "signal": signal,
                    "target_year": table["target_year"],
                    "flag": flag,
                    "hit": flag & elevated,
                    "miss": (1 - flag) & elevated,
                    "only": flag & elevated & (1 - other_flag),
                    "elevated_next": elevated,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["signal", "target_year", "school_year", "flagged"])
    out = (
        pd.concat(frames)
        .groupby(["signal", "target_year"], sort=False)
        .agg(
            flagged=("flag", "sum"),
            flagged_elevated=("hit", "sum"),
            elevated=("elevated_next", "sum"),
            missed=("miss", "sum"),
            only_this_signal=("only", "sum"),
        )
        .reset_index()
    )
    out["precision"] = out["flagged_elevated"] / out["flagged"].replace(0, np.nan)
    out["recall"] = out["flagged_elevated"] / out["elevated"].replace(0, np.nan)
    out.insert(2, "school_year", [format_school_year(int(y)) for y in out["target_year"]])
    return out


def lookback_sentence(row: pd.Series, level_plural: tuple[str, str], lang: str = "nl") -> str:
    """'Of the 38 gemeenten flagged for 2023-24, 27 were really elevated; 9 elevated ones were missed.'

    For the emerging signal the sentence says what it found that the level signal did not.
    """
    places = pick(level_plural, lang)
    if getattr(row, "signal", "elevated") == "emerging":
        return t(
            "lb_emerging",
            lang,
            flagged=int(row.flagged),
            places=places,
            alarm_year=format_school_year(int(row.target_year) - 1),
            hits=int(row.flagged_elevated),
            year=row.school_year,
            only=int(row.only_this_signal),
        )
    return t(
        "lb_level",
        lang,
        flagged=int(row.flagged),
        places=places,
        year=row.school_year,
        hits=int(row.flagged_elevated),
        missed=int(row.missed),
    )
