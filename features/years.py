"""School years as integers of their start year, written once.

``2023`` means school year 2023-24. The 2023-24 year is the regime break: the *doorstroomtoets*
replaced the eindtoets and revising the advice upward became mandatory.
"""

from __future__ import annotations

FIRST_YEAR = 2014
LAST_YEAR = 2024
YEARS: tuple[int, ...] = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
DOORSTROOMTOETS_FIRST_YEAR = 2023


def format_school_year(year: int) -> str:
    """``2023 -> '2023-24'``, the way Dutch education reports write school years."""
    return f"{year}-{(year + 1) % 100:02d}"


def parse_school_year(text: str) -> int:
    """Accept ``'2023-2024'``, ``'2023-24'``, ``'2023'`` or a StatLine ``'2023SJ00'``/``'2023J00'``.

    Raises ``ValueError``; readers turn that into a :class:`~features.errors.DataError`.
    """
    t = str(text).strip()
    head = t[:4]
    if not head.isdigit():
        raise ValueError(f"not a school year: {text!r}")
    return int(head)


def is_doorstroomtoets_regime(year: int) -> bool:
    """True from 2023-24: doorstroomtoets in February and near-mandatory upward revision."""
    return year >= DOORSTROOMTOETS_FIRST_YEAR
