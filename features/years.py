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
