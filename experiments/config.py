"""Experiment definitions: small TOML files in ``experiments/configs/`` → frozen dataclasses.

One file per (target, level): which models compete to be the candidate (the one with the best
mean held-out ``selection_metric`` wins), which baselines everything is compared with, the
hyper-parameters and the rolling-origin test years. Change a file, rerun, compare in MLflow.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent / "configs"


@dataclass(frozen=True)
class ExperimentConfig:
    """What to train and how to validate it."""

    name: str
    target: str
    level: str
    candidates: tuple[str, ...] = ("lightgbm", "logistic")
    baselines: tuple[str, ...] = ("persistence", "context_only")
    selection_metric: str = "average_precision"
    test_years: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023)
    seed: int = 0
    top_share: float = 0.10
    budget: int = 20
    lightgbm: dict = field(default_factory=dict)
    logistic: dict = field(default_factory=dict)

    @property
    def registered_name(self) -> str:
        """Name in the MLflow model registry."""
        return f"kansenradar-{self.target}-{self.level}".replace("_", "-")


def load_config(path: Path) -> ExperimentConfig:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    for key in ("baselines", "test_years", "candidates"):
        if key in raw:
            raw[key] = tuple(raw[key])
    return ExperimentConfig(**raw)


def load_configs(config_dir: Path = CONFIG_DIR) -> list[ExperimentConfig]:
    """All experiment definitions, in a stable order."""
    return [load_config(p) for p in sorted(config_dir.glob("*.toml"))]
