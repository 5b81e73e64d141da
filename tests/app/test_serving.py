"""REST serving of the champion via `mlflow models serve` on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import numpy as np
import pandas as pd
import pytest

from app.serving import start_server, stop_server
from models.bundle import read_bundle
from models.risk_model import MAX_ROWS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def split(frame: pd.DataFrame) -> dict:
    """A ``dataframe_split`` payload; non-finite numbers as JSON's NaN/Infinity literals."""
    return {
        "dataframe_split": {
            "columns": list(frame.columns),
            "data": [[None if pd.isna(v) else float(v) for v in row] for row in frame.to_numpy()],
        }
    }


def reason(body: dict) -> str:
    """Our words in MLflow's error message (which first repeats the payload)."""
    return body["message"].rsplit("Error:", 1)[-1]


def post(port: int, payload: dict) -> tuple[int, dict]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/invocations",
        json.dumps(payload).encode(),
        {"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.slow
def test_rest_server_scores_feature_rows_and_rejects_malformed_input(pipeline_run) -> None:
    outcome = next(o for o in pipeline_run["outcomes"] if o.promoted)
    bundle = read_bundle(outcome.bundle)
    features = bundle.meta.features
    latest = bundle.table("features_latest")
    rows = latest[(latest["disclosure"] == "shown") & latest["log_pupils"].notna()][features].head(4)
    port = free_port()
    proc = start_server(bundle.meta.name, port)
    try:
        status, body = post(port, {"dataframe_split": json.loads(rows.to_json(orient="split", index=False))})
        assert status == 200
        preds = pd.DataFrame(body["predictions"])
        assert list(preds.columns) == [
            "risk",
            "risk_low",
            "risk_high",
            "flag",
            "data_origin",
            "data_fingerprint",
        ]
        assert set(preds["data_origin"]) == {"simulated"} and preds["data_fingerprint"].str.len().eq(12).all()
        assert len(preds) == 4 and preds["risk"].between(0, 1).all()
        assert (preds["risk_low"] <= preds["risk"]).all()
        status, body = post(port, {"dataframe_split": {"columns": ["not_a_feature"], "data": [[1.0]]}})
        assert 400 <= status < 500 and "schema" in body["message"].lower()
        status, _ = post(port, {"dataframe_split": {"columns": features, "data": [["x"] * len(features)]}})
        assert 400 <= status < 500
        # issue 11.3: the 10-pupil rule, value checks naming the column, a row limit
        small = rows.head(1).assign(log_pupils=np.log1p(7.0))
        status, body = post(port, split(small))
        assert status == 200 and body["predictions"][0]["risk"] is None  # JSON null
        assert body["predictions"][0]["flag"] is None
        for bad in (np.inf, 1e308):
            status, body = post(port, split(rows.head(1).assign(rate_now=bad)))
            assert status == 400 and "column 'rate_now'" in reason(body), reason(body)
        status, body = post(port, split(rows.head(1).map(lambda _: np.nan)))
        assert status == 400 and "column 'log_pupils'" in reason(body)
        many = rows.head(1).loc[rows.index[[0] * (MAX_ROWS + 1)]]
        status, body = post(port, split(many))
        assert status == 400 and f"at most {MAX_ROWS:,}" in reason(body)
    finally:
        stop_server(proc)
    assert proc.poll() is not None
