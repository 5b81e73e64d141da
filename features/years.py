"""School years as integers of their start year, written once.

``2023`` means school year 2023-24. The 2023-24 year is the regime break: the *doorstroomtoets*
replaced the eindtoets and revising the advice upward became mandatory.
"""

from __future__ import annotations

FIRST_YEAR = 2014  # the embedded default covers 2014-15 …
LAST_YEAR = 2024  # … 2024-25
DOORSTROOMTOETS_FIRST_YEAR = 2023


def format_school_year(year: int) -> str:
    """``2023 -> '2023-24'``, the way Dutch education reports write school years."""
    return f"{year}-{(year + 1) % 100:02d}"


def is_doorstroomtoets_regime(year: int) -> bool:
    """True from 2023-24: doorstroomtoets in February and near-mandatory upward revision."""
    return year >= DOORSTROOMTOETS_FIRST_YEAR


EARLIEST_SCHOOL_YEAR = 2000
"""No DUO/CBS file kansenradar reads holds a school year before 2000-01."""
LAST_SCHOOL_YEAR = 2025
"""The latest school year a published file may hold (2025-26). A later year is a typing error
(or a file from the future): it is rejected, never silently added to the panels. Raise it when
DUO publishes a new year, or set ``KANSENRADAR_LAST_SCHOOL_YEAR``."""


def last_school_year() -> int:
    """:data:`LAST_SCHOOL_YEAR`, or ``KANSENRADAR_LAST_SCHOOL_YEAR`` when set (a whole number)."""
    import os

    value = os.environ.get("KANSENRADAR_LAST_SCHOOL_YEAR", "").strip()
    return int(value) if value.isdigit() else LAST_SCHOOL_YEAR


MIN_TRAINING_YEARS = 4
"""School years of outcomes a target needs before anything can be trained: a rolling-origin
fold needs a training year, a test year and the year after it (the test year's label), and the
cross-fitted calibration (``models/train.py``) needs two folds — 4 years. With fewer, ``validate``
still builds and shows the target, and ``validate``/``run`` refuse to train (exit 2)."""
