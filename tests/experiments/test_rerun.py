"""A rerun on unchanged data, code and settings reuses what it made; anything changed trains again."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd

from experiments.rerun import RERUN_FILE, folder_digest, recall, remember, run_key
from features.provenance import DataOrigin
from models.spec import ExperimentSpec, FairnessLimits

SPEC = ExperimentSpec(name="under_advice_gemeente", target="under_advice", level="gemeente")
ORIGIN = DataOrigin(True, "simulated", "abc123abc123")


def test_the_key_follows_data_spec_and_limits() -> None:
    key = run_key(SPEC, ORIGIN, FairnessLimits())
    assert key == run_key(SPEC, ORIGIN, FairnessLimits())
    assert key != run_key(SPEC, dataclasses.replace(ORIGIN, fingerprint="ffffffffffff"), FairnessLimits())
    assert key != run_key(dataclasses.replace(SPEC, seed=1), ORIGIN, FairnessLimits())
    assert key != run_key(SPEC, ORIGIN, dataclasses.replace(FairnessLimits(), min_group_size=20))
    assert key != run_key(SPEC, ORIGIN, FairnessLimits(), data_bytes="edited")


def test_an_edited_data_file_changes_the_folder_digest(tmp_path: Path) -> None:
    """Generated data are fingerprinted from their manifest; an edit after generation still counts."""
    (tmp_path / "a.csv").write_text("x;y\n1;2\n", encoding="utf-8")
    before = folder_digest(tmp_path)
    assert folder_digest(tmp_path) == before
    (tmp_path / "a.csv").write_text("x;y\n1;3\n", encoding="utf-8")
    assert folder_digest(tmp_path) != before


def _stored(tmp_path: Path, key: str) -> Path:
    bundle = tmp_path / SPEC.registered_name / "v3"
    bundle.mkdir(parents=True)
    (bundle / "meta.json").write_text("{}", encoding="utf-8")
    pd.DataFrame({"model": ["logistic"], "average_precision": [0.8]}).to_parquet(
        bundle / "comparison.parquet"
    )
    remember(
        tmp_path,
        key,
        {"registered_name": SPEC.registered_name, "version": "3", "run_id": "r", "promoted": True},
    )
    return bundle


def test_reused_only_when_file_registry_and_bundle_agree(tmp_path: Path) -> None:
    key = run_key(SPEC, ORIGIN, FairnessLimits())
    bundle = _stored(tmp_path, key)
    registry = {(SPEC.registered_name, "3"): key}

    def tagged(name: str, version: str) -> str | None:
        return registry.get((name, version))

    stored = recall(tmp_path, SPEC, key, tagged)
    assert stored is not None and stored["version"] == "3" and stored["bundle"] == bundle
    assert stored["comparison"].loc["logistic", "average_precision"] == 0.8

    assert recall(tmp_path, SPEC, "another-key", tagged) is None  # data, code or settings changed
    registry[(SPEC.registered_name, "3")] = "edited"
    assert recall(tmp_path, SPEC, key, tagged) is None  # rerun.json edited to match: registry disagrees
    registry[(SPEC.registered_name, "3")] = key
    (bundle / "comparison.parquet").unlink()
    assert recall(tmp_path, SPEC, key, tagged) is None  # bundle gone


def test_a_broken_rerun_file_means_train_again(tmp_path: Path) -> None:
    key = run_key(SPEC, ORIGIN, FairnessLimits())
    _stored(tmp_path, key)
    (tmp_path / SPEC.registered_name / RERUN_FILE).write_text("{not json", encoding="utf-8")
    assert recall(tmp_path, SPEC, key, lambda *_: key) is None


def test_a_real_rerun_registers_nothing_new(pipeline_run: dict) -> None:
    """The main job twice on the same folder: the second run reuses every version it made."""
    import mlflow

    from experiments.runner import run_all
    from features.paths import tracking_uri

    first = pipeline_run["outcomes"]
    client = mlflow.MlflowClient(tracking_uri=tracking_uri(), registry_uri=tracking_uri())
    versions_before = {
        o.config.registered_name: len(client.search_model_versions(f"name='{o.config.registered_name}'"))
        for o in first
    }
    again = run_all(pipeline_run["data_dir"], configs=[o.config for o in first])
    assert [o.reused for o in again] == [True] * len(first)
    assert [o.version for o in again] == [o.version for o in first]
    for o_first, o_again in zip(first, again, strict=True):
        pd.testing.assert_frame_equal(o_first.comparison, o_again.comparison, check_like=True)
        stored = json.loads((o_again.bundle.parent / RERUN_FILE).read_text(encoding="utf-8"))
        assert stored["version"] == o_first.version
    versions_after = {name: len(client.search_model_versions(f"name='{name}'")) for name in versions_before}
    assert versions_after == versions_before
