"""Shared fixtures: real samples from ../shared/data, one generated national data set, and one
real pipeline run (SQLite MLflow store and bundles in a temporary folder) for app/API tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SKELETON = REPO / "features" / "skeleton"


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
    from features.pipeline import build_features

    return build_features(sources)


PIPELINE_EXPERIMENTS = (
    "under_advice_gemeente",
    "under_advice_school",
    "dropout_gemeente",
    "under_advice_attainment_gemeente",
)


@pytest.fixture(scope="session")
def pipeline_result(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A real run of the main job on the generated data, into a temporary MLflow store.

    The environment is changed only while the run lasts; tests that read the store or the
    bundles ask for :func:`pipeline_run`, which points the environment there for one test.
    """
    from experiments.config import load_configs
    from experiments.runner import run_all

    root = tmp_path_factory.mktemp("pipeline")
    env = {
        "MLFLOW_TRACKING_URI": f"sqlite:///{root / 'mlflow.db'}",
        "KANSENRADAR_OUTPUT_DIR": str(root / "outputs"),
    }
    configs = [c for c in load_configs() if c.name in PIPELINE_EXPERIMENTS]
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        outcomes = run_all(generated, configs=configs)
    return {
        "root": root,
        "outputs": root / "outputs",
        "outcomes": outcomes,
        "data_dir": generated,
        "env": env,
    }


@pytest.fixture()
def pipeline_run(pipeline_result: dict, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The session's pipeline run, with the environment pointing at its store for this test."""
    for key, value in pipeline_result["env"].items():
        monkeypatch.setenv(key, value)
    return pipeline_result
