"""The model card is rendered with autoescaping: data, names and reasons cannot inject markup."""

from __future__ import annotations

import pandas as pd

from models.audit import Audit, GateDecision
from models.report import render_report
from models.spec import FairnessLimits

XSS = "D<img src=x onerror=alert(1)>"


def card(data_note: str, reason: str) -> str:
    audit = Audit(
        table=pd.DataFrame(),
        groups=pd.DataFrame(
            {"grouping": ["province"], "group": [XSS], "n_places": [20], "n_rows": [40], "audited": [True]}
        ),
        thresholds=FairnessLimits(),
        n_rows=40,
        threshold=0.5,
    )
    return render_report(
        name="kansenradar-dropout-rmc",
        version="3",
        run_id="abc",
        target="dropout",
        level="rmc",
        comparison=pd.DataFrame({"roc_auc": [0.9]}, index=pd.Index([XSS], name="model")),
        fold_metrics=pd.DataFrame({"test_year": [2023], "roc_auc": [0.9]}),
        audit=audit,
        decision=GateDecision(False, (reason,), f"refused {XSS}"),
        mitigation=pd.DataFrame(),
        calibration_method="isotonic",
        threshold=0.5,
        features=["rate_now", XSS],
        data_note=data_note,
    )


def test_nothing_from_data_or_reasons_becomes_markup() -> None:
    html = card(f"[data: {XSS} · fingerprint 0123] User-supplied DUO/CBS files.", "<script>alert(2)</script>")
    assert "<img" not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<table" in html and "<style>" in html  # our own markup survives


def test_the_card_shows_no_server_path() -> None:
    html = card("[data: mijn-downloads · fingerprint 0123] User-supplied DUO/CBS files.", "r")
    assert "mijn-downloads" in html and "/home/" not in html and "/tmp/" not in html
