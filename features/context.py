"""Context as it was known each year: pick, per place and school year, the right snapshot.

Context files exist for a few reference years only (SES-WOA per PC4 2021 and 2022, CBS
kerncijfers per PC4 2023 and 2024, gemeente kerncijfers 2021, the 2023 gemeente map). A feature
for school year *t* uses the latest snapshot whose reference year is ≤ *t*; years before the
first snapshot have nothing earlier and use the first one — those rows are "context known later"
(:data:`CONTEXT_KNOWN_LATER`, flagged in :mod:`features.indicators`).

Definitions are never spliced across files: a snapshot only stands in for a column it actually
carries (a column missing in a later file keeps the latest earlier value of *that* column), and
columns with different definitions (the 2021 "non-Western background" vs the 2023 "born outside
Europe") stay separate columns, so a change of definition cannot look like a change of place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CONTEXT_KNOWN_LATER = "context known later"


def snapshot_year(years: pd.Series | np.ndarray, available: list[int] | tuple[int, ...]) -> np.ndarray:
    """Per school year: the latest reference year ≤ it, or the first one when none is earlier."""
    snaps = np.sort(np.asarray(available, dtype=int))
    y = np.asarray(years, dtype=int)
    idx = np.searchsorted(snaps, y, side="right") - 1
    return snaps[np.clip(idx, 0, None)]


def as_known(keys: pd.Series, years: pd.Series, snapshots: pd.DataFrame, key: str, column: str) -> pd.Series:
    """Value of ``column`` for each (place, school year) as known in that year.

    ``snapshots`` has one row per ``key`` × ``reference_year``. Per column, only snapshots that
    carry a value count (a file without the column does not blank it out).
    """
    snap = snapshots[[key, "reference_year", column]].dropna(subset=[column])
    out = pd.Series(np.nan, index=keys.index, dtype=float)
    if snap.empty:
        return out
    available = sorted(snap["reference_year"].astype(int).unique())
    wanted = snapshot_year(years.to_numpy(), available)
    values = snap.set_index([key, "reference_year"])[column]
    values = values[~values.index.duplicated(keep="last")]
    lookup = pd.MultiIndex.from_arrays([keys.to_numpy(), wanted])
    out[:] = values.reindex(lookup).to_numpy(dtype=float)
    # a place missing from the snapshot in use keeps its latest earlier value (never a later one)
    missing = out.isna().to_numpy()
    for year in available[1:]:
        sel = missing & (wanted == year)
        if sel.any():
            earlier = snap[snap["reference_year"] < year].sort_values("reference_year")
            latest = earlier.drop_duplicates(key, keep="last").set_index(key)[column]
            out[sel] = keys[sel].map(latest).to_numpy(dtype=float)
    return out
