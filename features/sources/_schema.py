"""Pandera validation that speaks in files, rows and columns.

Readers parse first (with located errors), then validate the tidy result against a pandera
schema: value ranges, uniqueness of keys, allowed codes. Pandera failures become one
:class:`~features.errors.DataError` listing every failing line (the frame's index) and the
published column name, together with the problems the reader found itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from features.sources._checks import Problems


def validated(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    path: Path,
    problems: Problems | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Validate ``frame``; raise every problem (the reader's own and pandera's) at once.

    ``columns`` maps canonical names to the file's published column names for messages. Lines
    the reader already reported are not reported again by pandera (their value was unreadable).
    """
    problems = problems if problems is not None else Problems(path)
    columns = columns or {}
    lines = frame.index  # long frames built from wide files repeat a line: validate by position
    try:
        frame = schema.validate(frame.reset_index(drop=True), lazy=True)
        frame.index = lines
    except SchemaErrors as exc:
        for case in exc.failure_cases.itertuples(index=False):
            index = getattr(case, "index", None)
            row = int(lines[int(index)]) if index is not None and pd.notna(index) else None
            if row is not None and problems.seen_row(row):
                continue
            column = getattr(case, "column", None)
            column = None if column is None or pd.isna(column) else str(column)
            check = str(getattr(case, "check", ""))
            value = getattr(case, "failure_case", None)
            problems.add(
                _describe(check),
                row=row,
                column=columns.get(column, column) if column else None,
                value=None if value is None or (not isinstance(value, str) and pd.isna(value)) else value,
                expected=_expected(check),
            )
    except SchemaError as exc:  # pragma: no cover - lazy=True collects into SchemaErrors
        problems.add(str(exc))
    problems.raise_if_any()
    return frame


def _describe(check: str) -> str:
    if "duplicate" in check or check.startswith("field_uniqueness") or "unique" in check:
        return "the same key appears twice"
    if check in ("not_nullable", "column_in_dataframe"):
        return "value missing"
    return f"value fails the check {check}"


def _expected(check: str) -> str:
    if "unique" in check or "duplicate" in check:
        return "one row per key (school/region, year, category)"
    return "see the column's documented range in features/sources"


def unique_keys(*columns: str) -> dict:
    """Schema kwargs that make a published key unique (one row per school per year …)."""
    return {"unique": list(columns), "report_duplicates": "exclude_first"}
