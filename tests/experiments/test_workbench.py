"""A fairness researcher's workbench (issue 23): the audit dataset, the API, the CLI, the notebook.

All on the trained national world the suite shares (``tests/conftest.py``): the tiny fixture
world has no group of 15 places, so an audit there is empty and proves nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from app.cli import app
from experiments import api
from models.bundle import read_bundle

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "docs" / "audit_workbench.ipynb"
TARGET, LEVEL = "under_advice", "school"
POINT = ["value", "difference", "ratio", "n_places", "n_positive_places"]
KEY = ["grouping", "group", "metric"]

runner = CliRunner()


def _school(pipeline_run: dict):
    """The school experiment's last registered version (champion or not) and its bundle."""
    outcome = next(o for o in pipeline_run["outcomes"] if o.config.name == "under_advice_school")
    return outcome.version, read_bundle(outcome.bundle)


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    a, b = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
    return (a == b) | (np.isnan(a) & np.isnan(b))


def test_the_audit_dataset_reproduces_the_versions_audit_with_its_intervals(pipeline_run) -> None:
    """The published rows, audited again through the API, give the bundle's audit table exactly:
    point estimates, bootstrap intervals and the gate's verdict per comparison."""
    version, bundle = _school(pipeline_run)
    rows = api.audit_rows(target=TARGET, level=LEVEL, version=version)
    sizes = bundle.table("audit_groups")
    urban = sizes[sizes["grouping"] == "urbanity"]
    assert len(rows) == urban["n_rows"].sum() > 1000  # every audited row, none of the others
    assert urban["n_not_served"].sum() + urban["n_outcome_hidden"].sum() > 0  # counted, not listed
    assert {"fold", "outcome_year", "cut_migration_low", "cut_income_high", "limit_top_share"} <= set(rows)
    again = api.audit(predictions=rows)
    theirs = bundle.table("audit")
    assert len(theirs) > 50
    merged = theirs.merge(again.table, on=KEY, suffixes=("", "_again"), validate="one_to_one")
    assert len(merged) == len(theirs) == len(again.table)
    for column in [*POINT, "ci_low", "ci_high", "diff_low", "diff_high"]:
        assert _same(merged[column], merged[f"{column}_again"]).all(), column
    assert (merged["exceeds"] == merged["exceeds_again"]).all()


def test_the_audit_dataset_is_an_mlflow_artifact_of_the_versions_run(pipeline_run) -> None:
    import mlflow

    _, bundle = _school(pipeline_run)
    path = mlflow.artifacts.download_artifacts(
        run_id=bundle.meta.run_id, artifact_path="audit/audit_rows.parquet"
    )
    pd.testing.assert_frame_equal(pd.read_parquet(path), bundle.table("audit_rows"))


