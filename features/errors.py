"""Errors meant for people, not for debuggers.

A user who points kansenradar at a folder of DUO/CBS downloads must learn *which file, which
row, which column* is wrong and what was expected — never see a traceback. Programming errors
still raise normally; only problems with the input data become a :class:`DataError`.

One :class:`DataError` can carry every problem found in a file (``problems``), so a user fixes
a file in one go instead of one line per run. Its own fields are the first problem's, so code
that reads ``exc.file`` / ``exc.row`` keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MAX_REPORTED = 20
"""Problems listed per error; the rest are counted (a file with 10,000 bad rows stays readable)."""


@dataclass
class DataError(Exception):
    """A problem with an input file, located as precisely as we can.

    ``row`` is the 1-based line number in the file as a user sees it in a text editor or
    spreadsheet (the header is line 1), or ``None`` when the problem concerns the whole file.
    ``problems`` holds further problems found in the same pass and ``n_more`` the number found
    beyond :data:`MAX_REPORTED`.
    """

    file: str | Path
    problem: str
    row: int | None = None
    column: str | None = None
    value: object = None
    expected: str | None = None
    problems: tuple[DataError, ...] = ()
    n_more: int = 0

    def __post_init__(self) -> None:
        super().__init__(str(self))

    @property
    def all_problems(self) -> tuple[DataError, ...]:
        """Every listed problem as a single-problem error, the first one included."""
        first = DataError(self.file, self.problem, self.row, self.column, self.value, self.expected)
        return (first, *self.problems)

    @property
    def n_problems(self) -> int:
        return 1 + len(self.problems) + self.n_more

    def located(self) -> str:
        """The one-line message of the first problem: ``file, row N, column 'X': …``."""
        where = f"{Path(self.file).name}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        msg = f"{where}: {self.problem}"
        if self.value is not None:
            msg += f" (found {self.value!r})"
        if self.expected:
            msg += f"; expected {self.expected}"
        return msg

    def __str__(self) -> str:
        if not self.problems and not self.n_more:
            return self.located()
        lines = [f"{self.n_problems} problems; " + self.located()]
        lines += ["  " + p.located() for p in self.problems]
        if self.n_more:
            lines.append(f"  … and {self.n_more} more problem(s) not listed")
        return "\n".join(lines)

    @classmethod
    def combine(cls, errors: Iterable[DataError], cap: int = MAX_REPORTED) -> DataError:
        """One error listing ``errors`` (each may itself list several), at most ``cap`` of them."""
        flat: list[DataError] = []
        hidden = 0
        for err in errors:
            flat.extend(err.all_problems)
            hidden += err.n_more
        if not flat:
            raise ValueError("combine() needs at least one DataError")
        shown, rest = flat[:cap], flat[cap:]
        first = shown[0]
        return cls(
            first.file,
            first.problem,
            first.row,
            first.column,
            first.value,
            first.expected,
            problems=tuple(shown[1:]),
            n_more=hidden + len(rest),
        )
