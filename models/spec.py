"""What to train and what the fairness gate tolerates: typed, validated specifications.

The core (``models/``) owns these records; ``experiments/`` only loads its TOML files into them
and hands them down. That keeps the dependency direction one way (experiments → models →
features) and lets a test build a spec without touching a file.

Validation follows scikit-learn's parameter-constraint style: an unknown key or an unknown
option is an error that names the file and the key, because a typo such as
``max_recal_difference`` must not quietly restore a default at the fairness gate.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from features.vocabulary import BASELINE_KINDS, CANDIDATE_KINDS, GROUPINGS, LEVELS, MODEL_KINDS, TARGETS
from features.vocabulary import registered_name as _registered_name

CALIBRATION_METHODS = ("isotonic", "platt")
SELECTION_METRICS = ("average_precision", "roc_auc", "precision_at_top")  # higher is better


class ConfigError(ValueError):
    """A configuration file holds an unknown key, an unknown option or a value out of range."""

    def __init__(self, source: str, key: str, message: str):
        self.source, self.key = source, key
        super().__init__(f"{source}: key {key!r}: {message}")


@dataclass(frozen=True)
class ExperimentSpec:
    """One experiment: which models compete, against which baselines, on which folds."""

    name: str
    target: str
    level: str
    candidates: tuple[str, ...] = CANDIDATE_KINDS[::-1]
    baselines: tuple[str, ...] = BASELINE_KINDS
    selection_metric: str = "average_precision"
    test_years: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023)
    seed: int = 0
    top_share: float = 0.10
    budget: int = 20
    lightgbm: dict[str, Any] = field(default_factory=dict)
    logistic: dict[str, Any] = field(default_factory=dict)

    @property
    def registered_name(self) -> str:
        """Name in the MLflow model registry."""
        return _registered_name(self.target, self.level)

    def params_for(self, kind: str) -> dict[str, Any]:
        """Hyper-parameters of one model kind (baselines have none of their own)."""
        return dict(self.lightgbm if kind == "lightgbm" else self.logistic if kind == "logistic" else {})


@dataclass(frozen=True)
class FairnessLimits:
    """What the promotion gate tolerates, and how the audit measures it."""

    min_group_size: int = 15
    min_positive_places: int = 10
    """A group's recall is judged only with at least this many elevated places (else: "too few
    elevated places to judge", never a zero-width interval)."""
    max_recall_difference: float = 0.20
    max_fpr_difference: float = 0.10
    max_calibration_gap: float = 0.10
    n_boot: int = 1000
    confidence: float = 0.90
    top_share: float = 0.10
    gated_groupings: tuple[str, ...] = ("urbanity", "migration", "income")
    mitigation_grouping: str = "urbanity"
    seed: int = 0


def _check_keys(cls: type, raw: dict[str, Any], source: str) -> None:
    known = {f.name for f in fields(cls)}
    for key in raw:
        if key not in known:
            raise ConfigError(source, key, f"unknown key; known keys are {', '.join(sorted(known))}")


def _check_options(source: str, key: str, values: tuple[str, ...], allowed: tuple[str, ...]) -> None:
    for v in values:
        if v not in allowed:
            raise ConfigError(source, key, f"unknown option {v!r}; expected one of {', '.join(allowed)}")


# the hyper-parameters each competing model kind accepts (models/estimators.py builds them)
HYPERPARAMETERS = {
    "logistic": ("C",),
    "lightgbm": (
        "n_estimators",
        "learning_rate",
        "num_leaves",
        "max_depth",
        "min_child_samples",
        "subsample",
        "subsample_freq",
        "colsample_bytree",
        "reg_lambda",
        "reg_alpha",
        "min_split_gain",
    ),
}


def _check_share(source: str, key: str, value: float) -> None:
    if not 0 < value < 1:
        raise ConfigError(source, key, f"{value!r} must lie strictly between 0 and 1")


def _tuples(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}


def experiment_spec(raw: dict[str, Any], source: str = "<experiment>") -> ExperimentSpec:
    """A validated :class:`ExperimentSpec` from a parsed TOML table."""
    _check_keys(ExperimentSpec, raw, source)
    for key in ("name", "target", "level"):
        if key not in raw:
            raise ConfigError(source, key, "is required")
    spec = ExperimentSpec(**_tuples(raw))
    _check_options(source, "target", (spec.target,), TARGETS)
    _check_options(source, "level", (spec.level,), LEVELS)
    _check_options(source, "candidates", spec.candidates, CANDIDATE_KINDS)
    _check_options(source, "baselines", spec.baselines, MODEL_KINDS)
    _check_options(source, "selection_metric", (spec.selection_metric,), SELECTION_METRICS)
    _check_share(source, "top_share", spec.top_share)
    for kind, allowed in HYPERPARAMETERS.items():
        for key in spec.params_for(kind):
            if key not in allowed:
                raise ConfigError(
                    source, f"{kind}.{key}", f"unknown hyper-parameter; allowed: {', '.join(allowed)}"
                )
    if not spec.candidates:
        raise ConfigError(source, "candidates", "at least one candidate model is needed")
    if spec.budget < 1:
        raise ConfigError(source, "budget", f"{spec.budget!r} must be a positive number of places")
    return spec


def fairness_limits(raw: dict[str, Any], source: str = "<fairness>") -> FairnessLimits:
    """Validated :class:`FairnessLimits` from a parsed TOML table."""
    _check_keys(FairnessLimits, raw, source)
    limits = FairnessLimits(**_tuples(raw))
    _check_options(source, "gated_groupings", limits.gated_groupings, GROUPINGS)
    _check_options(source, "mitigation_grouping", (limits.mitigation_grouping,), GROUPINGS)
    _check_share(source, "confidence", limits.confidence)
    _check_share(source, "top_share", limits.top_share)
    if limits.min_group_size < 2 or limits.n_boot < 10:
        raise ConfigError(source, "min_group_size/n_boot", "min_group_size ≥ 2 and n_boot ≥ 10 are needed")
    return limits
