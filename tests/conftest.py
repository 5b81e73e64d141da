"""Shared fixtures: real samples from ../shared/data, one generated national data set, and one
real pipeline run (SQLite MLflow store and bundles in a temporary folder) for app/API tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SKELETON = REPO / "data" / "skeleton"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real published samples; absent in a user's fresh clone."""
    if not (SHARED_DATA / "MANIFEST.md").is_file():
        pytest.skip("../shared/data is not present (only in the development workspace)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded national default, generated once per test session (~5 s)."""
    from features.synthetic import generate

    out = tmp_path_factory.mktemp("generated")
    generate(out, seed=20241)
    return out


@pytest.fixture(scope="session")
def sources(generated: Path):
    from features.catalog import load_sources

    return load_sources(generated)


@pytest.fixture(scope="session")
def built(sources):
    from experiments.runner import build_features

    return build_features(sources)


PIPELINE_EXPERIMENTS = ("under_advice_gemeente", "under_advice_school", "dropout_gemeente")


@pytest.fixture(scope="session")
def pipeline_run(generated: Path, tmp_path_factory: pytest.TempPathFactory):
    """A real run of the main job on the generated data, into a temporary MLflow store."""
    from experiments.config import load_configs
    from experiments.runner import run_all

    root = tmp_path_factory.mktemp("pipeline")
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{root / 'mlflow.db'}"
    os.environ["KANSENRADAR_OUTPUT_DIR"] = str(root / "outputs")
    configs = [c for c in load_configs() if c.name in PIPELINE_EXPERIMENTS]
    outcomes = run_all(generated, configs=configs)
    return {"root": root, "outputs": root / "outputs", "outcomes": outcomes, "data_dir": generated}
