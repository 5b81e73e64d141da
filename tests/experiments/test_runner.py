"""The main job: bundles, report, MLflow runs, champions — and a second run repeats the metrics."""

from __future__ import annotations

import pandas as pd

from experiments.config import load_configs
from experiments.runner import run_all
from models.bundle import TABLES, read_bundle


def test_main_job_writes_bundles_and_sets_champions_only_through_the_gate(pipeline_run) -> None:
    import mlflow

    from models.registry import tracking_uri

    client = mlflow.MlflowClient(tracking_uri=tracking_uri(), registry_uri=tracking_uri())
    for outcome in pipeline_run["outcomes"]:
        bundle = read_bundle(outcome.bundle)
        meta = bundle.meta
        assert meta.promoted == meta.gate_allowed  # no override in the main job
        assert bundle.report_path("nl").is_file() and bundle.report_path("en").is_file()
        for name in TABLES:
            assert not bundle.table(name).empty or name == "audit", name
        versions = client.search_model_versions(f"name='{meta.name}'")
        gates = {v.version: v.tags.get("fairness_gate") for v in versions}
        assert set(gates.values()) <= {"allowed", "refused"}
        if outcome.promoted:
            champ = client.get_model_version_by_alias(meta.name, "champion")
            assert gates[champ.version] == "allowed"


def test_the_attainment_experiments_are_trained_and_audited_beside_the_others(pipeline_run) -> None:
    """Issue 21: the default world writes the 04-/05.-/10.- files, so `run` builds the
    attainment target and trains, audits and registers its experiment like the others."""
    outcomes = {o.config.name: o for o in pipeline_run["outcomes"]}
    assert {"under_advice_gemeente", "under_advice_attainment_gemeente"} <= set(outcomes)
    outcome = outcomes["under_advice_attainment_gemeente"]
    bundle = read_bundle(outcome.bundle)
    assert bundle.meta.target == "under_advice_attainment"
    assert not bundle.table("audit_groups").empty  # the fairness audit ran
    comparison = outcome.comparison
    assert {"persistence", "context_only"} <= set(comparison.index)
    assert comparison["roc_auc"].notna().all()
    assert outcome.emerging.get("name", "").startswith("kansenradar-emerging-under-advice-attainment")
    history = bundle.table("history")
    assert {"rate", "shrunk_rate", "elevated"} <= set(history.columns)


def test_report_reads_as_a_model_card(pipeline_run) -> None:
    dutch = (pipeline_run["outcomes"][0].bundle / "report.html").read_text()
    for section in ("Doel en beoogd gebruik", "signaleert plaatsen, nooit personen", "Menselijk toezicht"):
        assert section in dutch, section
    html = (pipeline_run["outcomes"][0].bundle / "report.en.html").read_text()
    for section in (
        "Purpose and intended use",
        "flags places, never persons",
        "Accuracy against baselines",
        "Fairness across kinds of places",
        "Mitigation compared",
        "Known limitations",
        "Human oversight",
        "Data governance",
        "Robustness",
        "<svg xmlns=",
    ):
        assert section in html, section


def test_candidate_is_compared_with_every_baseline_on_the_same_folds(pipeline_run) -> None:
    comp = pipeline_run["outcomes"][0].comparison
    assert {"persistence", "context_only", "logistic", "lightgbm"} <= set(comp.index)
    chosen = read_bundle(pipeline_run["outcomes"][0].bundle).meta.model_kind
    assert (
        comp.loc[chosen, "average_precision"] == comp.loc[["logistic", "lightgbm"], "average_precision"].max()
    )
    assert comp["n_places"].nunique() == 1  # the same held-out rows for all models


def test_a_sequential_run_repeats_the_parallel_runs_metrics_scores_and_champion(
    pipeline_run, tmp_path
) -> None:
    """The session's run trained three experiments in parallel processes; one experiment again,
    sequentially, must give the same metrics, the same scores and the same gate decision."""
    configs = [c for c in load_configs() if c.name == "dropout_gemeente"]
    again = run_all(pipeline_run["data_dir"], configs=configs, output_dir=tmp_path, workers=1)[0]
    assert not again.reused  # a new output folder: trained again, not taken from the first run
    first = next(o for o in pipeline_run["outcomes"] if o.config.name == "dropout_gemeente")
    pd.testing.assert_frame_equal(first.comparison, again.comparison)
    pd.testing.assert_frame_equal(
        read_bundle(first.bundle).table("scores"), read_bundle(again.bundle).table("scores")
    )
    assert (first.promoted, first.candidate_row) == (again.promoted, again.candidate_row)
