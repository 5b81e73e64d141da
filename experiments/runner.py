"""The main job behind ``kansenradar run``: small steps, one experiment spec at a time.

    read sources → build features → train (all experiments, in parallel processes)
      → for each experiment, down the mitigation ladder until the gate allows a version:
          log to MLflow → audit → model card → bundle → promote

Training is CPU-bound and independent per experiment, so it runs in worker processes; MLflow
logging, auditing and promotion stay in this process, because a SQLite tracking store does not
like concurrent writers. Results are identical to a sequential run (a test checks this).

Each rung of the mitigation ladder (:data:`LADDER`) turns the previous candidate into a new one;
each one tried becomes a registered version, so every refusal stays on record in MLflow.
"""

from __future__ import annotations

import functools
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.config import load_configs, load_fairness_limits
from experiments.emerging_run import emerging_step
from experiments.rerun import RUN_KEY_TAG, folder_digest, recall, remember, run_key
from features.catalog import load_sources
from features.dryrun import trainable, years_error
from features.export import to_csv
from features.paths import default_data_dir, output_root
from features.pipeline import build_features, history_table, place_attributes
from features.provenance import DataOrigin, data_origin
from features.suppression import publishable_indicators, served_rows
from models.audit import Audit, GateDecision, audit_predictions, audit_rows_table, gate
from models.bundle import (
    REPORT_FILES,
    BundleMeta,
    version_history,
    with_hidden_values,
    write_boundaries,
    write_bundle,
    write_provenance,
)
from models.groups import joint_group
from models.lookback import lookback_table
from models.mitigation import compare_mitigations
from models.registry import (
    LoggedModel,
    client,
    data_fingerprint,
    log_experiment,
    model_requirements,
    promote,
    record_gate_decision,
)
from models.report import CardInput, Reproduction, render_reports
from models.scoring import explain_year, score_year
from models.spec import ExperimentSpec, FairnessLimits
from models.texts import gate_words
from models.train import (
    ModelResult,
    comparison_table,
    train_experiment,
    train_reweighed_candidate,
    with_group_thresholds,
)

EARLY_WARNING_FILE = "early_warning.csv"  # both signals × methods × experiments (compare --json)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ExperimentInput:
    """What one experiment needs besides its spec: the data, read once for all experiments."""

    panel: pd.DataFrame
    features: pd.DataFrame
    data_dir: Path
    origin: DataOrigin


@dataclass(frozen=True)
class RunSettings:
    """How the run treats the gate and where it writes."""

    limits: FairnessLimits
    output_dir: Path
    force: bool = False
    force_reason: str | None = None


@dataclass
class ExperimentOutcome:
    config: ExperimentSpec
    comparison: pd.DataFrame
    version: str
    run_id: str
    promoted: bool
    promotion_message: str
    bundle: Path
    seconds: dict[str, float] = field(default_factory=dict)
    candidate_row: str = ""  # row of ``comparison`` that belongs to the registered model
    early_warning: list[dict] = field(default_factory=list)  # both signals × methods (emerging_run)
    emerging: dict = field(default_factory=dict)  # the detector's registered version and gate
    reused: bool = False  # nothing changed since the run that made it (experiments.rerun)

    def remembered(self) -> dict:
        """What a rerun on unchanged inputs needs to report this outcome without training."""
        return {
            "registered_name": self.config.registered_name,
            "version": self.version,
            "run_id": self.run_id,
            "promoted": self.promoted,
            "promotion_message": self.promotion_message,
            "candidate_row": self.candidate_row,
            "early_warning": self.early_warning,
            "emerging": self.emerging,
        }


def _reused_outcome(spec: ExperimentSpec, stored: dict) -> ExperimentOutcome:
    name, version, champion = spec.registered_name, stored["version"], stored["champion"]
    if stored["promoted"]:
        message = f"{name} v{version} is the champion, unchanged: same data, code and settings"
    else:
        now = f"the champion is v{champion}" if champion else "there is no champion"
        message = f"{name} v{version} unchanged: same data, code and settings; {now} (registry)"
    return ExperimentOutcome(
        spec,
        stored["comparison"],
        version,
        stored["run_id"],
        stored["promoted"],
        message,
        stored["bundle"],
        candidate_row=str(stored["candidate_row"]),
        early_warning=list(stored.get("early_warning") or []),
        emerging=dict(stored.get("emerging") or {}),
        reused=True,
    )


