"""Pandera validation that speaks in files, rows and columns.

Readers parse first (with located errors), then validate the tidy result against a pandera
schema: value ranges, uniqueness of keys, allowed codes. A pandera failure becomes a
:class:`~features.errors.DataError` whose row is the file line (the frame's index).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from features.errors import DataError


def validated(frame: pd.DataFrame, schema: pa.DataFrameSchema, path: Path) -> pd.DataFrame:
    """Validate ``frame``; on failure name the first offending line and column."""
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        first = cases.iloc[0]
        index = first.get("index")
        row = int(index) if index is not None and pd.notna(index) else None
        column = first.get("column")
        raise DataError(
            path,
            f"value fails the check {first.get('check')}",
            row=row,
            column=None if pd.isna(column) else str(column),
            value=None if pd.isna(first.get("failure_case")) else first.get("failure_case"),
            expected="see the column's documented range in features/sources",
        ) from None
    except SchemaError as exc:  # pragma: no cover - lazy=True collects into SchemaErrors
        raise DataError(path, str(exc)) from None


def unique_keys(*columns: str) -> dict:
    """Schema kwargs that make a published key unique (one row per school per year …)."""
    return {"unique": list(columns), "report_duplicates": "exclude_first"}
