"""The emerging signal in the main job: bundle tables, registered and gated detector, compare --json."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from app.cli import app
from experiments.emerging_eval import COMPARE_KEYS
from models.bundle import EMERGING_TABLES, read_bundle


def test_each_experiment_bundles_the_emerging_signal_with_its_registered_detector(pipeline_run) -> None:
    from models.registry import client

    for outcome in pipeline_run["outcomes"]:
        bundle = read_bundle(outcome.bundle)
        assert bundle.has_emerging
        for name in EMERGING_TABLES:
            assert len(bundle.table(name)) > 0, name
        meta = bundle.emerging_meta()
        assert meta["name"].startswith("kansenradar-emerging-")
        assert meta["first_alarm_year"] == 2017
        version = client().get_model_version(meta["name"], meta["version"])
        assert version.tags["fairness_gate"] in ("allowed", "refused")  # gated on alarm rates, no truth
        assert meta["promoted"] == (version.tags["fairness_gate"] == "allowed")
        shown = bundle.emerging()
        small = shown[shown["suppressed"]]
        assert small["expected_rate"].isna().all() and small["rate"].isna().all()
        raw = bundle.table("emerging")
        few = raw[raw["n_pupils"] < 10]
        below = set(zip(few["place_id"], few["school_year"], strict=True))
        hidden = set(zip(small["place_id"], small["school_year"], strict=True))
        assert below <= hidden  # the threshold rule, plus secondary suppression
        if outcome.config.level == "school":
            assert len(small) > 0
        audit = bundle.table("emerging_audit")
        assert set(audit["metric"]) == {"alarm_rate"}


def test_detector_version_answers_for_a_place_and_year(pipeline_run) -> None:
    import mlflow
    import pandas as pd

    from models.registry import client

    meta = read_bundle(pipeline_run["outcomes"][0].bundle).emerging_meta()
    client()
    model = mlflow.pyfunc.load_model(f"models:/{meta['name']}/{meta['version']}")
    emerging = read_bundle(pipeline_run["outcomes"][0].bundle).table("emerging")
    big = emerging[(emerging["school_year"] == 2023) & (emerging["n_pupils"] >= 10)].iloc[0]
    answer = model.predict(pd.DataFrame({"place_id": [big["place_id"], "nope"], "school_year": [2023, 2023]}))
    assert answer["state"].tolist() == [big["state"], "unknown"]
    assert answer["emerging_score"].iloc[0] == big["emerging_score"]


def test_compare_json_prints_one_object_per_experiment_signal_and_method(pipeline_run) -> None:
    result = CliRunner().invoke(app, ["compare", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert all(set(COMPARE_KEYS) <= set(r) for r in rows)
    experiments = {o.config.name for o in pipeline_run["outcomes"]}
    assert {r["experiment"] for r in rows} == experiments
    for name in experiments:
        mine = [r for r in rows if r["experiment"] == name]
        assert [r["model"] for r in mine if r["signal"] == "emerging"] == ["detector"]
        assert {"persistence", "lightgbm", "logistic"} <= {
            r["model"] for r in mine if r["signal"] == "elevated"
        }
    detector = next(
        r for r in rows if r["experiment"] == "under_advice_gemeente" and r["model"] == "detector"
    )
    assert detector["average_precision"] is None  # does not apply to the emerging signal
    assert 0 < detector["false_alarm_rate"] < 0.1 and detector["planted_recall_2y"] >= 0.9
    assert 0 < detector["oracle_recall_2y"] <= 1  # the limit, at the detector's false-alarm rate
    assert detector["n_not_scored"] is not None
