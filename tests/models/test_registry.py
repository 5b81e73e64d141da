"""MLflow with a real SQLite store: log, register, gate-controlled alias, load by alias."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from experiments.config import load_configs
from models.audit import GateDecision
from models.registry import (
    CHAMPION,
    champion_version,
    load_champion,
    log_experiment,
    promote,
    record_gate_decision,
    stored_gate_decision,
    tracking_uri,
)
from models.spec import ExperimentSpec
from models.train import train_experiment
from tests.models.gate_codes import recall_refusal

ALLOW = GateDecision(True, (), {"code": "allowed", "of": 21, "rules": 2})
REFUSE = GateDecision(False, (recall_refusal(),), {"code": "refused", "n": 1, "of": 21, "rules": 2})


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    return tmp_path


@pytest.fixture(scope="module")
def trained(built):
    _, feats = built[("dropout", "gemeente")]
    config = next(c for c in load_configs() if c.name == "dropout_gemeente")
    config = ExperimentSpec(
        **{
            **config.__dict__,
            "test_years": (2021, 2022, 2023),
            "baselines": ("persistence",),
            "candidates": ("lightgbm",),
        }
    )
    results, chosen = train_experiment(feats, config)
    return config, results, chosen, feats


def test_logged_model_loads_by_champion_alias_and_scores_the_same(store: Path, trained) -> None:
    import mlflow

    config, results, chosen, feats = trained
    logged = log_experiment(config, results, feats, chosen)
    assert (store / "mlflow.db").is_file()
    record_gate_decision(logged.name, logged.version, ALLOW)
    result = promote(logged.name, logged.version)
    assert result.promoted and champion_version(logged.name) == logged.version
    model, facts = load_champion(logged.name)
    assert facts["version"] == logged.version and facts["run_id"] == logged.run_id
    rows = feats[feats["school_year"] == 2024]
    np.testing.assert_allclose(model.score(rows)["risk"], logged.model.score(rows)["risk"])
    pyfunc = mlflow.pyfunc.load_model(f"models:/{logged.name}@{CHAMPION}")
    served = pyfunc.predict(rows[logged.model.features])
    np.testing.assert_allclose(served["risk"], logged.model.score(rows)["risk"])
    run = mlflow.get_run(logged.run_id)
    assert run.data.params["data_fingerprint"] and "mean_roc_auc" in run.data.metrics
    # the model's requirements are pinned to what is installed (written, not inferred)
    from importlib.metadata import version

    requirements = Path(
        mlflow.artifacts.download_artifacts(f"models:/{logged.name}@{CHAMPION}/requirements.txt")
    ).read_text()
    for package in ("kansenradar", "scikit-learn", "lightgbm", "pandas", "mlflow"):
        assert f"{package}=={version(package)}" in requirements.splitlines(), package


def test_gate_refusal_is_recorded_and_an_override_needs_a_reason(store: Path, trained) -> None:
    import mlflow

    config, results, chosen, feats = trained
    first = log_experiment(config, results, feats, chosen)
    record_gate_decision(first.name, first.version, ALLOW)
    promote(first.name, first.version)
    second = log_experiment(config, results, feats, chosen)
    unaudited = promote(second.name, second.version)
    assert not unaudited.promoted and "not audited" in unaudited.message
    record_gate_decision(second.name, second.version, REFUSE)
    assert stored_gate_decision(second.name, second.version) == REFUSE
    refused = promote(second.name, second.version)
    assert not refused.promoted and champion_version(second.name) == first.version
    client = mlflow.MlflowClient(tracking_uri=tracking_uri(), registry_uri=tracking_uri())
    assert client.get_model_version(second.name, second.version).tags["fairness_gate"] == "refused"
    assert client.get_run(second.run_id).data.tags["fairness_gate"] == "refused"
    with pytest.raises(ValueError, match="reason"):
        promote(second.name, second.version, force=True, reason="   ")
    forced = promote(
        second.name, second.version, force=True, reason="reviewed by the audit board", actor="test"
    )
    assert forced.promoted and forced.forced
    tags = client.get_model_version(second.name, second.version).tags
    assert tags["override"] == "true" and tags["override_reason"] == "reviewed by the audit board"
    assert champion_version(second.name) == second.version


def test_the_pyfunc_follows_the_ten_pupil_rule_and_refuses_impossible_values(trained) -> None:
    """What REST serving runs (issue 11.3), without starting a server."""
    from mlflow.exceptions import MlflowException

    from models.registry import build_risk_model
    from models.risk_model import MAX_ROWS

    config, results, chosen, feats = trained
    model = build_risk_model(results[chosen], config)
    rows = feats[feats["school_year"] == 2024][model.features].head(3).reset_index(drop=True)
    rows.loc[0, "log_pupils"] = np.log1p(9.0)
    out = model.predict(None, rows)
    assert out.loc[0, ["risk", "risk_low", "risk_high", "flag"]].isna().all()
    assert out.loc[1:, "risk"].notna().all() and set(out.loc[1:, "flag"]) <= {0.0, 1.0}
    early = rows.assign(rate_lag2=np.nan, trend_3y=np.nan)  # missing lags stay legitimate
    assert model.predict(None, early)["risk"].iloc[1:].notna().all()
    for column, bad in (("rate_now", np.inf), ("rate_now", 1e308), ("urbanity", 7.0), ("log_pupils", np.nan)):
        with pytest.raises(MlflowException, match=f"column '{column}'"):
            model.predict(None, rows.assign(**{column: bad}))
    with pytest.raises(MlflowException, match="at most"):
        model.predict(None, rows.loc[[0] * (MAX_ROWS + 1)])


def test_the_input_example_passes_the_disclosure_rules(built) -> None:
    from features.suppression import publishable_indicators
    from models.registry import input_example

    _, feats = built[("under_advice", "school")]
    columns = ["log_pupils", "rate_now", "rate_lag1", "rate_lag2", "revision_rate"]
    example = input_example(feats, columns)
    assert len(example) == 5
    shown = publishable_indicators(feats, feats).loc[example.index]
    assert (shown["disclosure"] == "shown").all() and shown[columns].notna().all().all()