def _registry_says(name: str, version: str) -> tuple[str | None, str | None]:
    """The run key tagged on a registered version and the champion's version (``None`` each when
    missing: no version, no tag, no champion, no store)."""
    mlflow_client = client()
    try:
        tagged = mlflow_client.get_model_version(name, version).tags.get(RUN_KEY_TAG)
    except Exception:  # a missing version or store means: train again
        return None, None
    try:
        champion = str(mlflow_client.get_model_version_by_alias(name, "champion").version)
    except Exception:  # no champion (every version refused)
        champion = None
    return tagged, champion


@dataclass(frozen=True)
class Rung:
    """One step of the mitigation ladder: a name and how it turns a candidate into the next."""

    name: str
    comparison_row: Callable[[str], str]
    make: Callable[[ExperimentSpec, ExperimentInput, ModelResult, FairnessLimits], ModelResult]


def _reweigh(
    spec: ExperimentSpec, data: ExperimentInput, cand: ModelResult, lim: FairnessLimits
) -> ModelResult:
    groups = joint_group(data.features, lim.gated_groupings)
    return train_reweighed_candidate(data.features, spec, cand.kind, groups)


def _group_thresholds(
    spec: ExperimentSpec, data: ExperimentInput, cand: ModelResult, lim: FairnessLimits
) -> ModelResult:
    # same model and scores, flags drawn per kind of place (recall parity)
    places = data.features[["place_id", "school_year", "urbanity", "pct_non_western", "pct_low_income"]]
    return with_group_thresholds(cand, places, lim.gated_groupings)


LADDER: tuple[Rung, ...] = (
    Rung("reweighing", lambda kind: f"{kind}+reweighing", _reweigh),
    Rung("reweighing+group_thresholds", lambda kind: f"{kind}+reweighing", _group_thresholds),
)


@dataclass
class Trained:
    """What a worker process hands back: every model kind on the folds, the selected candidate,
    every rung of the mitigation ladder built ahead (``ladder``: rung name → model, ``"none"`` the
    candidate itself; most first candidates meet the gate's limits only after reweighing, and
    training it in the worker costs no wall-clock time on a second core), and the mitigation
    trade-off table of exactly those models."""

    results: dict[str, ModelResult]
    chosen: str
    mitigation: pd.DataFrame
    ladder: dict[str, ModelResult]
    seconds: float
    audits: dict[str, tuple[Audit, GateDecision]] = field(default_factory=dict)
    """The fairness audit of the candidate ("none") and of the next rung, done in the worker."""


def train_step(spec: ExperimentSpec, data: ExperimentInput, limits: FairnessLimits) -> Trained:
    """Baselines, competitors and the mitigation ladder on the rolling-origin folds (in a worker)."""
    t0 = time.perf_counter()
    results, chosen = train_experiment(data.features, spec)
    ladder = {"none": results[chosen]}
    for rung in LADDER:  # each rung turns the previous candidate into the next
        ladder[rung.name] = rung.make(spec, data, list(ladder.values())[-1], limits)
    mitigation = compare_mitigations(ladder, place_attributes(data.panel), data.panel, limits)
    audits = {"none": audit_step(results[chosen], data, limits)}
    if not audits["none"][1].allowed:  # the ladder's next rung will need it
        audits[LADDER[0].name] = audit_step(ladder[LADDER[0].name], data, limits)
    return Trained(results, chosen, mitigation, ladder, time.perf_counter() - t0, audits)


def audit_step(
    candidate: ModelResult, data: ExperimentInput, limits: FairnessLimits
) -> tuple[Audit, GateDecision]:
    """The served policy audited by group on held-out rows, and the gate's decision.

    Held-out: cross-fitted risk and threshold per row (``candidate.oof``); served: only rows
    whose flag is shown and whose outcome may be published (:func:`models.audit.served_rows`).
    """
    oof = candidate.oof.merge(place_attributes(data.panel), on=["place_id", "school_year"], how="left")
    audit = audit_predictions(oof, oof["threshold"].to_numpy(), limits, served=served_rows(oof, data.panel))
    return audit, gate(audit)


def card_step(
    spec: ExperimentSpec,
    candidate: ModelResult,
    logged: LoggedModel,
    comparison: pd.DataFrame,
    audited: tuple[Audit, GateDecision, pd.DataFrame],
    origin: DataOrigin,
    history: pd.DataFrame | None = None,
    features_fingerprint: str = "",
) -> dict[str, str]:
    """The HTML model card with the fairness audit, in Dutch and English; ``history`` lists the
    experiment's earlier versions with their gate decisions."""
    audit, decision, mitigation = audited
    card = CardInput(
        name=logged.name,
        version=logged.version,
        run_id=logged.run_id,
        target=spec.target,
        level=spec.level,
        comparison=comparison,
        fold_metrics=candidate.fold_metrics,
        audit=audit,
        decision=decision,
        mitigation=mitigation,
        calibration_method=candidate.calibrator.method,
        threshold=candidate.threshold,
        features=candidate.features,
        origin=origin,
        history=history,
        reproduce=reproduction(spec, candidate, features_fingerprint, origin),
    )
    return render_reports(card)


