"""Writing tables people open in a spreadsheet: CSV text cells neutralised, Parquet as it is.

Place names come from the data folder, which a user (or an attacker who hands a user a
folder) controls. A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is run as a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(…)``,
``@SUM(…)``, DDE). Following the OWASP *CSV Injection* guidance, such a text cell gets a
leading single quote, which spreadsheets show as text and never evaluate; quoting of
separators and double quotes is left to the CSV writer. Numbers are not text and keep their
sign. Parquet is read by programs, not evaluated, so it keeps the data exactly as they are.

Every CSV kansenradar writes — ``kansenradar score``, the bundle files, the app's download
buttons and the tables the app shows (Streamlit offers them as CSV downloads) — goes through
:func:`csv_safe` (via :func:`to_csv` or :func:`write_table`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """One cell: a text starting like a formula gets a leading ``'``; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells, column names and index labels cannot start a formula."""
    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].map(neutralise, na_action="ignore")
    out.columns = [neutralise(c) for c in out.columns]
    if not pd.api.types.is_numeric_dtype(out.index):
        out.index = out.index.map(neutralise)
    return out


def to_csv(frame: pd.DataFrame, path: Path | str | None = None, **kwargs: object) -> str | None:
    """``DataFrame.to_csv`` on the neutralised frame (returns the text when ``path`` is None)."""
    return csv_safe(frame).to_csv(path, **kwargs)


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Parquet as is, anything else as neutralised CSV without the index."""
    if path.suffix == ".parquet":
        frame.to_parquet(path)
    else:
        to_csv(frame, path, index=False)
