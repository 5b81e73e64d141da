"""Notes a reader makes about a file it *accepted*: repaired text, unknown providers, a year
missing from a series. Not errors — the file is read — but never silent either.

A reader calls :func:`note`; :func:`features.catalog.assemble` collects what each read noted
(:func:`collecting`) and ``kansenradar validate`` prints it under the file. Outside a
``collecting`` block a note is dropped: reading a file in a notebook stays quiet.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

_SINK: ContextVar[list[str] | None] = ContextVar("kansenradar_reader_notes", default=None)


def note(path: Path | str, message: str) -> None:
    """Record ``message`` about the file ``path`` for the report of the read in progress."""
    sink = _SINK.get()
    if sink is not None:
        text = f"{Path(path).name}: {message}"
        if text not in sink:
            sink.append(text)


@contextlib.contextmanager
def collecting() -> Iterator[list[str]]:
    """Collect the notes of every read inside the block into the yielded list."""
    sink: list[str] = []
    token = _SINK.set(sink)
    try:
        yield sink
    finally:
        _SINK.reset(token)
