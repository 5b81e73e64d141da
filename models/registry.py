"""MLflow tracking and model registry: every run, every model, every promotion on record.

Tracking defaults to a local SQLite database (``mlflow.db`` in the working folder, artifacts in
its ``mlartifacts/``; see :mod:`models.store`) and follows ``MLFLOW_TRACKING_URI`` when set.
Each registered model is named ``kansenradar-<target>-<level>``; the model that flags is the
version with alias ``champion``, which only :func:`promote` sets — and only when the fairness
gate allows it (or an explicit, recorded override).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from features.export import to_csv
from features.paths import tracking_uri
from features.provenance import DataOrigin
from features.suppression import SHOWN, STATUS_COLUMN, publishable_indicators
from features.vocabulary import experiment_name
from models.audit import GateDecision
from models.risk_model import RiskModel
from models.spec import ExperimentSpec
from models.store import artifact_root, prepare_store
from models.texts import gate_words
from models.train import ModelResult

CHAMPION = "champion"

MODEL_PACKAGES = (
    "kansenradar",
    "mlflow",
    "cloudpickle",
    "numpy",
    "pandas",
    "pyarrow",
    "scikit-learn",
    "scipy",
    "lightgbm",
)
"""What a logged model needs to load: our own package (the pyfunc classes live in it) and the
libraries its estimators and calibrators come from."""


def model_requirements() -> list[str]:
    """The logged models' pip requirements, pinned to the versions installed here.

    Written out rather than left to MLflow: its inference loads every model once more in a
    subprocess to watch the imports, which cost about 6 s per logged model (two or more per
    experiment) and found the same packages.
    """
    from importlib.metadata import PackageNotFoundError, version

    pinned = []
    for package in MODEL_PACKAGES:
        try:
            pinned.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            continue
    return pinned


def client() -> object:
    """An MlflowClient bound to our tracking and registry store (never a stale global)."""
    import mlflow

    uri = prepare_store(tracking_uri())
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)


_KNOWN_EXPERIMENTS: dict[tuple[str, str], str] = {}


def setup(experiment: str) -> str:
    """Point MLflow at the tracking store and make sure ``experiment`` exists; returns its id."""
    import mlflow

    uri = prepare_store(tracking_uri())
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    exp_id = _KNOWN_EXPERIMENTS.get((uri, experiment))
    if exp_id is None:  # asked once per store and experiment (≈0.35 s a time on SQLite)
        found = mlflow.get_experiment_by_name(experiment)
        if found is not None:
            exp_id = found.experiment_id
        else:
            root = artifact_root(uri)
            exp_id = mlflow.create_experiment(
                experiment, artifact_location=(f"{root}/{experiment}" if root else None)
            )
        _KNOWN_EXPERIMENTS[(uri, experiment)] = exp_id
    mlflow.set_experiment(experiment_id=exp_id)
    return exp_id


def data_fingerprint(frame: pd.DataFrame) -> str:
    """Stable hash of the feature table a model was trained on."""
    h = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def build_risk_model(
    result: ModelResult, config: ExperimentSpec, origin: DataOrigin | None = None
) -> RiskModel:
    oof_prob = result.calibrator.transform(result.oof["score"].to_numpy())
    model = RiskModel(
        estimator=result.estimator,
        calibrator=result.calibrator,
        threshold=result.threshold,
        features=result.features,
        oof_prob=oof_prob,
        target=config.target,
        level=config.level,
        kind=result.kind,
        group_thresholds=result.group_thresholds,
        group_cuts=result.group_cuts,
        groupings=result.groupings,
    )
    if origin is not None:  # every REST answer says which data the model was built on
        model.data_origin, model.data_fingerprint = origin.label, origin.fingerprint
    return model


@dataclass
class LoggedModel:
    run_id: str
    name: str
    version: str
    model: RiskModel


def _plots(result: ModelResult, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from models.metrics import reliability_curve

    paths = []
    if "prob" in result.oof:
        rel = reliability_curve(result.oof["y"], result.oof["prob"])
        fig, ax = plt.subplots(figsize=(4.5, 4.5))
        ax.plot([0, 1], [0, 1], ls="--", color="grey", label="perfect")
        ax.plot(rel["predicted"], rel["observed"], marker="o", label="model")
        ax.set_xlabel("predicted risk")
        ax.set_ylabel("observed share elevated")
        ax.set_title("Reliability (held-out years)")
        ax.legend()
        fig.tight_layout()
        paths.append(out / "reliability.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    fm = result.fold_metrics
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for m in ("roc_auc", "average_precision", "precision_at_top"):
        ax.plot(fm["test_year"], fm[m], marker="o", label=m)
    ax.set_xlabel("test year (features of t, label t + 1)")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    fig.tight_layout()
    paths.append(out / "fold_metrics.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths


def input_example(features: pd.DataFrame, columns: list[str], n: int = 5) -> pd.DataFrame:
    """Rows for the MLflow input example that pass the disclosure rules: shown in their own
    year and in every year their indicators rest on (the example is stored with the model)."""
    shown = publishable_indicators(features, features)
    ok = (shown[STATUS_COLUMN] == SHOWN).to_numpy() & shown[columns].notna().all(axis=1).to_numpy()
    if not ok.any():  # no complete row: at least the own year shown
        ok = (shown[STATUS_COLUMN] == SHOWN).to_numpy()
    return features.loc[ok, columns].tail(n)


def log_experiment(
    config: ExperimentSpec,
    results: dict[str, ModelResult],
    features: pd.DataFrame,
    chosen: str,
    mitigation: str = "none",
    origin: DataOrigin | None = None,
) -> LoggedModel:
    """One MLflow run per model kind (params, per-fold metrics); the selected candidate
    (``chosen``) is also logged as a pyfunc with signature and input example and registered
    as a new version."""
    import mlflow
    from mlflow.models import infer_signature

    setup(experiment_name(config.target))
    fingerprint = data_fingerprint(features)
    mlflow_client = client()
    logged: LoggedModel | None = None
    for kind, result in results.items():
        candidate = kind == chosen
        suffix = "" if mitigation == "none" else f"+{mitigation}"
        with mlflow.start_run(run_name=f"{config.name}:{kind}{suffix}") as run:
            mlflow.set_tags(
                {
                    "target": config.target,
                    "level": config.level,
                    "model_kind": kind,
                    "mitigation": mitigation,
                    "role": "candidate" if candidate else "baseline",
                    "experiment_config": config.name,
                }
            )
            params = {
                "seed": config.seed,
                "test_years": ",".join(map(str, config.test_years)),
                "n_features": len(result.features),
                "data_fingerprint": fingerprint,
            }
            params.update({f"hp_{k}": v for k, v in config.params_for(kind).items()})
            mlflow.log_params(params)
            for row in result.fold_metrics.to_dict("records"):
                year = int(row.pop("test_year"))
                mlflow.log_metrics({k: float(v) for k, v in row.items() if np.isfinite(v)}, step=year)
            mlflow.log_metrics(
                {f"mean_{k}": float(v) for k, v in result.mean_metrics.items() if np.isfinite(v)}
            )
            with tempfile.TemporaryDirectory() as tmp:
                tmpdir = Path(tmp)
                (tmpdir / "features.json").write_text(json.dumps(result.features, indent=1), encoding="utf-8")
                to_csv(result.fold_metrics, tmpdir / "fold_metrics.csv", index=False)
                plots = _plots(result, tmpdir) if candidate else []  # baselines: their numbers suffice
                for p in [tmpdir / "features.json", tmpdir / "fold_metrics.csv", *plots]:
                    mlflow.log_artifact(str(p))
            if candidate:
                model = build_risk_model(result, config, origin)
                mlflow.log_params(
                    {"calibration": result.calibrator.method, "threshold": round(result.threshold, 4)}
                )
                example = input_example(features, result.features)
                signature = infer_signature(example, model.score(example).reset_index(drop=True))
                info = mlflow.pyfunc.log_model(
                    name="model",
                    python_model=model,
                    pip_requirements=model_requirements(),
                    signature=signature,
                    input_example=example,
                    registered_model_name=config.registered_name,
                )
                version = str(info.registered_model_version)
                mlflow_client.set_model_version_tag(
                    config.registered_name, version, "run_id", run.info.run_id
                )
                mlflow_client.set_model_version_tag(config.registered_name, version, "mitigation", mitigation)
                logged = LoggedModel(run.info.run_id, config.registered_name, version, model)
    assert logged is not None
    return logged


def load_champion(name: str) -> tuple[RiskModel, dict]:
    """The champion pyfunc's Python model and its registry facts (version, run id)."""
    return load_version(name, CHAMPION)


