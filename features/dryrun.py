"""``kansenradar validate``: the path of ``run`` up to the panels, without training.

:func:`check_folder` reads the folder exactly as ``run`` and ``features`` do
(:func:`features.catalog.assemble`), then builds the panels, so a folder ``validate`` accepts
is a folder ``run`` can build from, and one it refuses is one ``run`` refuses with the same
problems.
"""

from __future__ import annotations

from pathlib import Path

from features.catalog import FolderReport, assemble
from features.errors import DataError
from features.panel import build_panels


def check_folder(data_dir: Path) -> FolderReport:
    """Read, cross-check and build panels for ``data_dir``; every data problem in the report."""
    sources, report = assemble(data_dir)
    if report.ok:
        try:
            build_panels(sources)
        except DataError as exc:
            report.errors.append(exc)
    return report
