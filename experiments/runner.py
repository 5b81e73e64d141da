"""Run the experiments: features → train + baselines → MLflow → audit → gate → score → bundle.

This is the main job behind ``kansenradar run`` (and ``make run``). Each experiment config
(``experiments/configs/*.toml``) gives one registered model version; its fairness gate decides
whether it becomes ``champion``. Everything the app shows is written to a *bundle* per model
version under ``outputs/`` so pages never recompute a model.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.config import ExperimentConfig, load_configs
from features.catalog import DEFAULT_DATA_DIR, REPO_ROOT, Sources, load_sources
from features.indicators import compute_features
from features.panel import PLACE_ATTRIBUTES, build_panels
from features.targets import add_targets


def output_root() -> Path:
    """Where bundles go: ``KANSENRADAR_OUTPUT_DIR`` or ``outputs/`` in the repository."""
    return Path(os.environ.get("KANSENRADAR_OUTPUT_DIR", REPO_ROOT / "outputs"))


TRUTH_FILE = Path("truth") / "ground_truth.csv"
HISTORY_COLUMNS = (
    "place_id",
    "school_year",
    "n_pupils",
    "n_events",
    "rate",
    "shrunk_rate",
    "rate_lower",
    "rate_upper",
    "national_rate",
    "elevated",
    *PLACE_ATTRIBUTES,
)


def place_attributes(panel: pd.DataFrame) -> pd.DataFrame:
    """The :data:`PLACE_ATTRIBUTES` a panel has, one row per place-year."""
    return panel[[c for c in ("place_id", "school_year", *PLACE_ATTRIBUTES) if c in panel]]


def load_planted(data_dir: Path, target: str, level: str) -> dict[int, set[str]] | None:
    """Planted hot spots active in each year — only for evaluation on the embedded data.

    The feature pipeline and models never read this file; it exists only for data generated
    by :mod:`features.synthetic`.
    """
    path = data_dir / TRUTH_FILE
    if not path.is_file():
        return None
    truth = pd.read_csv(path, dtype={"place_id": str})
    t = truth[(truth["target"] == target) & (truth["level"] == level)]
    if t.empty:
        return None
    return {y: set(t.loc[t["onset_year"] <= y, "place_id"]) for y in range(2010, 2031)}


def data_note(data_dir: Path) -> str:
    if (data_dir / TRUTH_FILE).is_file():
        return (
            "Embedded default: <b>semi-synthetic on a real skeleton</b>. Schools, gemeenten, "
            "their CBS context, achterstandsscores and the 2014-15 VSV level per VO school are "
            "real public data; pupils, advices, test results, revisions and early school "
            "leaving per year 2014-15 … 2024-25 are simulated (features/synthetic), calibrated "
            "to published national figures, with planted emerging hot spots to check the "
            "models find them."
        )
    return f"User-supplied DUO/CBS files from {data_dir}."


@dataclass
class ExperimentOutcome:
    config: ExperimentConfig
    comparison: pd.DataFrame
    version: str
    run_id: str
    promoted: bool
    promotion_message: str
    bundle: Path
    seconds: dict[str, float] = field(default_factory=dict)
    candidate_row: str = ""  # row of ``comparison`` that belongs to the registered model


def build_features(sources: Sources) -> dict[tuple[str, str], tuple[pd.DataFrame, pd.DataFrame]]:
    """``(panel with targets, features)`` per (target, level)."""
    out = {}
    for key, panel in build_panels(sources).items():
        with_targets = add_targets(panel)
        out[key] = (with_targets, compute_features(with_targets, *key))
    return out


def run_experiment(
    config: ExperimentConfig,
    panel: pd.DataFrame,
    features: pd.DataFrame,
    data_dir: Path,
    *,
    force: bool = False,
    force_reason: str | None = None,
    output_dir: Path | None = None,
) -> ExperimentOutcome:
    """Train, log, audit, gate and bundle one experiment.

    If the fairness gate refuses the candidate, the candidate is retrained with reweighing by
    the gated groupings (a second registered version) and audited again; every refusal stays
    on record in MLflow.
    """
    from models.groups import joint_group
    from models.registry import log_experiment
    from models.train import comparison_table, train_experiment, train_reweighed_candidate

    output_dir = output_dir or output_root()
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    planted = load_planted(data_dir, config.target, config.level)
    results, chosen = train_experiment(features, config, planted)
    seconds["train"] = time.perf_counter() - t0
    comparison = comparison_table(results)
    t0 = time.perf_counter()
    logged = log_experiment(config, results, features, chosen)
    seconds["mlflow"] = time.perf_counter() - t0
    outcome = _audit_score_promote(
        config,
        results[chosen],
        logged,
        comparison,
        panel,
        features,
        data_dir,
        "none",
        force,
        force_reason,
        output_dir,
        seconds,
    )
    outcome.candidate_row = chosen
    if outcome.promoted:
        return outcome
    from models.audit import load_thresholds

    t0 = time.perf_counter()
    groups = joint_group(features, load_thresholds().gated_groupings)
    mitigated = train_reweighed_candidate(features, config, chosen, groups, planted)
    comparison = pd.concat([comparison, comparison_table({f"{chosen}+reweighing": mitigated})])
    logged = log_experiment(config, {chosen: mitigated}, features, chosen, mitigation="reweighing")
    seconds["mitigated_retrain"] = time.perf_counter() - t0
    outcome = _audit_score_promote(
        config,
        mitigated,
        logged,
        comparison,
        panel,
        features,
        data_dir,
        "reweighing",
        force,
        force_reason,
        output_dir,
        seconds,
    )
    outcome.candidate_row = f"{chosen}+reweighing"
    if outcome.promoted:
        return outcome
    # last resort before giving up: the same model, flags drawn per kind of place (recall parity)
    from models.train import with_group_thresholds

    places = features[["place_id", "school_year", "urbanity", "pct_non_western", "pct_low_income"]]
    parity = with_group_thresholds(mitigated, places, load_thresholds().gated_groupings)
    logged = log_experiment(
        config, {chosen: parity}, features, chosen, mitigation="reweighing+group_thresholds"
    )
    outcome = _audit_score_promote(
        config,
        parity,
        logged,
        comparison,
        panel,
        features,
        data_dir,
        "reweighing+group_thresholds",
        force,
        force_reason,
        output_dir,
        seconds,
    )
    outcome.candidate_row = f"{chosen}+reweighing"  # same model and scores, other thresholds
    return outcome


def _audit_score_promote(
    config: ExperimentConfig,
    candidate: object,
    logged: object,
    comparison: pd.DataFrame,
    panel: pd.DataFrame,
    features: pd.DataFrame,
    data_dir: Path,
    mitigation_used: str,
    force: bool,
    force_reason: str | None,
    output_dir: Path,
    seconds: dict[str, float],
) -> ExperimentOutcome:
    from models.audit import audit_predictions, gate, load_thresholds
    from models.mitigation import compare_mitigations
    from models.registry import client, promote
    from models.report import render_report
    from models.scoring import score_year

    t0 = time.perf_counter()
    places = place_attributes(panel)
    from models.train import row_thresholds

    oof = candidate.oof.merge(places, on=["place_id", "school_year"], how="left")
    thresholds = load_thresholds()
    audit = audit_predictions(oof, row_thresholds(candidate, oof), thresholds)
    decision = gate(audit)
    mitigation = compare_mitigations(candidate, features, places, config, thresholds.mitigation_grouping)
    seconds["audit"] = time.perf_counter() - t0

    report = render_report(
        name=logged.name,
        version=logged.version,
        run_id=logged.run_id,
        target=config.target,
        level=config.level,
        comparison=comparison,
        fold_metrics=candidate.fold_metrics,
        audit=audit,
        decision=decision,
        mitigation=mitigation,
        calibration_method=candidate.calibrator.method,
        threshold=candidate.threshold,
        features=candidate.features,
        data_note=data_note(data_dir),
    )

    t0 = time.perf_counter()
    latest = int(features["school_year"].max())
    scores, contributions = score_year(logged.model, features, panel, latest)
    seconds["score"] = time.perf_counter() - t0

    bundle = output_dir / logged.name / f"v{logged.version}"
    bundle.mkdir(parents=True, exist_ok=True)
    (bundle / "report.html").write_text(report, encoding="utf-8")
    scores.to_parquet(bundle / "scores.parquet")
    contributions.to_parquet(bundle / "contributions.parquet")
    features[features["school_year"] == latest].to_parquet(bundle / "features_latest.parquet")
    panel[[c for c in HISTORY_COLUMNS if c in panel]].to_parquet(bundle / "history.parquet")
    audit.table.to_parquet(bundle / "audit.parquet")
    audit.groups.to_parquet(bundle / "audit_groups.parquet")
    mitigation.to_csv(bundle / "mitigation.csv", index=False)
    comparison.to_csv(bundle / "comparison.csv")
    candidate.fold_metrics.to_csv(bundle / "fold_metrics.csv", index=False)

    mlflow_client = client()
    mlflow_client.log_artifact(logged.run_id, str(bundle / "report.html"), "audit")
    mlflow_client.log_artifact(logged.run_id, str(bundle / "mitigation.csv"), "audit")
    mlflow_client.log_artifact(logged.run_id, str(bundle / "comparison.csv"), "evaluation")
    mlflow_client.log_metric(logged.run_id, "gate_allowed", float(decision.allowed))
    mlflow_client.log_metric(logged.run_id, "gate_n_reasons", float(len(decision.reasons)))

    promotion = promote(
        logged.name, logged.version, decision, force=force, reason=force_reason, actor="kansenradar run"
    )
    meta = {
        "name": logged.name,
        "version": logged.version,
        "run_id": logged.run_id,
        "target": config.target,
        "level": config.level,
        "feature_year": latest,
        "model_kind": candidate.kind,
        "threshold": candidate.threshold,
        "calibration": candidate.calibrator.method,
        "features": candidate.features,
        "mitigation": mitigation_used,
        "gate_allowed": decision.allowed,
        "gate_summary": decision.summary,
        "gate_reasons": list(decision.reasons),
        "promoted": promotion.promoted,
        "promotion_message": promotion.message,
        "data_dir": str(data_dir),
        "seconds": seconds,
    }
    (bundle / "meta.json").write_text(json.dumps(meta, indent=1, default=str))
    return ExperimentOutcome(
        config,
        comparison,
        logged.version,
        logged.run_id,
        promotion.promoted,
        promotion.message,
        bundle,
        dict(seconds),
    )


def run_all(
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    configs: list[ExperimentConfig] | None = None,
    force: bool = False,
    force_reason: str | None = None,
    progress: Callable[[str], None] | None = None,
    output_dir: Path | None = None,
) -> list[ExperimentOutcome]:
    """Read the data folder, build features, run every experiment; write ``outputs/``."""
    say = progress or (lambda _msg: None)
    output_dir = output_dir or output_root()
    say("reading sources")
    sources = load_sources(data_dir)
    say("building panels and features")
    built = build_features(sources)
    outcomes = []
    for config in configs or load_configs():
        say(f"experiment {config.name}")
        panel, features = built[(config.target, config.level)]
        outcomes.append(
            run_experiment(
                config,
                panel,
                features,
                data_dir,
                force=force,
                force_reason=force_reason,
                output_dir=output_dir,
            )
        )
    output_dir.mkdir(parents=True, exist_ok=True)
    if sources.geojson is not None:
        (output_dir / "gemeenten.geojson").write_text(json.dumps(sources.geojson))
    table = pd.concat({o.config.name: o.comparison for o in outcomes}, names=["experiment", "model"])
    table.to_csv(output_dir / "comparison.csv")
    return outcomes
