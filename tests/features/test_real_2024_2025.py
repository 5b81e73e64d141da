"""Today's real DUO downloads (2024-25 samples, ``tests/fixtures/duo_2024_2025``) end to end.

A municipal analyst's folder with the three wide files: ``validate`` recognises all three (and
says by which rule), builds the attainment target for the schools that are in both the advice
and the referentieniveaus file, reports the heroverweging experiments as skipped, and refuses
to train on one school year (exit 2); ``run`` refuses the same way.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app
from features import catalog, dryrun
from features.vocabulary import ATTAINMENT_TARGET
from features.years import MIN_TRAINING_YEARS

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "duo_2024_2025"
ADVICE = "04-leerlingen-bo-sbo-schooladviezen-2024-2025.csv"
SCORES = "05.-gemiddelde-eindscores-bo-sbo-2024-2025.csv"
LEVELS = "10.-leerlingen-bo-referentieniveaus-2024-2025.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def report() -> catalog.FolderReport:
    return dryrun.check_folder(SAMPLES)


def test_all_three_files_are_recognised_and_read(report: catalog.FolderReport) -> None:
    assert report.unrecognised == ["SOURCE.md"]
    read = {c.file: c for c in report.files if c.present}
    assert read[ADVICE].kind == "advice_wide" and read[ADVICE].rows == 10 * 12
    assert read[SCORES].kind == "eindscores_year" and read[SCORES].rows == 10
    assert read[LEVELS].kind == "reference_levels" and read[LEVELS].rows == 10 * 10
    assert all(read[f].ok for f in (ADVICE, SCORES, LEVELS))
    assert "number prefix '05.-'" in read[SCORES].rule and "number prefix '04-'" in read[ADVICE].rule


def test_the_attainment_target_is_built_for_the_schools_in_both_files(report: catalog.FolderReport) -> None:
    school = report.previews[(ATTAINMENT_TARGET, "school")].set_index("place_id")
    # in the 04- and the 10.- file (Sbo schools have no reference levels; 00CV no advices)
    assert sorted(school.index) == ["00AP00", "00AR00", "00AV00", "00AZ00", "00CD00", "00CG00"]
    # De Harlekijn: HAVO 8 + HAVO/VWO 5 + VWO 10 = 23 (all published), advices 43 + three '<5' (2.5 each)
    assert school.loc["00CG00", "n_events"] == 23
    assert school.loc["00CG00", "n_pupils"] == pytest.approx(43 + 3 * 2.5)
    # E from the year's national relation: its totals match O's (intercept not penalised)
    assert school["n_expected"].sum() == pytest.approx(school["n_events"].sum(), rel=1e-6)
    assert (school["ratio"] - school["n_events"] / school["n_expected"]).abs().max() < 1e-12
    assert (
        (school["ratio_lower"] <= school["shrunk_ratio"]) & (school["shrunk_ratio"] <= school["ratio_upper"])
    ).all()
    assert (ATTAINMENT_TARGET, "gemeente") in report.previews
    assert not any(key[0] == ATTAINMENT_TARGET for key in report.skipped)
    assert {("under_advice", lv) for lv in ("school", "pc4", "gemeente")} <= set(report.skipped)


def test_validate_prints_o_e_and_refuses_to_train_on_one_year(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--data-dir", str(SAMPLES)], env={"COLUMNS": "250"})
    out = result.output
    assert result.exit_code == 2, out
    assert f"training needs at least {MIN_TRAINING_YEARS} school years" in out
    assert "skipped under_advice × school" in out and "brin6_heroverweging" in out
    assert re.search(r"00CG00 .* 2024 .* 50\.5 .* 23\.0 ", out), out
    assert "O/E" in out


def test_run_refuses_the_same_way(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    shutil.copytree(SAMPLES, folder)
    env = {
        "COLUMNS": "250",
        "KANSENRADAR_OUTPUT_DIR": str(tmp_path / "out"),
        "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}",
    }
    result = runner.invoke(app, ["run", "--data-dir", str(folder)], env=env)
    assert result.exit_code == 2, result.output
    assert f"training needs at least {MIN_TRAINING_YEARS} school years" in result.output
