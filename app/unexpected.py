"""Unexpected errors: a short message for the user, the full traceback in a log file.

A :class:`~features.errors.DataError` is the user's to fix and is shown in full. Anything else
is a bug on our side; a user should not have to read a traceback to learn that, but whoever
fixes it needs the traceback. So the CLI and the app's folder validator write it to a log file
and say where it is, and the CLI exits with its own code (:data:`EXIT_UNEXPECTED`).
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from pathlib import Path

from features.paths import log_dir

EXIT_UNEXPECTED = 5


def log_unexpected(exc: BaseException, context: str = "") -> Path:
    """Write ``exc`` with its traceback to a new log file and return the file's path."""
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"kansenradar-error-{stamp}-{os.getpid()}.log"
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    path.write_text((f"{context}\n\n" if context else "") + text, encoding="utf-8")
    return path


def short_message(exc: BaseException, path: Path) -> str:
    """One line: what kind of error, and where the traceback is."""
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return (
        f"unexpected error ({type(exc).__name__}{': ' + detail if detail else ''}). "
        f"This is a bug in kansenradar, not a problem the data checks know; the full traceback "
        f"is in {path}"
    )
