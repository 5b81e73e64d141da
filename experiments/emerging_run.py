"""The emerging signal's step in the main job: detect → evaluate → audit → register → gate → bundle.

Runs once per experiment after its level model (it needs the level models' held-out scores only
to put them side by side in the early-warning evaluation). The detector itself reads nothing but
the panel; the planted truth enters only :func:`experiments.emerging_eval.evaluate_methods`.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from experiments.emerging_eval import affected_places, evaluate_methods, load_onsets, load_rise
from features.pipeline import place_attributes
from features.suppression import STATUS_COLUMN
from models.audit import gate
from models.bundle import write_emerging
from models.emerging import detect
from models.emerging_model import audit_alarm_rates, log_detector
from models.registry import data_fingerprint, promote, record_gate_decision
from models.spec import ExperimentSpec, FairnessLimits
from models.texts import gate_words
from models.train import ModelResult


def emerging_step(
    spec: ExperimentSpec,
    panel: pd.DataFrame,
    data_dir: Path,
    results: dict[str, ModelResult],
    limits: FairnessLimits,
    bundle_path: Path,
    *,
    force: bool = False,
    force_reason: str | None = None,
) -> tuple[list[dict], dict]:
    """Score, evaluate and register the detector for one experiment; add it to the bundle.

    Returns the early-warning rows (one per signal × method) and the facts written to the
    bundle's ``emerging.json``.
    """
    t0 = time.perf_counter()
    result = detect(panel, spec.target)
    if STATUS_COLUMN in panel:  # the disclosure status travels with every served figure
        result.frame[STATUS_COLUMN] = panel[STATUS_COLUMN].to_numpy()
    detect_seconds = time.perf_counter() - t0
    rows = evaluate_methods(
        spec.name,
        result,
        {kind: r.oof[["place_id", "school_year", "score"]] for kind, r in results.items()},
        load_onsets(data_dir, spec.target, spec.level),
        eval_years=spec.test_years,
        top_share=spec.top_share,
        exclude=affected_places(panel, data_dir, spec.target, spec.level),
        level_metrics={kind: r.mean_metrics for kind, r in results.items()},
        panel=panel,
        rise=load_rise(data_dir, spec.target, spec.level),
    )
    places = place_attributes(panel)
    audit = audit_alarm_rates(result, places, limits, spec.test_years)
    decision = gate(audit)
    name, version, run_id = log_detector(
        spec.target,
        spec.level,
        spec.name,
        result,
        rows,
        audit,
        data_fingerprint(panel[["place_id", "school_year"]]),
    )
    record_gate_decision(name, version, decision)
    promotion = promote(name, version, force=force, reason=force_reason, actor="kansenradar run")
    output = result.frame.merge(places, on=["place_id", "school_year"], how="left")
    meta = {
        "name": name,
        "version": version,
        "run_id": run_id,
        "params": result.params.as_dict(),
        "signals": list(result.signals),
        "first_alarm_year": result.first_alarm_year,
        "gate_allowed": decision.allowed,
        "gate_summary": gate_words(decision, "en")[0],
        "gate_reasons": gate_words(decision, "en")[1],
        "gate_summary_code": dict(decision.summary_code),  # worded in the reader's language
        "gate_codes": list(decision.codes),
        "promoted": promotion.promoted,
        "promotion_message": promotion.message,
        "seconds": {"detect": detect_seconds, "total": time.perf_counter() - t0},
    }
    write_emerging(
        bundle_path,
        {
            "emerging": output,
            "emerging_years": result.years,
            "emerging_audit": audit.table,
            "early_warning": pd.DataFrame(rows),
        },
        meta,
    )
    return rows, meta
