"""A rerun on unchanged data, code and settings reuses what it made; anything changed trains again."""

from __future__ import annotations

import dataclasses
import json
import shutil
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
    """Generated data are fingerprinted from their manifest; an edit after generation still
    counts, and so does the truth the early-warning evaluation reads from a subfolder."""
    (tmp_path / "a.csv").write_text("x;y\n1;2\n", encoding="utf-8")
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "rise.csv").write_text("place_id\n1\n", encoding="utf-8")
    before = folder_digest(tmp_path)
    assert folder_digest(tmp_path) == before
    (tmp_path / "a.csv").write_text("x;y\n1;3\n", encoding="utf-8")
    edited = folder_digest(tmp_path)
    assert edited != before
    (tmp_path / "truth" / "rise.csv").unlink()
    assert folder_digest(tmp_path) != edited


def _stored(tmp_path: Path, key: str) -> Path:
    """A complete bundle v3 of SPEC on disk, and its ``rerun.json``."""
    from models.bundle import REPORT_FILES, TABLES

    bundle = tmp_path / SPEC.registered_name / "v3"
    bundle.mkdir(parents=True)
    (bundle / "meta.json").write_text("{}", encoding="utf-8")
    for table in TABLES:
        pd.DataFrame({"x": [1]}).to_parquet(bundle / f"{table}.parquet")
    for report in REPORT_FILES.values():
        (bundle / report).write_text("<html></html>", encoding="utf-8")
    pd.DataFrame({"model": ["logistic"], "average_precision": [0.8]}).to_parquet(
        bundle / "comparison.parquet"
    )
    remember(
        tmp_path,
        key,
        {
            "registered_name": SPEC.registered_name,
            "version": "3",
            "run_id": "r",
            "promoted": True,
            "promotion_message": "promoted",
            "candidate_row": "logistic",
            "early_warning": [{"experiment": SPEC.name, "model": "detector"}],
            "emerging": {},
        },
    )
    return bundle


def _edit(tmp_path: Path, **changes: object) -> None:
    path = tmp_path / SPEC.registered_name / RERUN_FILE
    stored = json.loads(path.read_text(encoding="utf-8"))
    for field, value in changes.items():
        if value is None:
            stored.pop(field)
        else:
            stored[field] = value
    path.write_text(json.dumps(stored), encoding="utf-8")


def test_reused_only_when_file_registry_and_bundle_agree(tmp_path: Path) -> None:
    key = run_key(SPEC, ORIGIN, FairnessLimits())
    bundle = _stored(tmp_path, key)
    registry = {(SPEC.registered_name, "3"): (key, "3")}

    def says(name: str, version: str) -> tuple[str | None, str | None]:
        return registry.get((name, version), (None, None))

    stored = recall(tmp_path, SPEC, key, says)
    assert stored is not None and stored["version"] == "3" and stored["bundle"] == bundle
    assert stored["promoted"] is True
    assert stored["comparison"].loc["logistic", "average_precision"] == 0.8

    assert recall(tmp_path, SPEC, "another-key", says) is None  # data, code or settings changed
    registry[(SPEC.registered_name, "3")] = ("edited", "3")
    assert recall(tmp_path, SPEC, key, says) is None  # rerun.json edited to match: registry disagrees
    registry[(SPEC.registered_name, "3")] = (key, "1")
    assert recall(tmp_path, SPEC, key, says)["promoted"] is False  # champion moved: the registry says so
    registry[(SPEC.registered_name, "3")] = (key, "3")
    (bundle / "scores.parquet").unlink()
    assert recall(tmp_path, SPEC, key, says) is None  # a table of the bundle gone


def test_a_tampered_or_damaged_rerun_file_means_train_again(tmp_path: Path) -> None:
    key = run_key(SPEC, ORIGIN, FairnessLimits())
    _stored(tmp_path, key)

    def says(_name: str, _version: str) -> tuple[str, str]:
        return key, "3"

    _edit(tmp_path, promoted=False, promotion_message="TAMPERED")
    assert recall(tmp_path, SPEC, key, says)["promoted"] is True  # the registry, not the file
    for change in ({"candidate_row": None}, {"early_warning": "xyz"}, {"candidate_row": "nonsense"}):
        again = tmp_path / "again"
        _stored(again, key)
        _edit(again, **change)
        assert recall(again, SPEC, key, says) is None, change
        shutil.rmtree(again)
    (tmp_path / SPEC.registered_name / RERUN_FILE).write_text("{not json", encoding="utf-8")
    assert recall(tmp_path, SPEC, key, says) is None


def test_settings_that_change_a_result_change_the_key(monkeypatch) -> None:
    key = run_key(SPEC, ORIGIN, FairnessLimits())
    monkeypatch.setenv("KANSENRADAR_WORKERS", "1")  # how, not what: same key
    assert run_key(SPEC, ORIGIN, FairnessLimits()) == key
    monkeypatch.setenv("KANSENRADAR_LAST_SCHOOL_YEAR", "2021")
    assert run_key(SPEC, ORIGIN, FairnessLimits()) != key


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
