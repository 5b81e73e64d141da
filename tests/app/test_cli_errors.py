"""CLI verdicts on bad folders: validate and features agree; unexpected errors → exit 5 + log."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app, main
from tests.features.mutations import WORLD, all_mutations

runner = CliRunner()
CASES = {m.id: m for m in all_mutations()}


def _folder(tmp_path: Path, mutation_id: str | None) -> Path:
    folder = tmp_path / "tiny_world"
    shutil.copytree(WORLD, folder)
    if mutation_id:
        CASES[mutation_id].apply(folder)
    return folder


@pytest.mark.parametrize(
    "mutation_id",
    [None, "folder:only-vsv", "brin6_heroverweging.csv:header-only", "her:eligible-above-tested"],
)
def test_validate_and_features_give_the_same_verdict(mutation_id: str | None, tmp_path: Path) -> None:
    folder = _folder(tmp_path, mutation_id)
    checked = runner.invoke(app, ["validate", "--data-dir", str(folder)], env={"COLUMNS": "250"})
    built = runner.invoke(
        app, ["features", "--data-dir", str(folder), "--out", str(tmp_path / "out")], env={"COLUMNS": "250"}
    )
    assert checked.exception is None or isinstance(checked.exception, SystemExit), checked.exception
    assert built.exception is None or isinstance(built.exception, SystemExit), built.exception
    assert checked.exit_code == built.exit_code
    expected = 0 if mutation_id in (None, "folder:only-vsv") else 2
    assert checked.exit_code == expected, checked.output
    if mutation_id == "folder:only-vsv":
        for output in (checked.output, built.output):
            assert "skipped under_advice × school" in output and "brin6_heroverweging" in output


def test_validate_lists_files_it_does_not_recognise(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "folder:misspelt-headerless-file-listed")
    result = runner.invoke(app, ["validate", "--data-dir", str(folder)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "not recognised" in result.output and "brin6-heroverweging.csv" in result.output


def test_help_documents_the_unexpected_error_exit_code() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "250"})
    assert "5 unexpected" in result.output


def test_an_unexpected_error_is_a_short_message_a_log_file_and_exit_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import features.dryrun

    def broken(data_dir: Path):
        raise RuntimeError("boom in the dry run")

    monkeypatch.setattr(features.dryrun, "check_folder", broken)  # the CLI imports it when it runs
    monkeypatch.setenv("KANSENRADAR_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(sys, "argv", ["kansenradar", "validate", "--data-dir", str(tmp_path)])
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 5
    logs = list((tmp_path / "logs").glob("kansenradar-error-*.log"))
    assert len(logs) == 1
    text = logs[0].read_text()
    assert "Traceback" in text and "RuntimeError: boom in the dry run" in text
    err = capsys.readouterr().err
    assert "unexpected error" in err and "kansenradar-error-" in err and "Traceback" not in err


def test_a_data_error_still_exits_2_through_main(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    folder = _folder(tmp_path, "statline:unknown-sex")
    monkeypatch.setattr(sys, "argv", ["kansenradar", "validate", "--data-dir", str(folder)])
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == 2
    assert "Geslacht" in capsys.readouterr().err
