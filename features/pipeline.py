"""From a data folder's sources to what the models read: one panel and one feature table per
target × level. The one place where readers, panels, targets and indicators are chained."""

from __future__ import annotations

import pandas as pd

from features.catalog import Sources
from features.indicators import compute_features
from features.panel import PLACE_ATTRIBUTES, build_panels
from features.suppression import STATUS_COLUMN, protect_panels
from features.targets import TARGET_COLUMNS, add_targets

HISTORY_COLUMNS = (
    "place_id",
    "school_year",
    "n_pupils",
    "n_events",
    *TARGET_COLUMNS,
    STATUS_COLUMN,
    *PLACE_ATTRIBUTES,
)


def build_features(sources: Sources) -> dict[tuple[str, str], tuple[pd.DataFrame, pd.DataFrame]]:
    """``(panel with targets, features)`` per (target, level).

    Every panel carries its disclosure status (:func:`features.suppression.protect_panels`),
    decided for all levels of a target together, before anything can leave the core."""
    out = {}
    for key, panel in protect_panels(build_panels(sources)).items():
        with_targets = add_targets(panel)
        out[key] = (with_targets, compute_features(with_targets, *key))
    return out


def place_attributes(panel: pd.DataFrame) -> pd.DataFrame:
    """The :data:`PLACE_ATTRIBUTES` a panel has, one row per place-year."""
    return panel[[c for c in ("place_id", "school_year", *PLACE_ATTRIBUTES) if c in panel]]


def history_table(panel: pd.DataFrame) -> pd.DataFrame:
    """The rate history a place page shows, with each place-year's disclosure status (the
    bundle publishes it when it is written: :data:`models.bundle.PUBLISHERS`)."""
    return panel[[c for c in HISTORY_COLUMNS if c in panel]]