@functools.cache
def source_commit() -> str:
    """The git commit the code ran from (``-dirty`` with uncommitted changes), or "unknown"."""
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=12"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def reproduction(
    spec: ExperimentSpec, candidate: ModelResult, features_fingerprint: str, origin: DataOrigin
) -> Reproduction:
    """What the card says it takes to make this version again. The data folder is named by its
    name only (never a server path); the simulated default is rebuilt by ``run`` itself."""
    command = f"kansenradar train --only {spec.name}"
    if not origin.simulated:
        command += f" --data-dir <{origin.label}>"
    return Reproduction(
        kind=candidate.kind,
        hyperparameters=spec.params_for(candidate.kind),
        packages=model_requirements(),
        commit=source_commit(),
        seed=spec.seed,
        data_fingerprint=origin.fingerprint,
        features_fingerprint=features_fingerprint,
        command=command,
    )


def bundle_step(
    meta: BundleMeta,
    data: ExperimentInput,
    logged: LoggedModel,
    tables: dict[str, pd.DataFrame],
    reports: dict[str, str],
    output_dir: Path,
) -> Path:
    """Score the latest year, write the bundle and attach the card to the MLflow run."""
    scores, contributions = score_year(logged.model, data.features, data.panel, meta.feature_year)
    latest = data.features[data.features["school_year"] == meta.feature_year]
    published_latest = with_hidden_values(publishable_indicators(latest, data.panel), latest)
    path = write_bundle(
        output_dir,
        meta,
        {
            **tables,
            "scores": scores,
            "contributions": contributions,
            "features_latest": published_latest,  # what a page may show
            "history": history_table(data.panel),
            "explanations": explain_year(logged.model, data.features, meta.feature_year),
        },
        reports,
    )
    mlflow_client = client()
    for file_name in REPORT_FILES.values():
        mlflow_client.log_artifact(logged.run_id, str(path / file_name), "audit")
    mlflow_client.log_artifact(logged.run_id, str(path / "comparison.parquet"), "evaluation")
    for table in ("audit", "audit_groups", "audit_rows"):  # the tidy audit dataset, as published
        mlflow_client.log_artifact(logged.run_id, str(path / f"{table}.parquet"), "audit")
    mlflow_client.log_metric(logged.run_id, "gate_allowed", float(meta.gate_allowed))
    mlflow_client.log_metric(logged.run_id, "gate_n_reasons", float(len(meta.gate_reasons)))
    return path


def past_flags(candidate: ModelResult, data: ExperimentInput) -> pd.DataFrame:
    """The out-of-fold flags this candidate would have issued, and what happened next."""
    return lookback_table(candidate.oof, candidate.oof["threshold"].to_numpy(), data.panel)


