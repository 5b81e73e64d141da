"""The embedded default: determinism, calibration to published figures, suppression, truth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.synthetic import generate


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", seed=7, scale=0.15)
    b = generate(tmp_path / "b", seed=7, scale=0.15)
    c = generate(tmp_path / "c", seed=8, scale=0.15)
    assert a["files"] == b["files"]
    assert a["files"]["brin6_advies.csv"] != c["files"]["brin6_advies.csv"]


def test_calibrated_to_published_national_figures(generated: Path) -> None:
    calib = pd.read_csv(generated / "truth" / "calibration.csv")
    y23 = calib[calib["school_year"] == 2023].set_index("parent_education")
    below = y23["n_eligible"] / y23["n_tested"]
    assert abs(below["low"] - 0.43) < 0.03  # published 2023-24: 43 % low-SES
    assert abs(below["high"] - 0.17) < 0.03  # vs 17 % high-SES
    raised = calib.groupby("school_year")[["n_raised", "n_eligible"]].sum()
    share = raised["n_raised"] / raised["n_eligible"]
    assert abs(share[2023] - 0.75) < 0.05  # 75 % of eligible advices raised
    assert abs(share[2022] - 0.30) < 0.05  # about 30 % the year before


def test_vsv_national_level_matches_published(sources) -> None:
    v = sources["vsv_gemeente"]
    total = v[v["sex"] == "total"].groupby("school_year")[["n_vsv", "n_pupils"]].sum()
    rate = total["n_vsv"].astype(float) / total["n_pupils"].astype(float)
    assert abs(rate[2014] - 0.018) < 0.001  # 1.8 % in 2014-15
    assert abs(rate[2020] - 0.0187) < 0.001  # 1.87 % in 2020-21
    assert 28_500 < total.loc[2022, "n_vsv"] < 32_000  # about 30,250 in 2022-23


def test_small_counts_are_published_as_suppressed(generated: Path) -> None:
    raw = pd.read_csv(generated / "brin6_advies.csv", sep=";", dtype=str, encoding="utf-8-sig")
    counts = raw["AANTAL_LEERLINGEN"]
    assert (counts == "<5").sum() > 1000
    numeric = pd.to_numeric(counts, errors="coerce").dropna()
    assert not numeric.between(1, 4).any()  # 1..4 never appear as numbers


def test_every_generated_file_reads_through_the_real_readers(sources) -> None:
    for key in ("advice", "eindscores", "heroverweging", "vsv_school", "vsv_gemeente"):
        assert len(sources[key]) > 1000, key
    assert sources["advice"]["school_year"].nunique() == 11


def test_wide_schooladviezen_equal_the_long_file(generated: Path, sources) -> None:
    from features.sources import read_schooladviezen_wide

    wide = read_schooladviezen_wide(generated / "04-leerlingen-bo-sbo-schooladviezen-2021-2022.csv")
    long = sources["advice"]
    long = long[long["school_year"] == 2021]
    a = wide[~wide["suppressed"]].groupby("advice")["n_pupils"].sum()
    b = long[~long["suppressed"]].groupby("advice")["n_pupils"].sum()
    assert a.reindex(b.index).tolist() == b.tolist()


def test_planted_hot_spots_rise_beyond_their_context(generated: Path, built) -> None:
    truth = pd.read_csv(generated / "truth" / "ground_truth.csv", dtype={"place_id": str})
    planted = truth[(truth["target"] == "under_advice") & (truth["level"] == "school")]
    panel, _ = built[("under_advice", "school")]
    early = (
        panel[panel["school_year"].between(2014, 2017)].groupby("place_id")[["n_events", "n_pupils"]].sum()
    )
    late = panel[panel["school_year"].between(2023, 2024)].groupby("place_id")[["n_events", "n_pupils"]].sum()
    change = late["n_events"] / late["n_pupils"] - early["n_events"] / early["n_pupils"]
    is_hot = change.index.isin(planted["place_id"])
    # context is constant per school, so a rise relative to other schools is beyond context
    assert change[is_hot].mean() - change[~is_hot].mean() > 0.08
    assert np.isfinite(change[is_hot]).sum() >= 0.9 * len(planted)


# ------------------------------------------------------------- no seed breaks the world
PLANTING_OFF = {
    "hot_school_share": 0.0,
    "hot_gemeente_count": 0,
    "hot_vsv_school_share": 0.0,
    "hot_vsv_gemeente_count": 0,
}


def _generate_and_validate(out: Path, seed: int, planting: bool, scale: float) -> pd.DataFrame:
    """Generate a world, check it the way ``kansenradar validate`` does; returns its realism table."""
    from dataclasses import replace

    from features.dryrun import check_folder
    from features.synthetic import REALISM_FILE, SimulationParameters

    params = SimulationParameters() if planting else replace(SimulationParameters(), **PLANTING_OFF)
    generate(out, seed=seed, scale=scale, params=params)
    report = check_folder(out)
    assert report.ok, (seed, planting, report.error())
    truth = pd.read_csv(out / "truth" / "ground_truth.csv")
    assert truth.empty != planting, (seed, planting, len(truth))
    return pd.read_csv(out / REALISM_FILE)


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "planting"), [(11, True), (7, False)])
def test_seeds_that_once_broke_generate_validate_and_meet_every_target(
    tmp_path: Path, seed: int, planting: bool
) -> None:
    """Seed 11, and seed 7 without planting, once failed to load ("more pupils exempt than
    tested"); at full scale they load and meet every judged realism target, the advice
    dynamics included."""
    realism = _generate_and_validate(tmp_path, seed, planting, scale=1.0)
    judged = realism[realism["ok"].notna()]
    assert judged["section"].eq("dynamics").sum() == 3
    assert judged["ok"].astype(str).eq("True").all(), judged[judged["ok"].astype(str) != "True"]


@pytest.mark.parametrize("planting", [True, False])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_sweep_of_seeds_generates_validates_and_meets_the_national_targets(
    tmp_path: Path, seed: int, planting: bool
) -> None:
    """Small scale (0.15 of the pupils): the files load, and the national calibration targets
    (rates, and the gemeente dropout which the scale does not touch) hold for every seed."""
    realism = _generate_and_validate(tmp_path, seed, planting, scale=0.15)
    national = realism[realism["section"] == "national"]
    assert len(national) == 7
    assert national["ok"].astype(str).eq("True").all(), national[national["ok"].astype(str) != "True"]
