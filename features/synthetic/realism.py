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
* :func:`advice_per_brin4`, :func:`year_pair_dynamics` and :func:`context_predictability` — how
  a school's advice practice moves: the three figures of ``../shared/tools/advice_dynamics.py``
  (its docstring defines them; same code on real DUO schooladviezen 2019-20 … 2024-25 gives
  :data:`DYNAMICS_REAL`), computed here on the simulated counts as published (``<5`` read as 2).
"""

from __future__ import annotations

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

HAVO_PLUS: tuple[str, ...] = ("HAVO", "HAVO_VWO", "VWO")
"""Advices counted in a school's HAVO+ share (over all advices, VSO and 'niet mogelijk' included)."""
DYNAMICS_FIRST_YEAR = 2019
"""The dynamics figures use the years DUO publishes per school in the wide files (2019-20 on)."""
MIN_PAIR_ADVICES = 15
"""A school counts in a year pair when it has at least this many advices in both years."""
MIN_POOLED_ADVICES = 30
"""A school counts in the context figure when its six years hold at least this many advices."""
DYNAMICS_REAL: dict[str, float] = {"persistence": 0.673, "dispersion": 1.30, "context": 0.615}
"""Real DUO schooladviezen 2019-20 … 2024-25, measured with ``../shared/tools/advice_dynamics.py``
(≈ 6,200 schools a year; pairs 0.662–0.687 and 1.24–1.37; context over 6,006 schools)."""
DYNAMICS_TOLERANCE: dict[str, float] = {"persistence": 0.03, "dispersion": 0.10, "context": 0.05}
"""Wider than the spread over the real year pairs: the world publishes ``<5`` in every year, the
real files only from 2022-23, and the script reads ``<5`` as 2 on both sides."""

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


def advice_per_brin4(advice: pd.DataFrame, below: int = 5) -> pd.DataFrame:
    """Advices and HAVO+ advices per BRIN4 and school year from 2019-20, as a reader of the
    published wide files sees them: each location's cell ``<5`` read as 2, locations summed.

    ``advice`` is long: ``brin6``, ``school_year``, ``advice`` (ADVICE_LEVELS code or
    ``ADVIES_NIET_MOGELIJK``), ``n`` (true counts).
    """
    a = advice[advice["school_year"] >= DYNAMICS_FIRST_YEAR]
    n = as_published(a["n"], below)
    frame = pd.DataFrame(
        {
            "brin4": a["brin6"].str[:4].to_numpy(),
            "school_year": a["school_year"].to_numpy(),
            "advices": n,
            "havo_plus": n * a["advice"].isin(HAVO_PLUS).to_numpy(),
        }
    )
    return frame.groupby(["brin4", "school_year"], as_index=False)[["advices", "havo_plus"]].sum()


def year_pair_dynamics(
    place: pd.Series, year: pd.Series, n: pd.Series, k: pd.Series, min_n: float
) -> tuple[float, float]:
    """Persistence and dispersion of a place's share ``k / n`` from one year to the next.

    Over the places with at least ``min_n`` in both years of a pair: the rank correlation of the
    share in year t and t + 1, and the mean squared change divided by the mean of its binomial
    expectation p̄ (1 − p̄) (1/n[t] + 1/n[t+1]), p̄ the pair's mean share (a ratio of means: 1.0
    is pure sampling noise). Each is averaged over the year pairs.
    """
    frame = pd.DataFrame({"place": place, "year": year, "n": n, "k": k})
    frame = frame[frame["n"] >= min_n].assign(p=lambda d: d["k"] / d["n"])
    share = frame.pivot_table(index="place", columns="year", values="p")
    size = frame.pivot_table(index="place", columns="year", values="n")
    rhos, ratios = [], []
    for t in sorted(share.columns)[:-1]:
        if t + 1 not in share:
            continue
        pair = share[[t, t + 1]].dropna()
        if len(pair) < 3:
            continue
        m = size.loc[pair.index, [t, t + 1]]
        pbar = (pair[t] + pair[t + 1]) / 2
        expected = pbar * (1 - pbar) * (1 / m[t] + 1 / m[t + 1])
        rhos.append(spearman(pair[t], pair[t + 1])[0])
        ratios.append(float(((pair[t + 1] - pair[t]) ** 2).mean() / expected.mean()))
    if not rhos:
        return float("nan"), float("nan")
    return float(np.mean(rhos)), float(np.mean(ratios))


