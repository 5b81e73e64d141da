"""How much the simulated world looks like the real one: real figure beside simulated figure.

The embedded default is only useful if its cross-sections look like the Netherlands: analysts see
flags at real, named schools and researchers compare methods on it. This module computes, as pure
functions of DataFrames, every figure for which a real counterpart is on hand (the 2018-19 test
means per school, the 2014-15 VSV rate per VO school, published national figures, the structure
between test and advice seen in real DUO data) and the simulated one, so that ``generate`` can
write ``truth/realism.csv`` and print the table, and tests can hold the targets.

Definitions shared by real and simulated data (one place each):

* :func:`school_test_z` — a school's mean test score, z-scored within provider over schools with
  at least :data:`MIN_TESTED` pupils, averaged over its providers weighted by pupils.
* :func:`vwo_equivalent_share` — (VWO + ½ HAVO/VWO + 0.1 HAVO) / all advices, summed over the
  advice years 2019-20 … 2024-25 with weights 0.2 … 1.2, ``<5`` read as 2.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from features.advice import ADVICE_LEVELS

if TYPE_CHECKING:
    from features.synthetic.world import Skeleton, World

MIN_TESTED = 5
"""Providers with fewer pupils at a school are left out of its test mean (too noisy)."""
MIN_ADVICES = 30
"""Schools with fewer (unweighted) advices are left out of the test-vs-advice structure."""
SUPPRESSED_READ_AS = 2
STRUCTURE_YEARS: dict[int, float] = {2019: 0.2, 2020: 0.4, 2021: 0.6, 2022: 0.8, 2023: 1.0, 2024: 1.2}
VWO_WEIGHTS: dict[str, float] = {"VWO": 1.0, "HAVO_VWO": 0.5, "HAVO": 0.1}
STRUCTURE_REAL = (0.35, 0.40)
"""Rank correlation test mean × VWO-equivalent share in real DUO data (issue 16)."""
STRUCTURE_TARGET = (0.35, 0.45)
TEST_MEAN_TARGET = 0.85
VSV_TARGET = 0.90
CALIBRATION_TOLERANCE = {"below": 0.03, "raised": 0.05, "vsv_rate": 0.001}

COLUMNS = ["section", "figure", "real", "simulated", "target", "ok"]


def as_published(counts: pd.Series | np.ndarray, below: int = 5) -> np.ndarray:
    """Counts as a reader of published files would use them: 1..below-1 → :data:`SUPPRESSED_READ_AS`."""
    c = np.asarray(counts, dtype=float)
    return np.where((c > 0) & (c < below), SUPPRESSED_READ_AS, c)


def school_test_z(tests: pd.DataFrame) -> pd.Series:
    """Mean test score per school, z within provider, pupil-weighted over providers.

    ``tests`` has one row per school × provider: ``brin6``, ``test``, ``n``, ``mean_score``.
    Provider scales differ, so school means are standardised over the schools of a provider.
    """
    t = tests[(tests["n"] >= MIN_TESTED) & tests["mean_score"].notna()].copy()
    grp = t.groupby("test")["mean_score"]
    t["z"] = (t["mean_score"] - grp.transform("mean")) / grp.transform("std")
    t["wz"] = t["z"] * t["n"]
    agg = t.groupby("brin6")[["wz", "n"]].sum()
    return (agg["wz"] / agg["n"]).rename("test_z")


def vwo_equivalent_share(advice: pd.DataFrame, below: int = 5) -> pd.Series:
    """VWO-equivalent share of advices per school over 2019-20 … 2024-25 (weighted by year).

    ``advice`` is long: ``brin6``, ``school_year``, ``advice`` (ADVICE_LEVELS code), ``n``
    (true counts; they are read as published). Schools with fewer than :data:`MIN_ADVICES`
    advices in those years are left out.
    """
    a = advice[
        advice["school_year"].isin(list(STRUCTURE_YEARS)) & (advice["advice"] != "ADVIES_NIET_MOGELIJK")
    ]
    n = as_published(a["n"], below)
    w = a["school_year"].map(STRUCTURE_YEARS).to_numpy()
    frame = pd.DataFrame(
        {
            "brin6": a["brin6"].to_numpy(),
            "n": n,
            "wn": w * n,
            "wv": w * n * a["advice"].map(VWO_WEIGHTS).fillna(0.0).to_numpy(),
        }
    )
    agg = frame.groupby("brin6")[["n", "wn", "wv"]].sum()
    agg = agg[agg["n"] >= MIN_ADVICES]
    return (agg["wv"] / agg["wn"]).rename("vwo_share")


def spearman(a: pd.Series, b: pd.Series) -> tuple[float, int]:
    """Rank correlation over the keys both series share, and how many there are."""
    both = pd.concat([a, b], axis=1, join="inner").dropna()
    if len(both) < 3:
        return float("nan"), len(both)
    r = both.iloc[:, 0].rank().corr(both.iloc[:, 1].rank())
    return float(r), len(both)


def _row(section: str, figure: str, real: object, simulated: object, target: str, ok: bool | None) -> dict:
    return {
        "section": section,
        "figure": figure,
        "real": real,
        "simulated": simulated,
        "target": target,
        "ok": ok,
    }


def _quantiles(values: pd.Series | np.ndarray) -> str:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    q = np.percentile(v, [10, 50, 90]) if v.size else [np.nan] * 3
    return " / ".join(f"{x:.0f}" for x in q)


def realism_table(
    *,
    real_tests: pd.DataFrame,
    sim_tests: pd.DataFrame,
    sim_advice: pd.DataFrame,
    real_vsv: pd.DataFrame,
    sim_vsv_school: pd.DataFrame,
    sim_vsv_gemeente: pd.DataFrame,
    calibration: pd.DataFrame,
    real_sizes: pd.Series,
    sim_sizes: pd.Series,
    sim_tests_next: pd.DataFrame | None = None,
    below: int = 5,
) -> pd.DataFrame:
    """Every real figure on hand beside its simulated counterpart, with the target and a verdict.

    * ``real_tests`` / ``sim_tests``: school × provider 2018-19 (``brin6, test, n, mean_score``);
    * ``sim_advice``: long advice counts per school-year (``brin6, school_year, advice, n``);
    * ``real_vsv`` (``brin6, n_pupils, n_vsv``, 2014-15) and ``sim_vsv_school`` (per year);
    * ``sim_vsv_gemeente``: per gemeente × year × sex (``n_pupils, n_vsv``);
    * ``calibration``: per year × parental education (``n_tested, n_eligible, n_raised``);
    * ``real_sizes`` / ``sim_sizes``: grade-8 pupils per school in 2018-19.
    """
    rows: list[dict] = []
    tol = CALIBRATION_TOLERANCE

    # --- national calibration targets (published figures)
    c23 = calibration[calibration["school_year"] == 2023].set_index("parent_education")
    below_test = c23["n_eligible"] / c23["n_tested"]
    for group, real in (("low", 0.43), ("high", 0.17)):
        sim = float(below_test.get(group, np.nan))
        rows.append(
            _row(
                "national",
                f"2023-24 advice below test, {group} parental education",
                real,
                sim,
                f"±{tol['below']}",
                abs(sim - real) < tol["below"],
            )
        )
    raised = calibration.groupby("school_year")[["n_raised", "n_eligible"]].sum()
    share = raised["n_raised"] / raised["n_eligible"]
    for year, real in ((2023, 0.75), (2022, 0.30)):
        sim = float(share.get(year, np.nan))
        rows.append(
            _row(
                "national",
                f"{year}-{(year + 1) % 100:02d} eligible advices raised",
                real,
                sim,
                f"±{tol['raised']}",
                abs(sim - real) < tol["raised"],
            )
        )
    g = (
        sim_vsv_gemeente[sim_vsv_gemeente["sex"] == "total"]
        .groupby("school_year")[["n_vsv", "n_pupils"]]
        .sum()
    )
    vsv_rate = g["n_vsv"] / g["n_pupils"]
    for year, real in ((2014, 0.018), (2020, 0.0187)):
        sim = float(vsv_rate.get(year, np.nan))
        rows.append(
            _row(
                "national",
                f"{year}-{(year + 1) % 100:02d} VSV rate",
                real,
                sim,
                f"±{tol['vsv_rate']}",
                abs(sim - real) < tol["vsv_rate"],
            )
        )
    leavers = float(g["n_vsv"].get(2022, np.nan))
    rows.append(
        _row(
            "national",
            "2022-23 early school leavers",
            30250,
            leavers,
            "28,500–32,000",
            28_500 < leavers < 32_000,
        )
    )

    # --- per school: anchored to the real schools
    r_test, n_test = spearman(school_test_z(real_tests), school_test_z(sim_tests))
    rows.append(
        _row(
            "per school",
            f"2018-19 test mean, rank correlation with the real school ({n_test:,} schools)",
            1.0,
            r_test,
            f"≥ {TEST_MEAN_TARGET}",
            r_test >= TEST_MEAN_TARGET,
        )
    )
    if sim_tests_next is not None:
        r_next, _ = spearman(school_test_z(sim_tests), school_test_z(sim_tests_next))
        rows.append(
            _row(
                "per school",
                "test mean 2018-19 × 2019-20, rank correlation (the next cohort, redrawn)",
                None,
                r_next,
                "(no real figure on hand)",
                None,
            )
        )
    real_rate = real_vsv.set_index("brin6")["n_vsv"].astype(float) / real_vsv.set_index("brin6")[
        "n_pupils"
    ].astype(float)
    s14 = sim_vsv_school[sim_vsv_school["school_year"] == sim_vsv_school["school_year"].min()].set_index(
        "brin6"
    )
    sim_rate = s14["n_vsv"].astype(float) / s14["n_pupils"].astype(float).where(s14["n_pupils"] > 0)
    r_vsv, n_vsv = spearman(real_rate, sim_rate)
    rows.append(
        _row(
            "per school",
            f"2014-15 VSV rate, rank correlation with the real VO school ({n_vsv:,} schools)",
            1.0,
            r_vsv,
            f"≥ {VSV_TARGET}",
            r_vsv >= VSV_TARGET,
        )
    )
    years = sorted(sim_vsv_school["school_year"].unique())
    by_year = sim_vsv_school.assign(
        rate=sim_vsv_school["n_vsv"] / sim_vsv_school["n_pupils"].where(sim_vsv_school["n_pupils"] > 0)
    )
    wide = by_year.pivot(index="brin6", columns="school_year", values="rate")
    persistence = float(np.nanmean([spearman(wide[a], wide[b])[0] for a, b in itertools.pairwise(years)]))
    rows.append(
        _row(
            "per school",
            "VSV rate, year-on-year rank correlation (mean)",
            None,
            persistence,
            "(no real figure)",
            None,
        )
    )

    # --- structure: test level vs advice practice
    r_struct, n_struct = spearman(school_test_z(sim_tests), vwo_equivalent_share(sim_advice, below))
    lo, hi = STRUCTURE_TARGET
    rows.append(
        _row(
            "structure",
            f"test mean 2018-19 × VWO-equivalent advice share 2019-25, rank corr. ({n_struct:,} schools)",
            f"{STRUCTURE_REAL[0]:.2f}–{STRUCTURE_REAL[1]:.2f}",
            r_struct,
            f"{lo:.2f}–{hi:.2f}",
            lo <= r_struct <= hi,
        )
    )

    # --- distributions
    rows.append(
        _row(
            "distribution",
            "grade-8 pupils per school 2018-19, p10 / p50 / p90",
            _quantiles(real_sizes),
            _quantiles(sim_sizes),
            "(close)",
            None,
        )
    )
    real_tested = real_tests.groupby("brin6")["n"].sum()
    sim_tested = sim_tests.groupby("brin6")["n"].sum()
    rows.append(
        _row(
            "distribution",
            "tested pupils per school 2018-19, p10 / p50 / p90",
            _quantiles(real_tested[real_tested > 0]),
            _quantiles(sim_tested[sim_tested > 0]),
            "(close)",
            None,
        )
    )
    real_cells = real_tests["n"][real_tests["n"] > 0]
    sim_cells = sim_tests["n"][sim_tests["n"] > 0]
    rows.append(
        _row(
            "distribution",
            f"school × test cells 2018-19 with 1–{below - 1} pupils (published as <{below})",
            float((real_cells < below).mean()),
            float((sim_cells < below).mean()),
            "(close)",
            None,
        )
    )
    adv = sim_advice[sim_advice["n"] > 0]
    rows.append(
        _row(
            "distribution",
            f"advice cells 2014-25 published as <{below}",
            None,
            float((adv["n"] < below).mean()),
            "(no real figure)",
            None,
        )
    )
    return pd.DataFrame(rows, columns=COLUMNS)


def _display(v: object) -> str:
    try:
        x = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(v)
    if np.isnan(x):
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3f}" if abs(x) >= 0.1 or x == 0 else f"{x:.4f}"


def format_table(table: pd.DataFrame) -> list[tuple[str, str, str, str, str]]:
    """Rows of display strings (figure, real, simulated, target, verdict) for the CLI/README.

    Works on the table as computed and as read back from ``truth/realism.csv``.
    """
    out = []
    for r in table.itertuples():
        ok = r.ok
        verdict = (
            ""
            if ok is None or (isinstance(ok, float) and np.isnan(ok))
            else ("ok" if ok in (True, "True") else "MISSED")
        )
        out.append((str(r.figure), _display(r.real), _display(r.simulated), str(r.target), verdict))
    return out


def measure(world: World, skeleton: Skeleton, below: int = 5) -> pd.DataFrame:
    """:func:`realism_table` for a simulated world on its real skeleton."""
    e = world.eindscores
    advice = world.advice.melt(
        id_vars=["brin6", "school_year"],
        value_vars=[*ADVICE_LEVELS, "ADVIES_NIET_MOGELIJK"],
        var_name="advice",
        value_name="n",
    )
    cohort_2018 = advice[advice["school_year"] == 2018].groupby("brin6")["n"].sum()
    columns = ["brin6", "test", "n", "mean_score"]
    return realism_table(
        real_tests=skeleton.real_tests,
        sim_tests=e.loc[e["school_year"] == 2018, columns],
        sim_advice=advice,
        real_vsv=skeleton.vo_schools[["brin6", "n_pupils", "n_vsv"]],
        sim_vsv_school=world.vsv_school,
        sim_vsv_gemeente=world.vsv_gemeente,
        calibration=world.calibration,
        real_sizes=skeleton.schools["n_grade8"].astype(float),
        sim_sizes=cohort_2018,
        sim_tests_next=e.loc[e["school_year"] == 2019, columns],
        below=below,
    )
