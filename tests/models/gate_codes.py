"""A stored refusal code of the fairness gate, as :func:`models.audit.gate` writes one (tests)."""

from __future__ import annotations


def recall_refusal(**changes: object) -> dict:
    """Rural recall 0.3 below urban, beyond a limit of 0.1 with its whole 90 % interval."""
    code = {
        "code": "recall",
        "grouping": "urbanity",
        "group": "landelijk",
        "reference": "stedelijk",
        "value": 0.4,
        "ci_low": 0.3,
        "ci_high": 0.5,
        "difference": -0.3,
        "diff_low": -0.4,
        "diff_high": -0.2,
        "limit": 0.1,
        "level": 90,
    }
    return {**code, **changes}