def attempt(
    spec: ExperimentSpec,
    candidate: ModelResult,
    logged: LoggedModel,
    comparison: pd.DataFrame,
    data: ExperimentInput,
    settings: RunSettings,
    mitigation: tuple[str, pd.DataFrame],
    audited: tuple[Audit, GateDecision] | None = None,
) -> ExperimentOutcome:
    """Audit one registered candidate (unless the worker did), write its card and bundle, and ask
    the gate to promote it."""
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    mitigation_name, mitigation_table = mitigation
    own_row = "unmitigated" if mitigation_name == "none" else mitigation_name
    mitigation_table = mitigation_table.assign(this_version=mitigation_table["method"] == own_row)
    audit, decision = audited or audit_step(candidate, data, settings.limits)
    history = version_history(settings.output_dir, logged.name)  # the versions before this one
    reports = card_step(
        spec,
        candidate,
        logged,
        comparison,
        (audit, decision, mitigation_table),
        data.origin,
        history,
        data_fingerprint(data.features),
    )
    seconds["audit"] = time.perf_counter() - t0
    record_gate_decision(logged.name, logged.version, decision)
    promotion = promote(
        logged.name,
        logged.version,
        force=settings.force,
        reason=settings.force_reason,
        actor="kansenradar run",
    )
    meta = BundleMeta(
        name=logged.name,
        version=str(logged.version),
        run_id=logged.run_id,
        target=spec.target,
        level=spec.level,
        feature_year=int(data.features["school_year"].max()),
        model_kind=candidate.kind,
        threshold=float(candidate.threshold),
        calibration=candidate.calibrator.method,
        features=list(candidate.features),
        mitigation=mitigation_name,
        gate_allowed=bool(decision.allowed),
        gate_summary=gate_words(decision, "en")[0],
        gate_reasons=gate_words(decision, "en")[1],
        gate_codes=list(decision.codes),
        gate_summary_code=dict(decision.summary_code),
        promoted=promotion.promoted,
        promotion_message=promotion.message,
        data_origin=data.origin.label,
        data_simulated=data.origin.simulated,
        data_fingerprint=data.origin.fingerprint,
        seconds=seconds,
    )
    t0 = time.perf_counter()
    tables = {
        "audit": audit.table,
        "audit_groups": audit.groups,
        "mitigation": mitigation_table,
        "comparison": comparison.rename_axis("model").reset_index(),
        "fold_metrics": candidate.fold_metrics,
        "lookback": past_flags(candidate, data),
        "audit_rows": audit_rows_table(audit),
    }
    path = bundle_step(meta, data, logged, tables, reports, settings.output_dir)
    seconds["bundle"] = time.perf_counter() - t0
    return ExperimentOutcome(
        spec,
        comparison,
        str(logged.version),
        logged.run_id,
        promotion.promoted,
        promotion.message,
        path,
        seconds,
    )


def finish_experiment(
    spec: ExperimentSpec,
    trained: Trained,
    data: ExperimentInput,
    settings: RunSettings,
) -> ExperimentOutcome:
    """Log the trained experiment and walk down the mitigation ladder until the gate allows one."""
    results, chosen = trained.results, trained.chosen
    comparison = comparison_table(results)
    t0 = time.perf_counter()
    logged = log_experiment(spec, results, data.features, chosen, origin=data.origin)
    mlflow_seconds = time.perf_counter() - t0
    outcome = attempt(
        spec,
        results[chosen],
        logged,
        comparison,
        data,
        settings,
        ("none", trained.mitigation),
        trained.audits.get("none"),
    )
    outcome.candidate_row = chosen
    for rung in LADDER:
        if outcome.promoted:
            break
        t0 = time.perf_counter()
        candidate = trained.ladder[rung.name]  # built ahead in the worker
        row = rung.comparison_row(chosen)
        if row not in comparison.index:
            comparison = pd.concat([comparison, comparison_table({row: candidate})])
        logged = log_experiment(
            spec, {chosen: candidate}, data.features, chosen, mitigation=rung.name, origin=data.origin
        )
        mitigation_seconds = time.perf_counter() - t0
        ahead = trained.audits.get(rung.name)
        outcome = attempt(
            spec, candidate, logged, comparison, data, settings, (rung.name, trained.mitigation), ahead
        )
        outcome.candidate_row = row
        outcome.seconds[f"mitigation:{rung.name}"] = mitigation_seconds
    outcome.seconds.update({"train": trained.seconds, "mlflow": mlflow_seconds})
    outcome.early_warning, outcome.emerging = emerging_step(
        spec,
        data.panel,
        data.data_dir,
        results,
        settings.limits,
        outcome.bundle,
        force=settings.force,
        force_reason=settings.force_reason,
    )
    return outcome


def train_all(
    specs: list[ExperimentSpec], inputs: dict[str, ExperimentInput], limits: FairnessLimits, workers: int
) -> Iterator[tuple[ExperimentSpec, Trained]]:
    """Train every experiment, handing each back as soon as it is done.

    In ``workers`` processes when more than one: the main process audits, logs and registers the
    first experiments while the workers still train the others (MLflow stays in one process).
    """
    if workers <= 1 or len(specs) <= 1:
        for s in specs:
            yield s, train_step(s, inputs[s.name], limits)
        return
    largest_first = sorted(specs, key=lambda s: -len(inputs[s.name].features))  # shortest makespan
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(train_step, s, inputs[s.name], limits): s for s in largest_first}
        for future in as_completed(futures):
            yield futures[future], future.result()


def default_workers() -> int:
    """``KANSENRADAR_WORKERS`` or the number of CPUs (LightGBM itself runs single-threaded)."""
    return int(os.environ.get("KANSENRADAR_WORKERS", os.cpu_count() or 1))


