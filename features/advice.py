"""Advice levels and the under-advice rule — one definition, used by generator, panel and tests.

DUO publishes advice counts in 11 categories (``VSO`` … ``VWO``) plus ``ADVIES_NIET_MOGELIJK``.
Kansenkaart (ODISSEI) operationalises *onderadvisering* with a matrix of teacher advice (23 codes,
rows) × test advice (11 codes, columns) → under / correct / over
(``features/skeleton/vo_advisering.xlsx``, read by :func:`features.sources.read_advice_matrix`).
We map DUO's categories onto that matrix's codes so the published rule is applied unchanged.
"""

from __future__ import annotations

import re

ADVICE_LEVELS: tuple[str, ...] = (
    "VSO",
    "PRO",
    "VMBO_B",
    "VMBO_B_K",
    "VMBO_K",
    "VMBO_K_GT",
    "VMBO_GT",
    "VMBO_GT_HAVO",
    "HAVO",
    "HAVO_VWO",
    "VWO",
)
"""DUO advice categories from low to high (the order of the published wide columns)."""

NO_ADVICE = "ADVIES_NIET_MOGELIJK"
ADVICE_CODES: tuple[str, ...] = (*ADVICE_LEVELS, NO_ADVICE)

TEACHER_MATRIX_CODE: dict[str, str] = {
    "VSO": "01",
    "PRO": "10",
    "VMBO_B": "20",
    "VMBO_B_K": "22",
    "VMBO_K": "30",
    "VMBO_K_GT": "34",
    "VMBO_GT": "42",
    "VMBO_GT_HAVO": "52",
    "HAVO": "60",
    "HAVO_VWO": "61",
    "VWO": "70",
}
"""DUO advice category → row code of the Kansenkaart matrix (teacher advice)."""

TEST_MATRIX_CODE: dict[str, str] = {
    "PRO": "10",
    "VMBO_B": "20",
    "VMBO_B_K": "22",
    "VMBO_K": "30",
    "VMBO_K_GT": "34",
    "VMBO_GT": "42",
    "VMBO_GT_HAVO": "44",
    "HAVO": "60",
    "HAVO_VWO": "61",
    "VWO": "70",
}
"""DUO advice category → column code of the Kansenkaart matrix (test advice)."""


def normalise_advice_label(label: str) -> str:
    """``'vmbo-b/k'``, ``'VMBO B/K'``, ``'VMBO_B_K'`` → ``'VMBO_B_K'``; ``'vmbo-(g)t'`` → ``'VMBO_GT'``."""
    s = label.strip().upper().replace("(G)T", "GT").replace("(", "").replace(")", "")
    s = re.sub(r"[\s\-/+]+", "_", s)
    s = s.replace("VMBO_KADER", "VMBO_K").replace("VMBO_BASIS", "VMBO_B")
    s = s.replace("PRAKTIJKONDERWIJS", "PRO")
    return {"ADVIES_NIET_MOGELIJK": NO_ADVICE, "GEEN_ADVIES": NO_ADVICE}.get(s, s)
