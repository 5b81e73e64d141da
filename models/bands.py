"""Risk bands: the policy that turns a calibrated one-year-ahead risk into a band code.

A risk is never certain, so the app puts a band beside the number. The thresholds live here and
nowhere else; the band codes (``low`` … ``very_high``) are worded at the edge
(:data:`models.texts.BAND_WORDS`). ``verhoogd`` names the level signal, not a band.
"""

from __future__ import annotations

RISK_BANDS: tuple[tuple[float, str], ...] = (
    (0.10, "low"),
    (0.30, "medium"),
    (0.60, "high"),
    (1.0, "very_high"),
)
"""(upper bound, band code), lowest first; a risk of exactly 1 is in the last band."""


def risk_band(risk: float) -> str | None:
    """The band code of a calibrated risk (None when the risk is not shown)."""
    if risk != risk:  # NaN: suppressed or not scored
        return None
    return next((band for upper, band in RISK_BANDS if risk < upper), RISK_BANDS[-1][1])