def run_all(
    data_dir: Path | None = None,
    *,
    configs: list[ExperimentSpec] | None = None,
    force: bool = False,
    force_reason: str | None = None,
    progress: Progress | None = None,
    output_dir: Path | None = None,
    workers: int | None = None,
    retrain: bool = False,
) -> list[ExperimentOutcome]:
    """Read the data folder, build features, run every experiment; write the bundles.

    An experiment whose data, code, spec and limits are unchanged since it last ran is reused,
    not trained and registered again (:mod:`experiments.rerun`); ``retrain`` or ``force``
    (promotion against the gate) always train.
    """
    say = progress or (lambda _msg: None)
    data_dir = default_data_dir() if data_dir is None else data_dir
    settings = RunSettings(load_fairness_limits(), output_dir or output_root(), force, force_reason)
    specs = configs or load_configs()
    origin = data_origin(data_dir)
    data_bytes = folder_digest(data_dir)
    keys = {s.name: run_key(s, origin, settings.limits, data_bytes) for s in specs}
    reused: dict[str, ExperimentOutcome] = {}
    if not (retrain or force):
        for s in specs:
            stored = recall(settings.output_dir, s, keys[s.name], _registry_says)
            if stored is not None:
                reused[s.name] = _reused_outcome(s, stored)
    if reused and len(reused) == len(specs):
        say(f"unchanged data, code and settings: reusing {len(reused)} experiments")
        write_run_outputs(settings.output_dir, None, list(reused.values()), origin)
        return list(reused.values())
    say("reading sources")
    sources = load_sources(data_dir)
    say("building panels and features")
    built = build_features(sources)
    panels = {key: panel for key, (panel, _) in built.items()}
    refusal = years_error(data_dir, panels)  # the refusal validate gives
    if refusal is not None:
        raise refusal
    enough, too_few = trainable(panels)
    for s in specs:
        if (s.target, s.level) not in built:  # its outcome files are not in the folder
            say(f"skipped {s.name}: {sources.skipped.get((s.target, s.level))}")
        elif (s.target, s.level) not in enough:
            say(f"skipped {s.name}: too few school years ({'; '.join(too_few)})")
    specs = [s for s in specs if (s.target, s.level) in enough]
    to_train = [s for s in specs if s.name not in reused]
    inputs = {s.name: ExperimentInput(*built[(s.target, s.level)], data_dir, origin) for s in to_train}
    say(f"training {len(to_train)} experiments" + (f", reusing {len(reused)}" if reused else ""))
    finished = dict(reused)
    for spec, result in train_all(to_train, inputs, settings.limits, workers or default_workers()):
        say(f"auditing and registering {spec.name}")
        outcome = finish_experiment(spec, result, inputs[spec.name], settings)
        client().set_model_version_tag(spec.registered_name, outcome.version, RUN_KEY_TAG, keys[spec.name])
        remember(settings.output_dir, keys[spec.name], outcome.remembered())
        finished[spec.name] = outcome
    outcomes = [finished[s.name] for s in specs]  # in the order of the experiment files
    write_run_outputs(settings.output_dir, sources.geojson, outcomes, origin)
    return outcomes


def write_run_outputs(
    output_dir: Path, geojson: dict | None, outcomes: list[ExperimentOutcome], origin: DataOrigin
) -> None:
    """Files shared by all experiments: boundaries, the comparison across experiments, provenance."""
    output_dir.mkdir(parents=True, exist_ok=True)
    write_provenance(output_dir, origin)
    if geojson is not None:
        write_boundaries(output_dir, geojson)
    ran = {o.config.name for o in outcomes}
    table = pd.concat({o.config.name: o.comparison for o in outcomes}, names=["experiment", "model"])
    table = _with_other_experiments(table.reset_index(), output_dir / "comparison.csv", ran)
    to_csv(table, output_dir / "comparison.csv", index=False)  # text cells neutralised (features.export)
    early = pd.DataFrame([row for o in outcomes for row in o.early_warning])
    to_csv(
        _with_other_experiments(early, output_dir / EARLY_WARNING_FILE, ran),
        output_dir / EARLY_WARNING_FILE,
        index=False,
    )


def _with_other_experiments(rows: pd.DataFrame, path: Path, ran: set[str]) -> pd.DataFrame:
    """This run's rows plus the earlier rows of experiments it did not run (``run --only``), so
    the files shared by all experiments keep describing every champion."""
    if not path.is_file():
        return rows
    try:
        earlier = pd.read_csv(path)
    except (OSError, ValueError):
        return rows
    if "experiment" not in earlier:
        return rows
    kept = earlier[~earlier["experiment"].isin(ran)]
    if kept.empty:
        return rows
    return pd.concat([kept, rows], ignore_index=True).sort_values("experiment", kind="stable")
