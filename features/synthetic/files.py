"""Where the generator writes what only evaluation may read: the one place these names live.

The planted truth, the oracle's rise file and the realism report sit in ``truth/`` beside the
published files. The pipeline never reads them (``tests/models/test_emerging.py`` checks the
detector does not); tests, benchmarks and :mod:`experiments.emerging_eval` do. Kept apart from
the generator's heavy modules so the evaluation can name them without importing the world.
"""

from __future__ import annotations

from pathlib import Path

TRUTH_DIR = Path("truth")
TRUTH_FILE = TRUTH_DIR / "ground_truth.csv"
"""Planted hot spots: target, level, place, onset year, rise."""
CALIBRATION_FILE = TRUTH_DIR / "calibration.csv"
"""The generator's calibration figures."""
RISE_FILE = TRUTH_DIR / "rise.csv"
"""Each planted place's rise per year on the rate scale (planted minus no-plant expected rate):
the oracle's knowledge of the planted effect (:mod:`experiments.emerging_eval`)."""
REALISM_FILE = TRUTH_DIR / "realism.csv"
"""Real figure beside simulated figure (:mod:`features.synthetic.realism`)."""
