"""The kansenradar CLI: help, located errors with exit codes, batch scoring with suppression."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
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
        "brief",
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
    assert Path(report.output.strip()).name == "report.html"  # Dutch first
    english = runner.invoke(app, ["report", *where, "--lang", "en"])
    assert Path(english.output.strip()).name == "report.en.html" and Path(english.output.strip()).is_file()
    assert runner.invoke(app, ["report", *where, "--lang", "de"]).exit_code == 1


def test_missing_champion_exits_with_code_3(pipeline_run) -> None:
    result = runner.invoke(app, ["audit", "--target", "dropout", "--level", "rmc"])
    assert result.exit_code == 3 and "no champion" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["train", "--force-promote", "--reason", "   "],
        ["promote", "-t", "dropout", "-l", "gemeente", "--version", "1", "--force", "--reason", " \t "],
        ["score", "-t", "drop_out", "-l", "school"],
        ["score", "-t", "dropout", "-l", "pc4"],
        ["audit", "-t", "under_advice", "-l", "village"],
        ["promote", "-t", "nonsense", "-l", "gemeente", "--version", "1"],
        ["serve", "-t", "under_advice", "-l", "rmc"],
    ],
)
def test_blank_reasons_and_unknown_places_are_usage_errors_before_any_work(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "reason" in result.output or "unknown" in result.output


def test_editing_a_bundle_cannot_promote_a_refused_version(pipeline_run, monkeypatch) -> None:
    """The tamper test (issue 11.4): the registry decides, not outputs/<name>/v<N>/meta.json.

    Whether a default world's first candidate is refused depends on that world (generator 3's
    are not), so the refused version is made here: a new version of a trained model, refused in
    the registry, with a copy of the champion's bundle whose ``meta.json`` says it is allowed.
    It is removed again afterwards, so the other tests see the run as it was.
    """
    import shutil

    import mlflow

    from features.paths import tracking_uri
    from models.audit import GateDecision
    from models.registry import record_gate_decision
    from tests.models.gate_codes import recall_refusal

    client = mlflow.MlflowClient(tracking_uri=tracking_uri(), registry_uri=tracking_uri())
    spec = pipeline_run["outcomes"][0].config
    champion = client.get_model_version_by_alias(spec.registered_name, "champion")
    run = client.create_run(client.get_run(champion.run_id).info.experiment_id)
    mv = client.create_model_version(spec.registered_name, champion.source, run.info.run_id)
    bundle = pipeline_run["outputs"] / spec.registered_name / f"v{mv.version}"
    try:
        refusal = GateDecision(False, (recall_refusal(),), {"code": "refused", "n": 1, "of": 21})
        record_gate_decision(spec.registered_name, mv.version, refusal)
        shutil.copytree(pipeline_run["outputs"] / spec.registered_name / f"v{champion.version}", bundle)
        meta_file = bundle / "meta.json"
        meta = json.loads(meta_file.read_text())
        meta.update(version=str(mv.version), gate_allowed=True, promoted=True, gate_reasons=[], gate_codes=[])
        meta_file.write_text(json.dumps(meta))
        result = runner.invoke(
            app, ["promote", "-t", spec.target, "-l", spec.level, "--version", str(mv.version)]
        )
        assert result.exit_code == 4, result.output
        assert client.get_model_version_by_alias(spec.registered_name, "champion").version == champion.version
        tags = client.get_model_version(spec.registered_name, mv.version).tags
        assert tags["fairness_gate"] == "refused" and "override" not in tags
    finally:
        shutil.rmtree(bundle, ignore_errors=True)
        client.delete_model_version(spec.registered_name, mv.version)
        client.delete_run(run.info.run_id)


def test_score_csv_neutralises_formula_cells(pipeline_run, tmp_path: Path, monkeypatch) -> None:
    """Names come from the data folder: a '=HYPERLINK(…)' school name must not run in Excel."""
    import models.scoring as scoring

    real = scoring.score_year

    def planted(*args, **kwargs):
        scores, contrib = real(*args, **kwargs)
        names = ['=HYPERLINK("http://x")', "+31 school", "-minus", "@SUM(A1)", "\tTab", "\rCR"]
        scores.loc[scores.index[: len(names)], "place_name"] = names
        return scores, contrib

    monkeypatch.setattr(scoring, "score_year", planted)  # the CLI imports it when the command runs
    out = tmp_path / "scores.csv"
    args = ["score", "-t", "under_advice", "-l", "gemeente", "--data-dir", str(pipeline_run["data_dir"])]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    for cell in ("'=HYPERLINK", "'+31 school", "'-minus", "'@SUM(A1)", "'\tTab"):
        assert cell in text
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    starts = frame.apply(lambda col: col.str.match(r"^[=+\-@\t\r]")).to_numpy()
    numeric = frame.apply(lambda col: col.str.fullmatch(r"-?[\d.]+(e-?\d+)?")).to_numpy()
    assert not (starts & ~numeric).any()
    parquet = tmp_path / "scores.parquet"
    assert runner.invoke(app, [*args, "--out", str(parquet)]).exit_code == 0
    assert pd.read_parquet(parquet)["place_name"].iloc[0] == '=HYPERLINK("http://x")'  # data as they are


HEAVY_MODULES = ("pandas", "numpy", "sklearn", "mlflow", "lightgbm", "fairlearn", "streamlit", "pyarrow")


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        *[
            [command, "--help"]
            for command in ("generate", "validate", "run", "score", "audit", "serve", "app", "brief")
        ],
        ["score", "--target", "nonsense"],
        ["brief", "--lang", "fr", "--all"],
        ["promote", "--level", "moon", "--version", "1"],
        ["audit", "--export", "rows.txt"],
        ["audit", "--groups", "no_such_file.csv"],
    ],
    ids=" ".join,
)
def test_help_and_usage_errors_import_no_heavy_library(argv: list[str]) -> None:
    """``--help`` and usage errors must answer at once: the CLI imports the heavy libraries
    only inside the commands that need them (counted in a fresh interpreter, since this test
    process has imported everything already)."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        f"sys.argv = ['kansenradar', *{argv!r}]\n"
        "from app.cli import app\n"
        "try:\n    app()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print('EXIT', code)\n"
        f"print('HEAVY', sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY_MODULES!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    lines = dict(
        line.split(" ", 1) for line in done.stdout.splitlines() if line.startswith(("EXIT", "HEAVY"))
    )
    assert lines["EXIT"] in ("0", "1", "2"), done.stdout + done.stderr  # help (0) or usage (1 or click's 2)
    assert lines["HEAVY"] == "[]", f"{argv} imported {lines['HEAVY']}"