def real_context(
    eind: pd.DataFrame, providers: list[str], achter: pd.DataFrame, woz: pd.Series
) -> pd.DataFrame:
    """Per BRIN4 the real context the advice-practice figure is predicted from.

    ``z``: the 2018-19 mean test score, z over the schools of each provider, pupil-weighted over
    providers with at least :data:`MIN_TESTED` pupils, averaged over the BRIN4's locations;
    ``ach``: the CBS achterstandsscore 2019 (the score itself, as published), averaged over its
    locations; ``woz``: the mean WOZ value (k€) of its first location's PC4. ``eind`` is
    :func:`features.sources.read_eindscores_wide`, ``achter``
    :func:`features.sources.read_achterstandsscores`, ``woz`` a series per PC4.
    """
    weighted, pupils = [], []
    for p in providers:
        mean = eind[f"{p.lower()}_mean"].astype(float)
        n = eind[f"{p.lower()}_n"].astype(float).where(lambda x: x >= MIN_TESTED)
        weighted.append((mean - mean.mean()) / mean.std() * n)
        pupils.append(n)
    z = pd.concat(weighted, axis=1).sum(axis=1, min_count=1) / pd.concat(pupils, axis=1).sum(
        axis=1, min_count=1
    )
    schools = pd.DataFrame({"brin4": eind["brin6"].str[:4], "z": z, "pc4": eind["pc4"]})
    frame = schools.groupby("brin4").agg(z=("z", "mean"), pc4=("pc4", "first"))
    ach = achter.assign(brin4=achter["brin6"].str[:4]).groupby("brin4")["achterstandsscore"].mean()
    frame["ach"] = ach.reindex(frame.index)
    frame["woz"] = frame["pc4"].map(woz).astype(float).where(lambda x: x > 0)
    return frame[["z", "ach", "woz"]]


def context_predictability(counts: pd.DataFrame, context: pd.DataFrame) -> tuple[float, int]:
    """How well real context predicts a school's pooled HAVO+ share (cross-validated).

    ``counts`` is :func:`advice_per_brin4`, ``context`` :func:`real_context`. Schools with at
    least :data:`MIN_POOLED_ADVICES` advices and a test level; a linear regression on ``z``,
    ``ach`` and log ``woz`` (medians filled in), 5-fold shuffled (seed 0) out-of-fold
    predictions; returns their rank correlation with the share and the number of schools.
    """
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import KFold, cross_val_predict

    pooled = counts.groupby("brin4")[["advices", "havo_plus"]].sum()
    pooled = pooled[pooled["advices"] >= MIN_POOLED_ADVICES]
    data = context.join((pooled["havo_plus"] / pooled["advices"]).rename("y"), how="inner")
    data = data.dropna(subset=["y", "z"])
    if len(data) < 10:
        return float("nan"), len(data)
    x = data[["z", "ach", "woz"]].copy()
    x = x.fillna(x.median())
    x["woz"] = np.log(x["woz"])
    predicted = cross_val_predict(LinearRegression(), x, data["y"], cv=KFold(5, shuffle=True, random_state=0))
    return spearman(pd.Series(predicted, index=data.index), data["y"])[0], len(data)


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
    real_context: pd.DataFrame | None = None,
    below: int = 5,
) -> pd.DataFrame:
    """Every real figure on hand beside its simulated counterpart, with the target and a verdict.

    * ``real_tests`` / ``sim_tests``: school × provider 2018-19 (``brin6, test, n, mean_score``);
    * ``sim_advice``: long advice counts per school-year (``brin6, school_year, advice, n``);
    * ``real_vsv`` (``brin6, n_pupils, n_vsv``, 2014-15) and ``sim_vsv_school`` (per year);
    * ``sim_vsv_gemeente``: per gemeente × year × sex (``n_pupils, n_vsv``);
    * ``calibration``: per year × parental education (``n_tested, n_eligible, n_raised``);
    * ``real_sizes`` / ``sim_sizes``: grade-8 pupils per school in 2018-19;
    * ``real_context``: per BRIN4 the real ``z, ach, woz`` (:func:`real_context`).
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
    vsv_rho, vsv_dispersion = year_pair_dynamics(
        sim_vsv_school["brin6"],
        sim_vsv_school["school_year"],
        sim_vsv_school["n_pupils"].astype(float),
        sim_vsv_school["n_vsv"].astype(float),
        min_n=1,
    )
    rows.append(
        _row(
            "per school",
            "VSV rate, year-on-year rank correlation (mean)",
            None,
            vsv_rho,
            "(no real figure: only 2014-15 per school on hand)",
            None,
        )
    )
    rows.append(
        _row(
            "per school",
            "VSV rate, year-on-year squared change ÷ binomial expectation (mean)",
            None,
            vsv_dispersion,
            "(no real figure: only 2014-15 per school on hand)",
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

    # --- dynamics: how a school's advice practice moves (../shared/tools/advice_dynamics.py)
    counts = advice_per_brin4(sim_advice, below)
    rho, dispersion = year_pair_dynamics(
        counts["brin4"], counts["school_year"], counts["advices"], counts["havo_plus"], MIN_PAIR_ADVICES
    )
    context, n_context = (
        context_predictability(counts, real_context) if real_context is not None else (float("nan"), 0)
    )
    for key, figure, sim in (
        ("persistence", "HAVO+ advice share, year-on-year rank correlation per school (mean)", rho),
        ("dispersion", "HAVO+ advice share, squared change ÷ binomial expectation (mean)", dispersion),
        (
            "context",
            f"HAVO+ share 2019-25 predicted from real test level, achterstand, WOZ ({n_context:,} schools)",
            context,
        ),
    ):
        real, tol = DYNAMICS_REAL[key], DYNAMICS_TOLERANCE[key]
        rows.append(_row("dynamics", figure, real, sim, f"±{tol:g}", abs(sim - real) <= tol))

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
        real_context=skeleton.real_context,
        below=below,
    )