def load_version(name: str, version: str | int | None = None) -> tuple[RiskModel, dict]:
    """One registered version's Python model and registry facts; ``None`` or ``"champion"``: the
    version holding the champion alias."""
    import mlflow

    if version is None or str(version) == CHAMPION:
        mv = client().get_model_version_by_alias(name, CHAMPION)
        uri = f"models:/{name}@{CHAMPION}"
    else:
        mv = client().get_model_version(name, str(version))
        uri = f"models:/{name}/{mv.version}"
    model = mlflow.pyfunc.load_model(uri).unwrap_python_model()
    return model, {
        "name": name,
        "version": str(mv.version),
        "run_id": mv.run_id,
        "source": mv.source,
        "tags": dict(mv.tags),
    }


@dataclass(frozen=True)
class PromotionResult:
    """What :func:`promote` did, for the CLI, the app and the logs."""

    promoted: bool
    name: str
    version: str
    forced: bool
    message: str
    reasons: tuple[str, ...] = ()


def record_gate_decision(name: str, version: str, decision: GateDecision) -> None:
    """Write the fairness gate's decision to the version's run and the model version itself.

    The registry is the one source of truth for the gate: :func:`promote` reads only this record,
    never a file in a bundle, so editing ``outputs/`` cannot change a decision.
    """
    mlflow_client = client()
    mv = mlflow_client.get_model_version(name, version)
    verdict = "allowed" if decision.allowed else "refused"
    summary, reasons = gate_words(decision, "en")  # English in MLflow, for its UI and logs
    record = {
        "allowed": bool(decision.allowed),
        "summary": summary,
        "reasons": reasons,
        "codes": list(decision.codes),
        "summary_code": decision.summary_code,
    }
    mlflow_client.log_dict(mv.run_id, record, f"gate/decision_v{version}.json")
    compact = {
        "allowed": record["allowed"],
        "summary": record["summary"],
        "summary_code": record["summary_code"],
    }
    mlflow_client.set_tag(mv.run_id, "fairness_gate", verdict)
    mlflow_client.set_model_version_tag(name, version, "fairness_gate", verdict)
    mlflow_client.set_model_version_tag(name, version, "gate_decision", json.dumps(compact))


