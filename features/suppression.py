"""Small-cell suppression: the one rule every output path (table, map, export, API) applies.

Rule (``MIN_PUPILS`` = 10):

1. **Primary.** A row whose figures rest on fewer than 10 pupils (``n_pupils < 10``) shows none
   of them: rate, risk, interval, counts — all hidden.
2. **Complementary.** Within a group whose total is shown (e.g. the PC4 areas or schools of
   one gemeente), a single hidden row could be recovered as *total minus the rest*. If a group
   has exactly one primarily hidden row, the next-smallest row is hidden too.
3. A shown pupil count itself below 10 (events such as "3 under-advised pupils") is hidden:
   counts of events follow the same threshold as the pupils they describe.

Hidden values become ``NaN`` (``<NA>`` for integers) and ``suppressed`` is ``True``, so
interfaces can say *"fewer than 10 pupils"* instead of showing nothing or zero.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

MIN_PUPILS = 10


def suppress_small_cells(
    frame: pd.DataFrame,
    figure_columns: Iterable[str],
    *,
    pupils_column: str = "n_pupils",
    event_count_columns: Iterable[str] = (),
    group_column: str | None = None,
    min_pupils: int = MIN_PUPILS,
) -> pd.DataFrame:
    """Return a copy with figures hidden where they rest on fewer than ``min_pupils`` pupils.

    Parameters
    ----------
    figure_columns:
        Columns derived from the row's pupils (rates, risks, intervals, counts).
    pupils_column:
        Number of pupils each row's figures rest on. Hidden as well when suppressed.
    event_count_columns:
        Counts of events (e.g. under-advised pupils) hidden when below ``min_pupils``.
    group_column:
        Rows sharing this value sum to a published total: apply complementary suppression.
    """
    out = frame.copy()
    figures = [c for c in figure_columns if c in out]
    n = out[pupils_column].astype(float)
    hidden = (n < min_pupils) | n.isna()
    if group_column is not None:
        hidden = hidden | _complementary(out, n, hidden, group_column)
    for col in [*figures, pupils_column]:
        out[col] = out[col].astype(float).mask(hidden)
    for col in event_count_columns:
        if col in out:
            small = out[col].astype(float) < min_pupils
            out[col] = out[col].astype(float).mask(hidden | small)
    out["suppressed"] = hidden.to_numpy()
    return out


def _complementary(frame: pd.DataFrame, n: pd.Series, hidden: pd.Series, group: str) -> pd.Series:
    extra = pd.Series(False, index=frame.index)
    for _, idx in frame.groupby(group, dropna=False).groups.items():
        h = hidden.loc[idx]
        if h.sum() == 1 and len(idx) > 1:
            candidates = n.loc[idx][~h]
            extra.loc[candidates.idxmin()] = True
    return extra


def is_safe(
    frame: pd.DataFrame,
    figure_columns: Iterable[str],
    pupils_column: str = "n_pupils",
    min_pupils: int = MIN_PUPILS,
) -> bool:
    """True when no shown figure rests on fewer than ``min_pupils`` pupils (for assertions)."""
    n = frame[pupils_column].astype(float)
    shown = frame[list(figure_columns)].notna().any(axis=1)
    return not bool((shown & ((n < min_pupils) | n.isna())).any())
