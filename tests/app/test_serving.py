"""REST serving of the champion via `mlflow models serve` on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import pandas as pd
import pytest

from app.serving import start_server, stop_server
from models.bundle import read_bundle


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    rows = bundle.table("features_latest")[features].head(4)
    port = free_port()
    proc = start_server(bundle.meta.name, port)
    try:
        status, body = post(port, {"dataframe_split": json.loads(rows.to_json(orient="split", index=False))})
        assert status == 200
        preds = pd.DataFrame(body["predictions"])
        assert list(preds.columns) == ["risk", "risk_low", "risk_high", "flag"]
        assert len(preds) == 4 and preds["risk"].between(0, 1).all()
        assert (preds["risk_low"] <= preds["risk"]).all()
        status, body = post(port, {"dataframe_split": {"columns": ["not_a_feature"], "data": [[1.0]]}})
        assert 400 <= status < 500 and "schema" in body["message"].lower()
        status, _ = post(port, {"dataframe_split": {"columns": features, "data": [["x"] * len(features)]}})
        assert 400 <= status < 500
    finally:
        stop_server(proc)
    assert proc.poll() is not None
