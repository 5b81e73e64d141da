"""Simulated attainment (referentieniveaus) of each pupil, derived from the pupil's own test.

Added on top of the world's dynamics (:mod:`features.synthetic.world`), with its own random
stream, so no other draw of the world moves: each tested pupil's result per subject is
``ρ · z + √(1 − ρ²) · ε`` with z the pupil's standardised test score, cut at the quantiles of
:data:`REFERENCE_SHARES`. Advice therefore follows attainment exactly as it follows the test —
a school that advises below its pupils' test level advises below their attainment too, and
the planted under-advice hot spots show in ``under_advice_attainment``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from features.sources.duo import REFERENCE_LEVEL_COLUMNS

REFERENCE_SHARES: dict[str, tuple[float, ...]] = {
    "maths": (0.03, 0.50, 0.47, 0.0),
    "reading": (0.02, 0.25, 0.73),
    "spelling": (0.03, 0.37, 0.60),
}
"""National shares per attained level, low to high (maths: <1F, 1F, 1S, 2F; reading and
taalverzorging: <1F, 1F, 2F). Rough shares read off the ten schools of the 2024-25 sample
(``tests/fixtures/duo_2024_2025``): not a measured national figure."""
SUBJECT_CORRELATION = 0.8
"""Correlation of a subject's result with the pupil's overall test score."""


def attainment_counts(
    rng: np.random.Generator, z: np.ndarray, school: np.ndarray, tested: np.ndarray, n_schools: int
) -> np.ndarray:
    """Per school, pupils per column of :data:`~features.sources.duo.REFERENCE_LEVEL_COLUMNS`.

    ``z`` is each pupil's standardised test score, ``school`` their school index, ``tested``
    whether they took the test (exempt pupils have no reference level)."""
    out = np.zeros((n_schools, len(REFERENCE_LEVEL_COLUMNS)), dtype=int)
    columns = [(subject, level) for _, subject, level in REFERENCE_LEVEL_COLUMNS]
    for subject, shares in REFERENCE_SHARES.items():
        result = SUBJECT_CORRELATION * z + np.sqrt(1 - SUBJECT_CORRELATION**2) * rng.normal(0, 1, z.size)
        cuts = ndtri(np.clip(np.cumsum(shares)[:-1], 1e-9, 1 - 1e-9))
        attained = np.searchsorted(cuts, result)
        levels = [lv for s, lv in columns if s == subject]
        for i, level in enumerate(levels):
            counts = np.bincount(school, weights=(attained == i) & tested, minlength=n_schools)
            out[:, columns.index((subject, level))] = counts.astype(int)
    return out
