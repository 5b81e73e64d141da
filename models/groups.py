"""Groups of places for the fairness audit — defined once, used by audit, app and report.

The model flags places, so fairness is about *kinds of places*: urban or rural, many or few
residents with a migration background, low or high income, province, school denomination, and
intersections of two. Tertiles are computed over the places being audited, so "high" means the
top third of those places.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

URBANITY_GROUPS = {1: "stedelijk", 2: "stedelijk", 3: "matig stedelijk", 4: "landelijk", 5: "landelijk"}
TERTILE_LABELS = ("laag", "midden", "hoog")

INTERSECTIONS: tuple[tuple[str, str], ...] = (
    ("urbanity", "migration"),
    ("urbanity", "income"),
    ("migration", "income"),
)


TERTILE_SOURCES = {"migration": "pct_non_western", "income": "pct_low_income"}


def tertile_cuts(places: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """The 1/3 and 2/3 quantiles of each tertile grouping's column over ``places``.

    Stored with a model so that a place gets the same group at prediction time as in training.
    """
    return {
        g: tuple(float(x) for x in places[col].quantile([1 / 3, 2 / 3])) for g, col in TERTILE_SOURCES.items()
    }


def tertile(values: pd.Series, cuts: tuple[float, float]) -> pd.Series:
    """Low / middle / high by fixed cut points (NaN stays NaN)."""
    labels = np.where(
        values <= cuts[0],
        TERTILE_LABELS[0],
        np.where(values <= cuts[1], TERTILE_LABELS[1], TERTILE_LABELS[2]),
    )
    return pd.Series(labels, index=values.index, dtype=object).where(values.notna())


def assign_groups(places: pd.DataFrame, cuts: dict[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """Group memberships per row of a place table (needs the panel's context columns).

    Returns one column per grouping in :data:`features.vocabulary.GROUPINGS` that applies
    (denomination only for schools with a known denomination) plus intersection columns ``a×b``. Tertiles use
    ``cuts`` when given, else the thirds of ``places`` itself.
    """
    cuts = cuts or tertile_cuts(places)
    out = pd.DataFrame(index=places.index)
    out["urbanity"] = places["urbanity"].round().map(URBANITY_GROUPS)
    for grouping, column in TERTILE_SOURCES.items():
        out[grouping] = tertile(places[column], cuts[grouping])
    for column in ("province", "denomination"):
        if column in places and places[column].notna().any():
            out[column] = places[column].replace("", None)
    for a, b in INTERSECTIONS:
        out[f"{a}×{b}"] = (out[a].astype(str) + " × " + out[b].astype(str)).where(
            out[a].notna() & out[b].notna()
        )
    return out.replace({np.nan: None})


def joint_group(
    places: pd.DataFrame, groupings: tuple[str, ...], cuts: dict[str, tuple[float, float]] | None = None
) -> pd.Series:
    """One label per place for the combination of several groupings (for mitigation)."""
    g = assign_groups(places, cuts)
    out = g[groupings[0]].fillna("?").astype(str)
    for name in groupings[1:]:
        out = out + " × " + g[name].fillna("?").astype(str)
    return out


def reweighing_weights(
    groups: pd.Series, y: np.ndarray, clip: tuple[float, float] = (0.2, 5.0)
) -> np.ndarray:
    """Kamiran & Calders reweighing: w = P(g) P(y) / P(g, y), clipped for tiny cells.

    In the weighted data group and label are independent, so a model cannot lean on "this kind
    of place is usually elevated" as much; it must use the place's own signals.
    """
    frame = pd.DataFrame({"g": pd.Series(groups).fillna("?").to_numpy(), "y": np.asarray(y).astype(int)})
    p_g = frame["g"].map(frame["g"].value_counts(normalize=True))
    p_y = frame["y"].map(frame["y"].value_counts(normalize=True))
    p_gy = frame.groupby(["g", "y"])["y"].transform("size") / len(frame)
    return np.clip((p_g * p_y / p_gy).to_numpy(), *clip)


def thresholds_per_row(
    places: pd.DataFrame,
    group_thresholds: dict[str, dict[str, float]],
    cuts: dict[str, tuple[float, float]] | None,
    default: float,
) -> np.ndarray:
    """Flag threshold per place when thresholds differ by kind of place.

    ``group_thresholds`` maps grouping → group → threshold. A place belongs to one group per
    grouping; it gets the *lowest* of those thresholds, so that no kind of place it belongs to
    falls below the recall the thresholds were set for. Places in no listed group keep
    ``default``.
    """
    if not group_thresholds:
        return np.full(len(places), default)
    groups = assign_groups(places, cuts)
    per = [groups[g].map(th).to_numpy(dtype=float) for g, th in group_thresholds.items() if g in groups]
    stacked = np.vstack(per) if per else np.full((1, len(places)), np.nan)
    with np.errstate(all="ignore"):
        lowest = np.nanmin(np.where(np.isnan(stacked), np.inf, stacked), axis=0)
    return np.where(np.isfinite(lowest), lowest, default)