def test_the_notebook_recomputes_the_audit_from_the_export_alone(pipeline_run, tmp_path, monkeypatch) -> None:
    """`kansenradar audit --export` writes the file; the notebook, with fairlearn and pandas only,
    recomputes every point estimate of the version's audit.parquet to the last digit."""
    import nbformat
    from nbclient import NotebookClient

    version, bundle = _school(pipeline_run)
    export = tmp_path / "rows.csv"
    result = runner.invoke(
        app, ["audit", "-t", TARGET, "-l", LEVEL, "--version", version, "--export", str(export)]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rows.not_audited.csv").is_file()
    out = tmp_path / "notebook"
    out.mkdir()
    monkeypatch.setenv("KANSENRADAR_AUDIT_EXPORT", str(export))
    monkeypatch.setenv("KANSENRADAR_AUDIT_TABLE", str(bundle.path / "audit.parquet"))
    monkeypatch.setenv("KANSENRADAR_WORKBENCH_OUT", str(out))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}
    ).execute()
    mine = pd.read_parquet(out / "recomputed_audit.parquet")
    theirs = bundle.table("audit")
    merged = theirs.merge(mine, on=KEY, how="outer", suffixes=("", "_mine"), indicator=True)
    assert (merged["_merge"] == "both").all() and len(merged) > 50
    for column in POINT:
        assert _same(merged[column], merged[f"{column}_mine"]).all(), column
    assert (out / "reliability.png").stat().st_size > 1000
    printed = "".join(
        o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    assert "reproduced exactly" in printed


def test_audit_on_a_researchers_own_groups_from_the_command_line(pipeline_run, tmp_path) -> None:
    version, _ = _school(pipeline_run)
    rows = api.audit_rows(target=TARGET, level=LEVEL, version=version)
    groups = rows[["place_id", "rmc_name"]].drop_duplicates("place_id").rename(columns={"rmc_name": "region"})
    groups.to_csv(tmp_path / "regions.csv", index=False)
    result = runner.invoke(
        app,
        [
            *("audit", "-t", TARGET, "-l", LEVEL, "--version", version),
            *("--groups", str(tmp_path / "regions.csv"), "--out", str(tmp_path / "out")),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "out" / "audit.csv")
    assert set(table["grouping"]) == {"region"}
    assert table["group"].nunique() >= 2 and set(table["group"]) <= set(groups["region"])
    expected = api.audit(predictions=rows, groupings="rmc_name").table
    assert np.allclose(
        table.sort_values(["group", "metric"])["value"],
        expected.sort_values(["group", "metric"])["value"],
        equal_nan=True,
    )


def test_a_grouping_is_a_column_a_mapping_or_a_csv_and_they_agree(pipeline_run, tmp_path) -> None:
    version, _ = _school(pipeline_run)
    rows = api.audit_rows(target=TARGET, level=LEVEL, version=version)
    mapping = dict(zip(rows["place_id"], rows["rmc_name"], strict=False))
    pd.DataFrame({"place_id": list(mapping), "group": list(mapping.values())}).to_csv(
        tmp_path / "g.csv", index=False
    )
    by_column = api.audit(predictions=rows, groupings="rmc_name").table.drop(columns="grouping")
    by_mapping = api.audit(predictions=rows, groupings=mapping).table.drop(columns="grouping")
    by_csv = api.audit(predictions=rows, groupings=tmp_path / "g.csv").table.drop(columns="grouping")
    assert len(by_column) > 0
    pd.testing.assert_frame_equal(by_column, by_mapping)
    pd.testing.assert_frame_equal(by_column, by_csv)
    with pytest.raises(ValueError, match="no_such_column"):
        api.audit(predictions=rows, groupings="no_such_column")


def test_published_feature_rows_score_as_published_and_hidden_ones_say_why(pipeline_run) -> None:
    version, bundle = _school(pipeline_run)
    loaded = api.load_version(target=TARGET, level=LEVEL, version=version)
    scored = api.score_rows(target=TARGET, level=LEVEL, loaded=loaded)
    published = bundle.scores().set_index("place_id")
    ok = scored[scored["scored"]].set_index("place_id")
    assert len(ok) > 1000
    assert np.array_equal(ok["risk"].to_numpy(), published.loc[ok.index, "risk"].to_numpy(dtype=float))
    assert (ok["flag"].astype(int).to_numpy() == published.loc[ok.index, "flag"].astype(int).to_numpy()).all()
    reasons = scored["not_scored"].value_counts()
    assert reasons.get(api.NOT_SCORED_HIDDEN_VALUES, 0) > 0 and reasons.get(api.NOT_SCORED_HIDDEN_ROW, 0) > 0
    named = scored.loc[scored["not_scored"] == api.NOT_SCORED_HIDDEN_VALUES, "hidden_values"]
    assert named.map(lambda s: bool(s) and set(s.split(",")) <= set(loaded.model.features)).all()
    assert scored.loc[~scored["scored"], "risk"].isna().all()


def test_a_copied_store_loads_and_scores_in_another_folder(pipeline_run, tmp_path, monkeypatch) -> None:
    """Copy mlflow.db, the artifacts and the bundles elsewhere; with the original artifact folder
    gone (as on another machine) the copy alone must load a version and score."""
    root = pipeline_run["root"]
    copy = tmp_path / "elsewhere"
    copy.mkdir()
    shutil.copy2(root / "mlflow.db", copy / "mlflow.db")
    shutil.copytree(root / "mlartifacts", copy / "mlartifacts")
    shutil.copytree(root / "outputs", copy / "outputs")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{copy / 'mlflow.db'}")
    monkeypatch.setenv("KANSENRADAR_OUTPUT_DIR", str(copy / "outputs"))
    away = root / "mlartifacts.away"
    (root / "mlartifacts").rename(away)
    try:
        loaded = api.load_version(target=TARGET, level=LEVEL, version=_school(pipeline_run)[0])
        scored = api.score_rows(target=TARGET, level=LEVEL, loaded=loaded)
    finally:
        away.rename(root / "mlartifacts")
    assert scored["scored"].sum() > 1000
    assert json.loads(json.dumps(loaded.version)) == _school(pipeline_run)[0]