def stored_gate_decision(name: str, version: str) -> GateDecision | None:
    """The decision the audit recorded for this version in the registry (None: never audited)."""
    tags = client().get_model_version(name, version).tags
    raw = tags.get("gate_decision")
    if raw is None or tags.get("fairness_gate") not in ("allowed", "refused"):
        return None
    record = json.loads(raw)
    allowed = tags["fairness_gate"] == "allowed" and bool(record.get("allowed"))
    full = _decision_artifact(name, version)  # the reasons in full, from the version's run
    return GateDecision(allowed, tuple(full.get("codes", ())), dict(record.get("summary_code", {})))


def _decision_artifact(name: str, version: str) -> dict:
    import mlflow

    run_id = client().get_model_version(name, version).run_id
    try:
        return dict(mlflow.artifacts.load_dict(f"runs:/{run_id}/gate/decision_v{version}.json"))
    except Exception:  # artifact store unreadable: the tag alone still decides
        return {}


def promote(
    name: str,
    version: str,
    *,
    force: bool = False,
    reason: str | None = None,
    actor: str | None = None,
) -> PromotionResult:
    """The only way a model becomes ``champion``.

    The gate's decision is the one recorded in the registry by :func:`record_gate_decision`. A
    refused (or never audited) version is not promoted unless ``force`` is given *with* a written
    ``reason``; the override is recorded on the model's run and version in MLflow.
    """
    if force and not (reason and reason.strip()):
        raise ValueError("a forced promotion needs a written reason (it is recorded in MLflow)")
    mlflow_client = client()
    mv = mlflow_client.get_model_version(name, version)
    decision = stored_gate_decision(name, version) or GateDecision(False, (), {"code": "not_audited"})
    summary, reasons = gate_words(decision, "en")
    allowed = bool(decision.allowed)
    if allowed or force:
        mlflow_client.set_registered_model_alias(name, CHAMPION, version)
        if not allowed:
            record = {"model": name, "version": version, "override_reason": reason, "actor": actor}
            mlflow_client.log_dict(mv.run_id, record, f"promotion/override_v{version}.json")
            mlflow_client.set_model_version_tag(name, version, "override", "true")
            mlflow_client.set_model_version_tag(name, version, "override_reason", reason or "")
            mlflow_client.set_model_version_tag(name, version, "override_by", actor or "unknown")
            msg = f"{name} v{version} promoted to {CHAMPION} by explicit override: {reason}"
        else:
            msg = f"{name} v{version} promoted to {CHAMPION}: {summary}"
        return PromotionResult(True, name, version, not allowed, msg, tuple(reasons))
    return PromotionResult(
        False,
        name,
        version,
        False,
        f"{name} v{version} NOT promoted — fairness gate: {summary}",
        tuple(reasons),
    )


def champion_version(name: str) -> str | None:
    """Version number holding the champion alias, or None."""
    from mlflow.exceptions import MlflowException

    try:
        return str(client().get_model_version_by_alias(name, CHAMPION).version)
    except MlflowException:
        return None
