"""Collect every problem of a file, then raise them together — the border control of a reader.

A reader creates one :class:`Problems` per file, lets the parsers and its own plausibility
checks add to it, and calls :meth:`Problems.raise_if_any` at the end. The user then sees all
problems of the file at once (up to :data:`~features.errors.MAX_REPORTED`, with a count of the
rest) instead of fixing one line per run.

The plausibility limits live here, once: a count above them cannot come from a real school or
gemeente and is a typing or export error.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from features.errors import MAX_REPORTED, DataError

MAX_PO_COHORT = 1_000
"""Pupils in one published PO cell (one school, one year, one test or advice). The largest Dutch
primary school location has about 1,000 pupils in all grades; a grade-8 cell is far smaller."""
MAX_VO_SCHOOL = 10_000
"""Pupils of one VO school location (the largest have about 4,000)."""
MAX_GEMEENTE_PUPILS = 500_000
"""Pupils aged 12–23 in education living in one gemeente (Amsterdam: about 110,000)."""
MAX_NATIONAL_PUPILS = 5_000_000
"""Pupils aged 12–23 in education in the whole country or a province (about 1.4 million)."""
MAX_POPULATION = 2_000_000
"""Inhabitants of one gemeente (Amsterdam: about 900,000)."""
MAX_HOUSEHOLDS_PC4 = 100_000
"""Households in one postcode-4 area (the largest have about 15,000)."""
SUPPRESSED_LOW, SUPPRESSED_HIGH = 1, 4
"""A ``<5`` cell is the interval 1–4 in every consistency check, never a number."""


class Problems:
    """Problems found in one file, in the order found."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.items: list[DataError] = []
        self.n_hidden = 0
        self._rows: set[int | None] = set()

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(
        self,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> None:
        if len(self.items) >= MAX_REPORTED:
            self.n_hidden += 1
            return
        self.items.append(DataError(self.path, problem, row, column, value, expected))
        self._rows.add(row)

    def add_error(self, exc: DataError) -> None:
        for p in exc.all_problems:
            self.add(p.problem, row=p.row, column=p.column, value=p.value, expected=p.expected)
        self.n_hidden += exc.n_more

    def flag(
        self,
        bad: pd.Series,
        problem: str,
        column: str | None,
        values: pd.Series | None,
        expected: str,
    ) -> bool:
        """Add one problem per ``True`` row of ``bad`` (index = file line); True if any."""
        bad = bad.fillna(False).astype(bool)
        if not bad.any():
            return False
        for line in bad.index[bad.to_numpy()][: MAX_REPORTED + 1]:
            value = None if values is None else values.loc[line]
            if isinstance(value, pd.Series):  # duplicated line numbers (long frames): first
                value = value.iloc[0]
            self.add(
                problem,
                row=int(line) if line is not None and pd.notna(line) else None,
                column=column,
                value=None if value is None or (np.isscalar(value) and pd.isna(value)) else _plain(value),
                expected=expected,
            )
        self.n_hidden += max(0, int(bad.sum()) - (MAX_REPORTED + 1))
        return True

    def seen_row(self, row: int | None) -> bool:
        return row in self._rows

    def error(self) -> DataError | None:
        if not self.items:
            return None
        err = DataError.combine(self.items)
        err.n_more += self.n_hidden
        return err

    def raise_if_any(self) -> None:
        err = self.error()
        if err is not None:
            raise err


def _plain(value: object) -> object:
    """numpy scalars print as ``np.int64(5)``; users want ``5``."""
    return value.item() if isinstance(value, np.generic) else value


def bounds(counts: pd.Series, suppressed: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(lowest, highest) value a published count can have: a ``<5`` cell is 1–4; NaN = unknown."""
    known = counts.astype("Float64").astype(float)
    sup = suppressed.astype(bool)
    low = known.where(~sup, SUPPRESSED_LOW)
    high = known.where(~sup, SUPPRESSED_HIGH)
    return low, high


def check_counts(
    problems: Problems, values: pd.Series, column: str, maximum: int, what: str = "pupils"
) -> None:
    """A count above ``maximum`` cannot be real: flag it with the limit in the message."""
    v = values.astype("Float64").astype(float)
    problems.flag(
        v > maximum,
        f"implausibly many {what}",
        column,
        values,
        f"at most {maximum:,} (no real school or gemeente has more)",
    )
    problems.flag(v < 0, f"negative number of {what}", column, values, "0 or more")
