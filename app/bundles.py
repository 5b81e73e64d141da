"""Find the champion's scoring bundle and read it — shared by the Streamlit pages, CLI and API.

The main job writes one bundle per registered model version (``outputs/<name>/v<version>/``):
scores, contributions, history, audit, report. Interfaces only read bundles; they never train
or recompute explanations. Every table handed to a user passes the small-cell suppression.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from experiments.config import ExperimentConfig, load_configs
from experiments.runner import output_root
from features.suppression import suppress_small_cells
from models.scoring import suppressed_scores


@dataclass(frozen=True)
class Bundle:
    """One model version's outputs on disk."""

    path: Path
    meta: dict

    @property
    def name(self) -> str:
        return self.meta["name"]

    @property
    def version(self) -> str:
        return str(self.meta["version"])

    def read(self, name: str) -> pd.DataFrame:
        path = self.path / name
        return pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)

    def scores(self, group_column: str | None = None) -> pd.DataFrame:
        """Suppressed scores for display and export."""
        return suppressed_scores(self.read("scores.parquet"), group_column=group_column)

    def history(self) -> pd.DataFrame:
        """Suppressed rate history (years resting on < 10 pupils hidden)."""
        h = self.read("history.parquet").copy()
        for col in ("rate", "shrunk_rate", "rate_lower", "rate_upper"):
            h[col] = h[col] * 100
        return suppress_small_cells(
            h,
            ["rate", "shrunk_rate", "rate_lower", "rate_upper", "elevated"],
            event_count_columns=["n_events"],
        )


def config_for(target: str, level: str) -> ExperimentConfig:
    for c in load_configs():
        if c.target == target and c.level == level:
            return c
    raise KeyError(f"no experiment for target {target!r} and level {level!r}")


def available_levels(target: str) -> list[str]:
    return [c.level for c in load_configs() if c.target == target]


def bundle_versions(name: str, output_dir: Path | None = None) -> list[Path]:
    root = (output_dir or output_root()) / name
    if not root.is_dir():
        return []
    return sorted(
        (p for p in root.iterdir() if (p / "meta.json").is_file()), key=lambda p: int(p.name.lstrip("v"))
    )


def find_bundle(
    target: str, level: str, champion: str | None = None, output_dir: Path | None = None
) -> Bundle | None:
    """The bundle of the champion version (as given), else of the newest promoted version."""
    name = config_for(target, level).registered_name
    versions = bundle_versions(name, output_dir)
    chosen = None
    if champion is not None:
        chosen = next((p for p in versions if p.name == f"v{champion}"), None)
    if chosen is None:
        promoted = [p for p in versions if json.loads((p / "meta.json").read_text())["promoted"]]
        chosen = promoted[-1] if promoted else None
    if chosen is None:
        return None
    return Bundle(chosen, json.loads((chosen / "meta.json").read_text()))


def newest_bundle(target: str, level: str, output_dir: Path | None = None) -> Bundle | None:
    """The newest version's bundle whatever the gate said — for its *data* (history) only."""
    versions = bundle_versions(config_for(target, level).registered_name, output_dir)
    if not versions:
        return None
    return Bundle(versions[-1], json.loads((versions[-1] / "meta.json").read_text()))


def latest_refusal(target: str, level: str, output_dir: Path | None = None) -> dict | None:
    """Meta of the newest version if the gate refused it (to explain a missing champion)."""
    versions = bundle_versions(config_for(target, level).registered_name, output_dir)
    if not versions:
        return None
    meta = json.loads((versions[-1] / "meta.json").read_text())
    return None if meta["promoted"] else meta


def champion_from_registry(name: str) -> str | None:
    """Ask MLflow which version is champion (None when the registry is unavailable)."""
    try:
        from models.registry import champion_version

        return champion_version(name)
    except Exception:  # registry missing or unreadable: fall back to bundle metadata
        return None
