"""Realism of the embedded default: the pure measures, and the targets on the generated world."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.synthetic import GENERATOR_VERSION, REALISM_FILE, SimulationParameters, manifest_status
from features.synthetic.realism import (
    DYNAMICS_REAL,
    DYNAMICS_TOLERANCE,
    STRUCTURE_TARGET,
    TEST_MEAN_TARGET,
    VSV_TARGET,
    advice_per_brin4,
    context_predictability,
    format_table,
    school_test_z,
    spearman,
    vwo_equivalent_share,
    year_pair_dynamics,
)

SHARED_TOOL = Path(__file__).resolve().parents[3] / "shared" / "tools" / "advice_dynamics.py"


# ------------------------------------------------------------------ pure measures
def test_school_test_z_standardises_within_provider_and_weights_by_pupils() -> None:
    tests = pd.DataFrame(
        {
            "brin6": ["A", "B", "C", "A", "D", "E", "F"],
            "test": ["CET", "CET", "CET", "IEP", "IEP", "IEP", "IEP"],
            "n": [30, 20, 10, 10, 20, 20, 3],
            "mean_score": [540.0, 535.0, 530.0, 70.0, 80.0, 90.0, 99.0],
        }
    )
    z = school_test_z(tests)
    assert "F" not in z.index  # fewer than 5 pupils: left out
    assert z["B"] == pytest.approx(0.0)  # the CET mean of the three school means
    assert z["C"] == pytest.approx(-1.0)
    # A: CET z = +1 with 30 pupils, IEP z = -1 with 10 pupils → pupil-weighted +0.5
    assert z["A"] == pytest.approx(0.5)


def test_vwo_equivalent_share_reads_suppressed_as_two_weights_years_and_drops_small_schools() -> None:
    rows = []
    for year in (2019, 2024):
        rows += [
            {"brin6": "A", "school_year": year, "advice": "VWO", "n": 10},
            {"brin6": "A", "school_year": year, "advice": "HAVO_VWO", "n": 3},  # published <5 → 2
            {"brin6": "A", "school_year": year, "advice": "HAVO", "n": 10},
            {"brin6": "A", "school_year": year, "advice": "VMBO_GT", "n": 20},
            {"brin6": "S", "school_year": year, "advice": "VWO", "n": 10},  # 20 advices: too few
        ]
    rows.append({"brin6": "A", "school_year": 2018, "advice": "VWO", "n": 500})  # outside the years
    share = vwo_equivalent_share(pd.DataFrame(rows))
    assert list(share.index) == ["A"]
    assert share["A"] == pytest.approx((10 + 0.5 * 2 + 0.1 * 10) / (10 + 2 + 10 + 20))
    # year weights matter when years differ
    rows2 = [
        {"brin6": "A", "school_year": 2019, "advice": "VWO", "n": 40},
        {"brin6": "A", "school_year": 2024, "advice": "VMBO_GT", "n": 40},
    ]
    assert vwo_equivalent_share(pd.DataFrame(rows2))["A"] == pytest.approx(0.2 * 40 / (0.2 * 40 + 1.2 * 40))


def test_spearman_uses_shared_keys_only() -> None:
    a = pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd"))
    b = pd.Series([10.0, 30.0, 20.0, 40.0, -5.0], index=list("abcde"))
    r, n = spearman(a, b)
    assert n == 4
    assert r == pytest.approx(0.8)


def test_advice_per_brin4_sums_locations_as_published_and_counts_havo_plus() -> None:
    rows = [
        {"brin6": "00AA00", "school_year": 2019, "advice": "HAVO", "n": 10},
        {"brin6": "00AA00", "school_year": 2019, "advice": "VWO", "n": 3},  # published <5 → 2
        {"brin6": "00AA00", "school_year": 2019, "advice": "VMBO_GT", "n": 20},
        {"brin6": "00AA01", "school_year": 2019, "advice": "HAVO_VWO", "n": 6},
        {"brin6": "00AA01", "school_year": 2019, "advice": "ADVIES_NIET_MOGELIJK", "n": 1},  # → 2
        {"brin6": "00AA00", "school_year": 2018, "advice": "VWO", "n": 50},  # before the wide files
    ]
    counts = advice_per_brin4(pd.DataFrame(rows)).set_index(["brin4", "school_year"])
    assert list(counts.index) == [("00AA", 2019)]
    assert counts.loc[("00AA", 2019), "advices"] == 10 + 2 + 20 + 6 + 2
    assert counts.loc[("00AA", 2019), "havo_plus"] == 10 + 2 + 6


def test_year_pair_dynamics_by_hand() -> None:
    place = ["A", "B", "C", "D"] * 2
    year = [2019] * 4 + [2020] * 4
    n = [20, 40, 20, 10, 20, 40, 20, 10]  # D: fewer than 15 → left out
    k = [10, 10, 2, 9, 12, 8, 4, 1]  # shares A .5 → .6, B .25 → .2, C .1 → .2
    rho, dispersion = year_pair_dynamics(pd.Series(place), pd.Series(year), pd.Series(n), pd.Series(k), 15)
    # ranks 2019: A 3, B 2, C 1; 2020: A 3, B 1.5, C 1.5 → Pearson of ranks
    assert rho == pytest.approx(np.corrcoef([3, 2, 1], [3, 1.5, 1.5])[0, 1])
    changes = np.array([0.1, -0.05, 0.1]) ** 2
    pbar = np.array([0.55, 0.225, 0.15])
    expected = pbar * (1 - pbar) * (2 / np.array([20, 40, 20]))
    assert dispersion == pytest.approx(changes.mean() / expected.mean())


def test_year_pair_dynamics_is_one_for_pure_sampling_noise_and_more_with_wobble() -> None:
    rng = np.random.default_rng(0)
    places, years = 3000, np.arange(2019, 2025)
    p = rng.uniform(0.2, 0.7, places)
    n = rng.integers(15, 60, (len(years), places))

    def measured(shares: np.ndarray) -> tuple[float, float]:
        k = rng.binomial(n, shares)
        return year_pair_dynamics(
            pd.Series(np.tile(np.arange(places), len(years))),
            pd.Series(np.repeat(years, places)),
            pd.Series(n.ravel()),
            pd.Series(k.ravel()),
            15,
        )

    rho, dispersion = measured(np.broadcast_to(p, n.shape))
    assert dispersion == pytest.approx(1.0, abs=0.05)
    wobble = np.clip(p + rng.normal(0, 0.06, n.shape), 0.01, 0.99)
    rho_w, dispersion_w = measured(wobble)
    assert dispersion_w > 1.2
    assert rho_w < rho


def test_context_predictability_finds_a_linear_context_and_not_noise() -> None:
    rng = np.random.default_rng(1)
    brin4 = [f"{i:04d}" for i in range(600)]
    context = pd.DataFrame(
        {"z": rng.normal(0, 1, 600), "ach": rng.uniform(0, 50, 600), "woz": rng.uniform(150, 600, 600)},
        index=pd.Index(brin4, name="brin4"),
    )
    share = 1 / (1 + np.exp(-(0.8 * context["z"] + np.log(context["woz"]) - np.log(300))))
    n = 60
    counts = pd.DataFrame(
        {"brin4": brin4, "school_year": 2019, "advices": n, "havo_plus": np.round(share.to_numpy() * n)}
    )
    r, count = context_predictability(counts, context)
    assert count == 600
    assert r > 0.95
    noise = counts.assign(havo_plus=rng.binomial(n, 0.5, 600))
    assert abs(context_predictability(noise, context)[0]) < 0.2
    few = counts.assign(advices=20, havo_plus=10)  # fewer than 30 advices: no school counts
    assert context_predictability(few, context)[1] == 0


def test_format_table_reads_back_the_written_csv(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "section": ["x", "y"],
            "figure": ["a", "b"],
            "real": [0.43, None],
            "simulated": [0.4371, 30935.0],
            "target": ["±0.03", "(none)"],
            "ok": [True, None],
        }
    )
    table.to_csv(tmp_path / "r.csv", index=False)
    rows = format_table(pd.read_csv(tmp_path / "r.csv"))
    assert rows[0] == ("a", "0.430", "0.437", "±0.03", "ok")
    assert rows[1] == ("b", "–", "30,935", "(none)", "")


# ------------------------------------------------------------- the generated default
@pytest.fixture(scope="module")
def realism(generated: Path) -> pd.DataFrame:
    return pd.read_csv(generated / REALISM_FILE)


def _sim(realism: pd.DataFrame, needle: str) -> float:
    row = realism[realism["figure"].str.contains(needle, regex=False)]
    assert len(row) == 1, needle
    return float(row["simulated"].iloc[0])


def test_generated_default_meets_the_realism_targets(realism: pd.DataFrame) -> None:
    assert _sim(realism, "2018-19 test mean, rank correlation with the real school") >= TEST_MEAN_TARGET
    assert _sim(realism, "2014-15 VSV rate, rank correlation with the real VO school") >= VSV_TARGET
    lo, hi = STRUCTURE_TARGET
    assert lo <= _sim(realism, "VWO-equivalent advice share") <= hi
    judged = realism[realism["ok"].notna()]
    assert len(judged) >= 10
    assert judged["ok"].astype(str).eq("True").all(), judged[judged["ok"].astype(str) != "True"]


def test_advice_practice_moves_like_duos_six_real_years(realism: pd.DataFrame) -> None:
    """Persistence, dispersion and context of the HAVO+ share within tolerance of the real
    figures (``../shared/tools/advice_dynamics.py`` on DUO 2019-20 … 2024-25)."""
    dynamics = realism[realism["section"] == "dynamics"].reset_index(drop=True)
    assert len(dynamics) == 3
    for row, key in zip(dynamics.itertuples(), ("persistence", "dispersion", "context"), strict=True):
        assert float(row.real) == DYNAMICS_REAL[key]
        assert abs(float(row.simulated) - DYNAMICS_REAL[key]) <= DYNAMICS_TOLERANCE[key], row.figure
    schools = int(re.search(r"\(([\d,]+) schools\)", dynamics["figure"].iloc[2]).group(1).replace(",", ""))
    assert schools > 5_500  # real: 6,006


def test_dropout_dynamics_are_shown_without_a_real_figure(realism: pd.DataFrame) -> None:
    vsv = realism[realism["figure"].str.startswith("VSV rate, year-on-year")]
    assert len(vsv) == 2
    assert vsv["real"].isna().all() and vsv["ok"].isna().all()
    assert vsv["target"].str.contains("no real figure").all()
    assert 1.0 < _sim(realism, "VSV rate, year-on-year squared change") < 3.0


def test_the_shared_script_agrees_with_the_realism_rows(generated: Path, realism: pd.DataFrame) -> None:
    """The same three figures from the published files by the script the real ones came from."""
    if not SHARED_TOOL.is_file():
        pytest.skip("../shared/tools is not present (only in the development workspace)")
    import subprocess
    import sys

    skeleton = Path(__file__).resolve().parents[2] / "features" / "skeleton"
    out = subprocess.run(
        [sys.executable, str(SHARED_TOOL), str(generated), str(skeleton)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    script = {line.split()[0]: float(line.split()[2]) for line in out.splitlines() if "world" in line}
    dynamics = realism[realism["section"] == "dynamics"]
    for key, value in zip(("persistence", "dispersion", "context"), dynamics["simulated"], strict=True):
        assert script[key] == pytest.approx(float(value), abs=0.002), key


def test_next_cohort_is_a_redraw_not_a_copy(realism: pd.DataFrame) -> None:
    """Only the anchor year reproduces the real means; later cohorts are re-drawn around a
    shrunk level, so their correlation with it is clearly below 1 (but clearly positive)."""
    assert 0.4 < _sim(realism, "2018-19 × 2019-20") < 0.85
    assert 0.4 < _sim(realism, "VSV rate, year-on-year rank") < 0.9


def test_structure_recomputed_from_the_published_files(sources, realism: pd.DataFrame) -> None:
    """The in-memory measure agrees with the same figure computed from the published files
    through the real readers (``<5`` read as 2), as an analyst would on DUO downloads."""
    e = sources["eindscores"]
    e18 = e[e["school_year"] == 2018]
    tests = pd.DataFrame(
        {
            "brin6": e18["brin6"],
            "test": e18["test"],
            "n": np.where(e18["n_pupils_suppressed"], 2, e18["n_pupils"].astype("Float64").fillna(0)),
            "mean_score": e18["mean_score"],
        }
    )
    a = sources["advice"]
    advice = pd.DataFrame(
        {
            "brin6": a["brin6"],
            "school_year": a["school_year"],
            "advice": a["advice"],
            "n": np.where(a["suppressed"], 2, a["n_pupils"].astype("Float64").fillna(0)).astype(float),
        }
    )
    r, n = spearman(school_test_z(tests), vwo_equivalent_share(advice))
    assert n > 6000
    assert r == pytest.approx(_sim(realism, "VWO-equivalent advice share"), abs=0.01)


def test_planted_hot_spots_keep_their_count_and_onsets(generated: Path) -> None:
    p = SimulationParameters()
    truth = pd.read_csv(generated / "truth" / "ground_truth.csv", dtype={"place_id": str})
    counts = truth.groupby(["target", "level"]).size()
    assert counts[("under_advice", "school")] == round(p.hot_school_share * 6579)
    assert counts[("under_advice", "gemeente")] == p.hot_gemeente_count
    assert counts[("dropout", "school")] == round(p.hot_vsv_school_share * 1270)
    assert counts[("dropout", "gemeente")] == p.hot_vsv_gemeente_count
    assert set(truth["onset_year"]) <= set(p.hot_onset_years)


# ------------------------------------------------------------------ generator version
def test_manifest_records_the_generator_version_and_stale_folders_are_recognised(
    generated: Path, tmp_path: Path
) -> None:
    manifest = json.loads((generated / "MANIFEST.json").read_text())
    assert manifest["generator_version"] == GENERATOR_VERSION
    assert REALISM_FILE.as_posix() in manifest["files"]
    assert manifest_status(generated) == "current"
    old = tmp_path / "old"
    old.mkdir()
    assert manifest_status(old) == "user"  # no manifest: the user's own downloads
    (old / "MANIFEST.json").write_text(json.dumps({**manifest, "generator_version": GENERATOR_VERSION - 1}))
    assert manifest_status(old) == "stale"
    del manifest["generator_version"]
    (old / "MANIFEST.json").write_text(json.dumps(manifest))
    assert manifest_status(old) == "stale"


def test_cli_refuses_a_stale_folder_that_is_not_the_default(generated: Path, tmp_path: Path) -> None:
    import typer

    from app.cli import ensure_default_data

    stale = tmp_path / "stale"
    shutil.copytree(generated, stale)
    manifest = json.loads((stale / "MANIFEST.json").read_text())
    (stale / "MANIFEST.json").write_text(json.dumps({**manifest, "generator_version": 1}))
    with pytest.raises(typer.Exit):
        ensure_default_data(stale)
    ensure_default_data(generated)  # current: reused as it is
