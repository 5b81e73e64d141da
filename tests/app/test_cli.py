"""The kansenradar CLI: help, located errors with exit codes, batch scoring with suppression."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()


def test_help_lists_every_stage() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in (
        "generate",
        "validate",
        "features",
        "train",
        "run",
        "audit",
        "promote",
        "score",
        "report",
        "compare",
        "app",
        "serve",
    ):
        assert command in result.output


def test_validate_reports_a_bad_file_with_exit_code_2_and_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "brin6_advies.csv").write_text(
        "INSTELLINGSCODE;VESTIGINGSCODE;TYPE_PO;PEILJAAR;ADVIES;AANTAL_LEERLINGEN\n"
        "00AP;00;BO;2022;HAVO;<5\n00AP;00;BO;2022;MAVO;3x\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "--data-dir", str(tmp_path)], env={"COLUMNS": "250"})
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "row 3" in result.output and "ADVIES" in result.output


def test_validate_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--data-dir", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_train_force_promote_needs_a_reason() -> None:
    result = runner.invoke(app, ["train", "--force-promote"])
    assert result.exit_code == 1 and "--reason" in result.output


def test_score_writes_a_suppressed_file_from_the_champion(pipeline_run, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    result = runner.invoke(
        app,
        [
            "score",
            "--target",
            "under_advice",
            "--level",
            "school",
            "--data-dir",
            str(pipeline_run["data_dir"]),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert {"risk", "risk_low", "risk_high", "flag", "drivers_nl", "model_version"} <= set(frame.columns)
    small = frame[frame["suppressed"]]
    assert len(small) > 0 and small["risk"].isna().all() and small["n_pupils"].isna().all()
    assert (frame.loc[~frame["suppressed"], "n_pupils"] >= 10).all()
    # provenance on every row: the generated default is simulated, whatever files exist beside it
    assert (frame["data_origin"] == "simulated").all() and frame["data_fingerprint"].str.len().eq(12).all()
    assert set(frame["risk_band"].dropna()) <= {"low", "medium", "high", "very_high"}
    # both signals travel together; the emerging figures are suppressed like the risk
    assert {"emerging_state", "emerging_alarm", "emerging_score", "expected_rate_pct"} <= set(frame.columns)
    assert small["expected_rate_pct"].isna().all() and small["emerging_state"].isna().all()
    assert (
        frame.loc[~frame["suppressed"], "emerging_state"]
        .isin(["alarm", "no_alarm", "insufficient_history"])
        .all()
    )


def test_audit_and_report_commands_point_at_the_champion(pipeline_run) -> None:
    champion = next(o for o in pipeline_run["outcomes"] if o.promoted).config
    where = ["--target", champion.target, "--level", champion.level]
    result = runner.invoke(app, ["audit", *where])
    assert result.exit_code == 0, result.output
    assert champion.registered_name in result.output
    report = runner.invoke(app, ["report", *where])
    assert Path(report.output.strip()).is_file()


def test_missing_champion_exits_with_code_3(pipeline_run) -> None:
    result = runner.invoke(app, ["audit", "--target", "dropout", "--level", "rmc"])
    assert result.exit_code == 3 and "no champion" in result.output
