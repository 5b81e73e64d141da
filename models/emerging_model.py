"""The emerging detector as a registered model: its output as a pyfunc, its fairness audit.

**Serving contract.** The detector needs a place's history, so it is not a function of one
payload row. A version is built on one data set (its fingerprint is logged); serving answers a
request with rows ``place_id`` (str) and ``school_year`` (int) by looking up the detector's output
for that place-year in the data the version was built on: ``state`` (``alarm``, ``no_alarm``,
``insufficient_history``, or ``unknown`` for a place-year it never saw), score, threshold,
observed-versus-expected figures. New data → ``kansenradar run`` → a new version.

**Gate without truth.** Whether a change is real is unknown on a user's data, so the gate compares
*alarm rates* between groups of places (urbanity, migration, income — the fairness limits' gated
groupings) with bootstrap intervals, through the same :func:`models.audit.gate`. A group whose
alarm rate differs from the reference group's by more than ``max_fpr_difference`` with its whole
interval is refused: when nothing changed, an alarm is a false alarm, and false alarms should
not fall on one kind of place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.suppression import STATUS_COLUMN, publish
from features.vocabulary import emerging_registered_name, experiment_name
from models.audit import Audit, bootstrap_group
from models.emerging import EmergingResult
from models.groups import assign_groups
from models.spec import FairnessLimits

try:  # mlflow is heavy; only needed when logging or serving
    from mlflow.pyfunc import PythonModel
except ImportError:  # pragma: no cover
    PythonModel = object  # type: ignore[misc,assignment]

SERVED_COLUMNS = (
    "state",
    "alarm",
    "emerging_score",
    "emerging_threshold",
    "exceedance_z",
    "years_above_expected",
    "rate",
    "expected_rate",
    "expected_lower",
    "expected_upper",
    "n_pupils",
)


class EmergingModel(PythonModel):
    """Looks up the detector's output per place and year (see the module's serving contract)."""

    def __init__(self, output: pd.DataFrame, target: str, level: str, params: dict):
        served = [*SERVED_COLUMNS, STATUS_COLUMN]
        cols = ["place_id", "school_year", *[c for c in served if c in output]]
        self.output = output[cols].reset_index(drop=True)
        self.target, self.level, self.params = target, level, params

    def lookup(self, requests: pd.DataFrame) -> pd.DataFrame:
        keys = pd.DataFrame(
            {
                "place_id": requests["place_id"].astype(str).to_numpy(),
                "school_year": requests["school_year"].astype(int).to_numpy(),
            }
        )
        out = keys.merge(self.output, on=["place_id", "school_year"], how="left")
        out["state"] = out["state"].fillna("unknown")
        out["alarm"] = out["alarm"].fillna(False).astype(bool)
        return out

    def predict(self, context: object, model_input: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
        """MLflow pyfunc entry point: one output row per requested place-year."""
        out = self.lookup(pd.DataFrame(model_input))
        figures = [c for c in ("rate", "expected_rate", "expected_lower", "expected_upper") if c in out]
        known = out["state"] != "unknown"  # a place-year the detector never saw stays "unknown"
        published = publish(out.fillna({"n_pupils": 0}), figures, text_columns=["state", "alarm"])
        published.loc[~known.to_numpy(), "state"] = "unknown"
        return published.drop(columns=["n_pupils", STATUS_COLUMN], errors="ignore")


def audit_alarm_rates(
    result: EmergingResult, places: pd.DataFrame, limits: FairnessLimits, years: tuple[int, ...]
) -> Audit:
    """Alarm rate per group of places over ``years``, with bootstrap intervals and disparities."""
    frame = result.frame[
        result.frame["school_year"].isin(years) & (result.frame["state"] != "insufficient_history")
    ]
    frame = frame.merge(places, on=["place_id", "school_year"], how="left")
    groups = assign_groups(frame)
    alarm = frame["alarm"].to_numpy(dtype=bool)
    rng = np.random.default_rng(limits.seed)
    alpha = (1 - limits.confidence) / 2
    rows, sizes = [], []
    for grouping in limits.gated_groupings:
        if grouping not in groups:
            continue
        g = groups[grouping]
        valid = g.notna().to_numpy()
        n_places = frame.loc[valid].groupby(g[valid])["place_id"].nunique()
        audited = [k for k in n_places.index if n_places[k] >= limits.min_group_size]
        sizes += [
            {"grouping": grouping, "group": k, "n_places": int(n_places[k]), "audited": k in audited}
            for k in n_places.index
        ]
        if len(audited) < 2:
            continue
        counts = g[valid].value_counts()
        reference = max(audited, key=lambda k: counts[k])
        boots, point = {}, {}
        for k in audited:
            m = (g == k).to_numpy()
            a = alarm[m]
            boots[k] = bootstrap_group(np.zeros(a.size, bool), a, a.astype(float), a, limits.n_boot, rng)[
                :, 0
            ]
            point[k] = float(a.mean())
        for k in audited:
            diff = boots[k] - boots[reference]
            rows.append(
                {
                    "grouping": grouping,
                    "group": k,
                    "reference": reference,
                    "metric": "alarm_rate",
                    "value": point[k],
                    "ci_low": float(np.quantile(boots[k], alpha)),
                    "ci_high": float(np.quantile(boots[k], 1 - alpha)),
                    "difference": point[k] - point[reference],
                    "diff_low": float(np.quantile(diff, alpha)),
                    "diff_high": float(np.quantile(diff, 1 - alpha)),
                    "n_places": int(n_places[k]),
                }
            )
    table = pd.DataFrame(rows)
    if not table.empty:
        table["limit"] = limits.max_fpr_difference
        table["exceeds"] = (table["diff_low"] > table["limit"]) | (table["diff_high"] < -table["limit"])
    return Audit(table, pd.DataFrame(sizes), limits, len(frame), float(result.params.false_alarm_rate))


def log_detector(
    target: str,
    level: str,
    experiment: str,
    result: EmergingResult,
    evaluation: list[dict],
    audit: Audit,
    fingerprint: str,
) -> tuple[str, str, str]:
    """One MLflow run with the detector's parameters, per-year calibration and evaluation; the
    output registered as a new version. Returns ``(name, version, run_id)``."""
    import json
    import tempfile
    from pathlib import Path

    import mlflow
    from mlflow.models import infer_signature

    from models.registry import client, model_requirements, setup

    name = emerging_registered_name(target, level)
    setup(experiment_name(target))
    model = EmergingModel(result.frame, target, level, result.params.as_dict())
    with mlflow.start_run(run_name=f"{experiment}:emerging") as run:
        mlflow.set_tags(
            {"target": target, "level": level, "model_kind": "emerging_detector", "signal": "emerging"}
        )
        params = {f"emerging_{k}": str(v) for k, v in result.params.as_dict().items()}
        params.update(
            signals=",".join(result.signals),
            first_alarm_year=result.first_alarm_year,
            data_fingerprint=fingerprint,
        )
        mlflow.log_params(params)
        for row in result.years.to_dict("records"):
            year = int(row.pop("school_year"))
            mlflow.log_metrics({k: float(v) for k, v in row.items() if pd.notna(v)}, step=year)
        detector_row = next((r for r in evaluation if r["model"] == "detector"), {})
        mlflow.log_metrics(
            {k: float(v) for k, v in detector_row.items() if isinstance(v, float) and np.isfinite(v)}
        )
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            result.years.to_csv(folder / "calibration_per_year.csv", index=False)
            (folder / "early_warning.json").write_text(
                json.dumps(evaluation, indent=1, default=str), encoding="utf-8"
            )
            audit.table.to_csv(folder / "alarm_rate_audit.csv", index=False)
            for path in folder.iterdir():
                mlflow.log_artifact(str(path), "evaluation")
        example = result.frame[["place_id", "school_year"]].tail(3).reset_index(drop=True)
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=model,
            pip_requirements=model_requirements(),
            signature=infer_signature(example, model.predict(None, example)),
            input_example=example,
            registered_model_name=name,
        )
        version = str(info.registered_model_version)
        client().set_model_version_tag(name, version, "run_id", run.info.run_id)
        return name, version, run.info.run_id
