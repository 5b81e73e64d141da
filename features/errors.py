"""Errors meant for people, not for debuggers.

A user who points kansenradar at a folder of DUO/CBS downloads must learn *which file, which
row, which column* is wrong and what was expected — never see a traceback. Programming errors
still raise normally; only problems with the input data become a :class:`DataError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class DataError(Exception):
    """A problem with an input file, located as precisely as we can.

    ``row`` is the 1-based line number in the file as a user sees it in a text editor or
    spreadsheet (the header is line 1), or ``None`` when the problem concerns the whole file.
    """

    file: str | Path
    problem: str
    row: int | None = None
    column: str | None = None
    value: object = None
    expected: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
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
