"""Configuration is validated like data: unknown keys and options name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.config import CONFIG_DIR, load_config, load_configs, load_fairness_limits
from models.spec import ConfigError, ExperimentSpec, FairnessLimits


def test_shipped_configs_load_and_give_parameters_per_kind() -> None:
    specs = load_configs()
    assert {(s.target, s.level) for s in specs} >= {("under_advice", "school"), ("dropout", "gemeente")}
    school = next(s for s in specs if s.name == "under_advice_school")
    assert school.params_for("lightgbm")["num_leaves"] == 15
    assert school.params_for("logistic") == {"C": 0.5}
    assert school.params_for("persistence") == {}
    assert isinstance(load_fairness_limits(), FairnessLimits)


def test_a_typo_in_the_fairness_file_is_an_error_not_a_default(tmp_path: Path) -> None:
    bad = tmp_path / "fairness.toml"
    bad.write_text("max_recal_difference = 0.5\n")
    with pytest.raises(ConfigError, match=r"fairness.toml: key 'max_recal_difference': unknown key"):
        load_fairness_limits(bad)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('candidates = ["lightgbm", "logistic"]', 'candidates = ["lightgbm", "xgboost"]', "candidates"),
        ('selection_metric = "average_precision"', 'selection_metric = "accuracy"', "selection_metric"),
        ("top_share = 0.10", "top_share = 1.5", "top_share"),
        ('level = "school"', 'level = "province"', "level"),
        ("learning_rate = 0.03", "learning_rat = 0.03", "lightgbm.learning_rat"),
        ("seed = 0", "seed = 0\nbudgett = 20", "budgett"),
    ],
)
def test_unknown_options_in_an_experiment_file_name_the_key(
    tmp_path: Path, old: str, new: str, key: str
) -> None:
    text = (CONFIG_DIR / "under_advice_school.toml").read_text(encoding="utf-8")
    assert old in text
    changed = tmp_path / "x.toml"
    changed.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigError, match=f"x.toml: key '{key}'"):
        load_config(changed)


def test_an_unknown_calibration_method_is_refused() -> None:
    from models.train import Calibrator

    with pytest.raises(ValueError, match="calibration method"):
        Calibrator("sigmoid")


def test_specs_are_plain_data() -> None:
    spec = ExperimentSpec(name="x", target="dropout", level="rmc")
    assert spec.registered_name == "kansenradar-dropout-rmc"
