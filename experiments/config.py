"""Experiment definitions: small TOML files → the core's validated specifications.

One file per (target, level) in ``experiments/configs/``: which models compete to be the
candidate (the one with the best mean held-out ``selection_metric`` wins), which baselines
everything is compared with, the hyper-parameters and the rolling-origin test years; plus
``fairness.toml``, the limits of the promotion gate. This module only reads the files; what a
key means and which values are allowed is defined once, in :mod:`models.spec`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from models.spec import ConfigError, ExperimentSpec, FairnessLimits, experiment_spec, fairness_limits

CONFIG_DIR = Path(__file__).resolve().parent / "configs"
FAIRNESS_FILE = Path(__file__).resolve().parent / "fairness.toml"


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "-", f"not valid TOML ({exc})") from None


def load_config(path: Path) -> ExperimentSpec:
    """One experiment file, validated (unknown keys and options are errors naming the key)."""
    return experiment_spec(_read_toml(path), source=str(path))


def load_configs(config_dir: Path = CONFIG_DIR) -> list[ExperimentSpec]:
    """All experiment definitions, in a stable order."""
    return [load_config(p) for p in sorted(config_dir.glob("*.toml"))]


def load_fairness_limits(path: Path = FAIRNESS_FILE) -> FairnessLimits:
    """The gate's limits; the defaults of :class:`FairnessLimits` when the file is absent."""
    return fairness_limits(_read_toml(path), source=str(path)) if path.is_file() else FairnessLimits()


def spec_for(target: str, level: str) -> ExperimentSpec:
    """The experiment for one target × level (KeyError when there is none)."""
    for c in load_configs():
        if c.target == target and c.level == level:
            return c
    raise KeyError(f"no experiment for target {target!r} and level {level!r}")
