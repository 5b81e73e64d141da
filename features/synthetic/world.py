"""The simulated world: real skeleton in, per-school-year outcome tables out.

See :mod:`features.synthetic.parameters` for every mechanism. Nothing here writes files; the
publishing formats live in :mod:`features.synthetic.publish`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtr

from features.advice import ADVICE_LEVELS, TEACHER_MATRIX_CODE, TEST_MATRIX_CODE
from features.panel import population_weighted
from features.paths import SKELETON_DIR
from features.sources import (
    harmonise_gemeente,
    read_achterstandsscores,
    read_advice_matrix,
    read_eindscores_wide,
    read_gemeente_history,
    read_gemeente_kerncijfers,
    read_pc4_kerncijfers,
    read_school_register,
    read_ses_pc4,
    read_vsv_per_school,
)
from features.sources.duo import REFERENCE_LEVEL_COLUMNS
from features.synthetic.attainment import attainment_counts
from features.synthetic.parameters import (
    ADVICE_SHARES,
    DOORSTROOMTOETS_NAMES,
    DOORSTROOMTOETS_SCALE,
    PROVIDER_SCALES,
    SimulationParameters,
)
from features.synthetic.realism import MIN_TESTED, real_context, school_test_z
from features.years import is_doorstroomtoets_regime

N_LEVELS = len(ADVICE_LEVELS)
WOZ_FILE = "pc4_2023_v2.xlsx"
"""CBS kerncijfers per PC4 whose mean WOZ value (2023) is part of a school's context."""


@dataclass
class Skeleton:
    """Real schools and gemeenten the simulation runs on (all gemeente codes harmonised)."""

    schools: pd.DataFrame  # PO schools
    vo_schools: pd.DataFrame  # VO schools with real 2014-15 VSV
    gemeenten: pd.DataFrame  # context per gemeente
    under_matrix: np.ndarray  # [teacher level, test level] -> under-advice?
    real_tests: pd.DataFrame  # brin6, test, n, mean_score: the real 2018-19 means per provider
    real_context: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per BRIN4: the real context the advice-practice figure predicts from (``z, ach, woz``;
    :func:`features.synthetic.realism.real_context`)."""


def load_skeleton(skeleton_dir: Path = SKELETON_DIR) -> Skeleton:
    history = read_gemeente_history(skeleton_dir / "gemeenten_corop_1981.xlsx")
    kern = read_gemeente_kerncijfers(skeleton_dir / "nl_data.json")
    kern["gemeente_code"] = harmonise_gemeente(kern["gemeente_code"], history, 2021)
    gemeenten = population_weighted(kern.drop(columns=["reference_year"]), "gemeente_code", "population")
    eind = read_eindscores_wide(skeleton_dir / "gemiddelde-eindscores-bo-sbo-2018-2019.csv")
    eind["gemeente_code"] = harmonise_gemeente(eind["gemeente_code"], history, 2018)
    achter = read_achterstandsscores(skeleton_dir / "achterstandsscores-scholen-2019.xlsx")
    providers = [p for p in PROVIDER_SCALES if f"{p.lower()}_n" in eind]
    counts = eind[[f"{p.lower()}_n" for p in providers]].astype(float).to_numpy()
    schools = eind[["brin6", "school_type", "gemeente_code", "n_grade8", "pc4", "denomination"]].copy()
    schools["provider"] = np.where(counts.sum(axis=1) > 0, np.array(providers)[counts.argmax(axis=1)], "CET")
    schools = schools.merge(achter[["brin6", "n_funded_pupils", "achterstandsscore"]], on="brin6", how="left")
    schools = schools.merge(gemeenten, on="gemeente_code", how="left")
    ses = read_ses_pc4(skeleton_dir / "SES_PC4_2021-2022.csv")
    ses = ses.sort_values("year").drop_duplicates("pc4", keep="first").set_index("pc4")["ses_total"]
    schools["ses_pc4"] = schools["pc4"].map(ses)
    woz = read_pc4_kerncijfers(skeleton_dir / WOZ_FILE).drop_duplicates("pc4").set_index("pc4")["woz_k"]
    schools["woz_pc4"] = schools["pc4"].map(woz)
    schools = schools.sort_values("brin6").reset_index(drop=True)
    real_tests = pd.concat(
        [
            pd.DataFrame(
                {
                    "brin6": eind["brin6"],
                    "test": p,
                    "n": eind[f"{p.lower()}_n"].astype(float).fillna(0).to_numpy(),
                    "mean_score": eind[f"{p.lower()}_mean"].astype(float),
                }
            )
            for p in providers
        ],
        ignore_index=True,
    )

    register_vo = read_school_register(skeleton_dir / "alle-vestigingen-vo.csv")
    register_vo["gemeente_code"] = harmonise_gemeente(register_vo["gemeente_code"], history, 2020)
    vsv = read_vsv_per_school(skeleton_dir / "vsv-per-swv-2015.csv")
    vo = vsv[["swv_code", "brin6", "n_pupils", "n_vsv"]].merge(
        register_vo[["brin6", "gemeente_code"]], on="brin6", how="left"
    )
    vo = vo.merge(gemeenten, on="gemeente_code", how="left")
    vo = vo.sort_values("brin6").reset_index(drop=True)

    matrix = read_advice_matrix(skeleton_dir / "vo_advisering.xlsx")
    verdict = {(r.teacher_code, r.test_code): r.verdict for r in matrix.itertuples()}
    under = np.zeros((N_LEVELS, N_LEVELS), dtype=bool)
    for ti, teacher in enumerate(ADVICE_LEVELS):
        for si, test in enumerate(ADVICE_LEVELS):
            if test in TEST_MATRIX_CODE:
                key = (TEACHER_MATRIX_CODE[teacher], TEST_MATRIX_CODE[test])
                under[ti, si] = verdict[key] == "under"
    return Skeleton(
        schools=schools,
        vo_schools=vo,
        gemeenten=gemeenten.sort_values("gemeente_code").reset_index(drop=True),
        under_matrix=under,
        real_tests=real_tests[real_tests["n"] > 0].reset_index(drop=True),
        real_context=real_context(eind, providers, achter, woz),
    )


@dataclass
class World:
    """Per-school-year aggregates of the simulated pupils (what DUO/CBS would publish)."""

    schools: pd.DataFrame
    advice: pd.DataFrame  # brin6, school_type, school_year, advice, n
    heroverweging: pd.DataFrame  # brin6, school_type, school_year, eligible, raised, equal, lower
    eindscores: pd.DataFrame  # brin6, school_type, school_year, test, mean_score, n, n_exempt
    vsv_school: pd.DataFrame
    vsv_gemeente: pd.DataFrame  # gemeente_code, school_year, sex, n_pupils, n_vsv
    ground_truth: pd.DataFrame
    calibration: pd.DataFrame  # school_year, parent_education, n_tested, n_eligible, n_raised
    n_pupil_records: int
    rise: pd.DataFrame = field(default_factory=pd.DataFrame)
    reference_levels: pd.DataFrame = field(default_factory=pd.DataFrame)
    """brin6, school_type, school_year and pupils per attained reference level (issue 21)."""
    """Per planted place and year from onset: ``target, level, place_id, school_year,
    expected_rate`` (the no-plant expected rate) and ``rise`` (planted minus no-plant expected
    rate, on the rate scale). For evaluation only (the oracle of :mod:`experiments.emerging_eval`)."""


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _ramp(years_since_onset: np.ndarray, per_year: float, cap: float) -> np.ndarray:
    return np.clip((years_since_onset + 1) * per_year, 0.0, cap) * (years_since_onset >= 0)


def _teacher_edges(vso_cut: float, cuts: np.ndarray) -> np.ndarray:
    """Upper perception edge of each teacher level (``teacher`` in :func:`simulate`), +inf last."""
    return np.concatenate([[vso_cut], np.maximum(vso_cut, cuts), [np.inf]])


def expected_eligible(
    ability: np.ndarray,
    test_level: np.ndarray,
    bias: np.ndarray,
    noise_sd: float,
    edges: np.ndarray,
    under: np.ndarray,
) -> np.ndarray:
    """Per tested pupil, P(eligible for reconsideration) given ability, test level and bias.

    The teacher's perception is ``ability + N(0, noise_sd) − bias``; the probability of each
    teacher level is a difference of normal CDFs at its edges. No random draw is used, so the
    world's streams (and its files) are the same with or without this computation.
    """
    cdf = ndtr((edges[None, :] - (ability - bias)[:, None]) / noise_sd)
    p_level = np.diff(np.concatenate([np.zeros((ability.size, 1)), cdf], axis=1), axis=1)
    return (p_level * under[:, test_level].T).sum(axis=1)


def _rise_rows(
    target: str, level: str, ids: np.ndarray, years: np.ndarray, base: list, raised: list
) -> pd.DataFrame:
    """Long rows of (place, year) with no-plant expected rate and rise, where the rise is > 0."""
    base_m, raised_m = np.array(base), np.array(raised)  # years × places
    yi, pi = np.nonzero(raised_m - base_m > 0)
    return pd.DataFrame(
        {
            "target": target,
            "level": level,
            "place_id": ids[pi],
            "school_year": years[yi].astype(int),
            "expected_rate": base_m[yi, pi],
            "rise": raised_m[yi, pi] - base_m[yi, pi],
        }
    )


def _pick_hot(
    rng: np.random.Generator,
    n: int,
    share_or_count: float,
    onsets: tuple[int, ...],
    eligible: np.ndarray | None = None,
) -> np.ndarray:
    """Onset year per place (0 = not a hot spot)."""
    pool = np.flatnonzero(eligible) if eligible is not None else np.arange(n)
    k = round(share_or_count * n) if share_or_count < 1 else int(share_or_count)
    chosen = rng.choice(pool, size=min(k, len(pool)), replace=False)
    onset = np.zeros(n, dtype=int)
    onset[chosen] = rng.choice(onsets, size=len(chosen))
    return onset


ANCHOR_YEAR = 2018
"""School year of the real per-school test means the levels are anchored to (2018-19)."""


def _ar1(rng: np.random.Generator, n_years: int, n: int, sd: float, rho: float) -> np.ndarray:
    """A stationary AR(1) path per place (years × places) with marginal SD ``sd``."""
    out = np.empty((n_years, n))
    out[0] = rng.normal(0, sd, n)
    for t in range(1, n_years):
        out[t] = rho * out[t - 1] + rng.normal(0, sd * np.sqrt(1 - rho**2), n)
    return out


def _context_design(schools: pd.DataFrame) -> np.ndarray:
    """School context the level is predicted from (for shrinkage and for schools without a mean)."""
    disadvantage = (schools["achterstandsscore"] / schools["n_funded_pupils"].clip(lower=1)).astype(float)
    ses = schools["ses_pc4"].astype(float)
    columns = [
        np.ones(len(schools)),
        disadvantage.fillna(disadvantage.median()).to_numpy(),
        disadvantage.isna().to_numpy(dtype=float),
        ses.fillna(ses.median()).to_numpy(),
        ses.isna().to_numpy(dtype=float),
        schools["pct_low_education"].astype(float).fillna(schools["pct_low_education"].median()).to_numpy()
        / 100,
        schools["pct_non_western"].astype(float).fillna(schools["pct_non_western"].median()).to_numpy() / 100,
        schools["urbanity"].astype(float).fillna(3).to_numpy(),
        (schools["school_type"].astype(str).str.lower() == "sbo").to_numpy(dtype=float),
    ]
    return np.column_stack(columns)


def anchored_levels(
    schools: pd.DataFrame, real_tests: pd.DataFrame, params: SimulationParameters, noise: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Latent mean test level per school in pupil SDs, anchored to its real 2018-19 mean.

    Returns ``(level, observed)``: the shrunk persistent level every year is simulated from, and
    the real 2018-19 cohort mean itself (NaN where unknown), which the anchor cohort reproduces.

    The real school mean (z within provider) is itself a draw of about 25 pupils; simulating
    pupils around it again would add that sampling noise a second time. So the observed mean is
    shrunk toward what the school's context predicts, by its own reliability
    (empirical Bayes): small schools move more. Schools without a real mean get the context
    prediction plus a residual drawn with the estimated true spread (``noise`` ~ N(0, 1)).
    """
    z = school_test_z(real_tests).reindex(schools["brin6"]).to_numpy()
    tested = real_tests[real_tests["n"] >= MIN_TESTED].groupby("brin6")["n"].sum()
    n = tested.reindex(schools["brin6"]).to_numpy(dtype=float)
    known = np.isfinite(z) & (n > 0)
    r = params.school_mean_sd
    observed = z * r  # school mean deviation in pupil SDs
    m = np.mean(1 / n[known])
    tau2 = (r**2 - m) / (1 - m)  # true between-school variance
    noise_var = np.where(known, (1 - tau2) / np.where(known, n, 1), np.inf)
    x = _context_design(schools)
    beta = np.linalg.lstsq(x[known], observed[known], rcond=None)[0]
    predicted = x @ beta
    residual = observed - predicted
    tau2_resid = max(np.var(residual[known]) - np.mean(noise_var[known]), 0.01 * r**2)
    reliability = tau2_resid / (tau2_resid + noise_var)
    level = np.where(
        known, predicted + reliability * np.nan_to_num(residual), predicted + noise * np.sqrt(tau2_resid)
    )
    centre = np.mean(level[known])
    return level - centre, np.where(known, observed - centre, np.nan)


def _standardised(values: pd.Series) -> np.ndarray:
    """z over the schools that have the value; 0 (the average) where it is missing."""
    v = values.astype(float)
    return ((v - v.mean()) / v.std()).fillna(0.0).to_numpy()


def advice_practice_context(schools: pd.DataFrame, params: SimulationParameters) -> np.ndarray:
    """The part of a school's advice practice its context explains (positive = stricter advice).

    Parents in well-off postcodes push for higher advices (SES-WOA and the PC4's WOZ value),
    schools with many disadvantaged pupils are told to guard against under-advice
    (achterstandsscore per funded pupil), and some denominations advise more cautiously.
    Urbanity acts per pupil (:attr:`SimulationParameters.bias_rural_per_urbanity_step`).
    """
    disadvantage = schools["achterstandsscore"] / schools["n_funded_pupils"].clip(lower=1)
    woz = np.log(schools["woz_pc4"].astype(float).where(lambda x: x > 0))
    denomination = schools["denomination"].map(params.practice_denomination).fillna(0.0).to_numpy()
    return (
        params.practice_per_ses_sd * _standardised(schools["ses_pc4"])
        + params.practice_per_woz_sd * _standardised(woz)
        + params.practice_per_disadvantage_sd * _standardised(disadvantage)
        + denomination
    )


def simulate(
    skeleton: Skeleton, params: SimulationParameters, progress: Callable[[str], None] | None = None
) -> World:
    """Run the micro-simulation. Deterministic for a given ``params.seed``."""
    rng = np.random.default_rng(params.seed)
    years = np.arange(params.first_year, params.last_year + 1)
    s = skeleton.schools
    n_s = len(s)
    nat_low = np.nanmean(s["pct_low_education"]) / 100

    # --- static school traits
    disadvantage = (s["achterstandsscore"] / s["n_funded_pupils"].clip(lower=1)).fillna(0.0)
    gm_low = (s["pct_low_education"].fillna(nat_low * 100) / 100).to_numpy()
    p_low = np.clip(0.5 * gm_low + 1.2 * disadvantage.to_numpy() + 0.02, 0.02, 0.85)
    gm_high = (s["pct_high_education"].fillna(30) / 100).to_numpy()
    p_high = np.clip(gm_high * (1 - p_low) * 1.25, 0.03, 0.8) * (1 - p_low)
    gm_mig = (s["pct_non_western"].fillna(8) / 100).to_numpy()
    p_mig = np.clip(gm_mig * (0.6 + 2.0 * p_low), 0.0, 0.9)
    urbanity = s["urbanity"].fillna(3).to_numpy()
    # these draws keep their place in the stream so the planted hot spots stay the same places
    level_noise = rng.normal(0, 1, n_s)
    base_size = np.where(s["n_grade8"].fillna(0).to_numpy() > 0, s["n_grade8"].fillna(0), 12)
    size_trend = rng.normal(0, 0.03, n_s)
    raise_propensity = rng.normal(0, params.p_raise_school_sd, n_s)
    practice = rng.normal(0, params.school_practice_sd, n_s)
    providers = s["provider"].to_numpy()

    # --- planted under-advice hot spots (schools and gemeenten)
    onset_school = _pick_hot(
        rng, n_s, params.hot_school_share, params.hot_onset_years, eligible=base_size >= 15
    )
    gm_codes = skeleton.gemeenten["gemeente_code"].to_numpy()
    schools_per_gm = s.groupby("gemeente_code").size().reindex(gm_codes).fillna(0).to_numpy()
    onset_gm = _pick_hot(
        rng, len(gm_codes), params.hot_gemeente_count, params.hot_onset_years, eligible=schools_per_gm >= 8
    )
    gm_index = pd.Index(gm_codes).get_indexer(s["gemeente_code"])
    onset_gm_of_school = np.where(gm_index >= 0, onset_gm[np.clip(gm_index, 0, None)], 0)

    # --- the school's level, anchored to its real 2018-19 mean, and its drift over the years
    ed = np.asarray(params.effect_parent_education)
    comp_mean = (
        p_low * ed[0] + p_high * ed[2] + (1 - p_low - p_high) * ed[1] + params.effect_migration * p_mig
    )
    comp_var = (
        p_low * ed[0] ** 2
        + p_high * ed[2] ** 2
        + (1 - p_low - p_high) * ed[1] ** 2
        - (comp_mean - params.effect_migration * p_mig) ** 2
        + params.effect_migration**2 * p_mig * (1 - p_mig)
    )
    level, observed = anchored_levels(s, skeleton.real_tests, params, level_noise)
    # level is in SDs of the pupil test score; convert to the ability scale of the simulation
    within = 1 + params.test_noise_sd**2 + np.average(comp_var, weights=base_size)
    pupil_sd = np.sqrt(within / (1 - np.average(level**2, weights=base_size)))
    level_ability = level * pupil_sd
    quality = level_ability - (comp_mean - np.average(comp_mean, weights=base_size))
    rng_level = np.random.default_rng([params.seed, 3])
    drift = _ar1(rng_level, len(years), n_s, params.school_drift_sd, params.school_drift_rho)
    drift -= drift[list(years).index(ANCHOR_YEAR)] if ANCHOR_YEAR in years else 0.0
    practice_context = advice_practice_context(s, params) + params.practice_compensation * level_ability
    # the year-to-year wobble of advice practice has its own stream: the pupils stay the same draws
    rng_wobble = np.random.default_rng([params.seed, 4])

    # ability cut points fitted once on the anchor cohort so the test-level mix matches
    probe_s = rng.choice(n_s, size=200_000, p=base_size / base_size.sum())
    u_probe = rng.random(probe_s.size)
    probe_e = np.where(
        u_probe < p_low[probe_s], 0, np.where(u_probe < p_low[probe_s] + p_high[probe_s], 2, 1)
    )
    probe = (
        quality[probe_s]
        + ed[probe_e]
        + params.effect_migration * (rng.random(probe_s.size) < p_mig[probe_s])
        + rng.normal(0, 1, probe_s.size)
    )
    cuts = np.quantile(probe, np.cumsum(ADVICE_SHARES)[:-1])
    vso_cut = np.quantile(probe, 0.004)
    test_mu, test_sd = probe.mean(), np.sqrt(probe.var() + params.test_noise_sd**2)

    adv_rows, her_rows, eind_rows, calib_rows, ref_rows = [], [], [], [], []
    rng_attainment = np.random.default_rng([params.seed, 5])  # its own stream: no other draw moves
    edges = _teacher_edges(vso_cut, cuts)
    rise_school: list[tuple[np.ndarray, np.ndarray]] = []  # per year: (no-plant, planted) rate
    rise_gm: list[tuple[np.ndarray, np.ndarray]] = []
    total_records = 0
    for year in years:
        if progress:
            progress(f"pupils {year}")
        yi = year - params.first_year
        practice = params.school_practice_rho * practice + rng.normal(
            0, params.school_practice_sd * np.sqrt(1 - params.school_practice_rho**2), n_s
        )
        wobble = rng_wobble.normal(0, params.school_practice_year_sd, n_s)
        mean_size = base_size * np.exp(size_trend * (year - 2018)) * params.pupils_scale
        size = rng.poisson(mean_size)
        school = np.repeat(np.arange(n_s), size)
        n = school.size
        total_records += n
        u = rng.random(n)
        e = np.where(u < p_low[school], 0, np.where(u < p_low[school] + p_high[school], 2, 1))
        mig = rng.random(n) < p_mig[school]
        girl = rng.random(n) < 0.5
        ability = (
            quality[school]
            + drift[yi][school]
            + np.asarray(params.effect_parent_education)[e]
            + params.effect_migration * mig
            + rng.normal(0, 1, n)
        )
        z_test = ability + rng.normal(0, params.test_noise_sd, n)
        if year == ANCHOR_YEAR:
            # the anchor cohort is the one really observed: its mean is the real one, not a redraw
            sample_mean = np.bincount(school, weights=z_test, minlength=n_s) / np.maximum(size, 1)
            shift = np.where(
                np.isfinite(observed), test_mu + np.nan_to_num(observed) * test_sd - sample_mean, 0.0
            )
            ability = ability + shift[school]
            z_test = z_test + shift[school]
        test_level = 1 + np.searchsorted(cuts, z_test)
        hot_own = _ramp(year - onset_school, params.hot_school_bias_per_year, params.hot_school_bias_max) * (
            onset_school > 0
        )
        hot_gm = _ramp(
            year - onset_gm_of_school, params.hot_gemeente_bias_per_year, params.hot_gemeente_bias_max
        ) * (onset_gm_of_school > 0)
        hot = hot_own + hot_gm
        regime = is_doorstroomtoets_regime(int(year))
        bias = (
            np.asarray(params.bias_parent_education)[e]
            + params.bias_migration * mig
            + params.bias_girls * girl
            + params.bias_rural_per_urbanity_step * (urbanity[school] - 3)
            + (practice + wobble)[school]
            + practice_context[school]
            + params.practice_compensation * drift[yi][school]
            + hot[school]
            + params.year_bias_trend * yi
            + params.bias_doorstroomtoets_shift * regime
        )
        perception = ability + rng.normal(0, params.teacher_noise_sd, n) - bias
        teacher = np.where(perception < vso_cut, 0, 1 + np.searchsorted(cuts, perception))
        exempt = rng.random(n) < params.p_exempt
        eligible = skeleton.under_matrix[teacher, test_level] & ~exempt
        p_raise = _expit(
            _logit(params.p_raise_after if regime else params.p_raise_before) + raise_propensity[school]
        )
        raised = eligible & (rng.random(n) < p_raise)
        final = np.where(raised, test_level, teacher)
        no_advice = rng.random(n) < params.p_no_advice
        final = np.where(no_advice, N_LEVELS, final)  # index 11 = ADVIES_NIET_MOGELIJK
        tested = ~exempt
        equal = tested & (teacher == test_level)
        lower = tested & (test_level < teacher) & ~eligible
        # the rise each plant causes (truth/rise.csv), without a random draw
        rate_with, rate_own, rate_gm = _planted_rates(
            school,
            tested,
            ability,
            test_level,
            bias,
            hot_own,
            hot_gm,
            n_s,
            params.teacher_noise_sd,
            edges,
            skeleton,
        )
        rise_school.append((rate_own, rate_with))
        rise_gm.append(_gemeente_rates(gm_index, len(gm_codes), school, tested, rate_with, rate_gm, n_s))

        adv = np.bincount(school * (N_LEVELS + 1) + final, minlength=n_s * (N_LEVELS + 1))
        adv_rows.append((year, adv.reshape(n_s, N_LEVELS + 1)))
        her_rows.append(
            (
                year,
                np.column_stack(
                    [np.bincount(school, weights=x, minlength=n_s) for x in (eligible, raised, equal, lower)]
                ).astype(int),
            )
        )
        if regime:
            scale = np.tile(DOORSTROOMTOETS_SCALE, (n, 1))
        else:
            scale = np.array([PROVIDER_SCALES[p] for p in providers])[school]
        score = np.clip(scale[:, 0] + scale[:, 1] * (z_test - test_mu) / test_sd, scale[:, 2], scale[:, 3])
        n_tested = np.bincount(school, weights=tested, minlength=n_s)
        sum_score = np.bincount(school, weights=score * tested, minlength=n_s)
        n_exempt = np.bincount(school, weights=exempt, minlength=n_s)
        eind_rows.append((year, n_tested, sum_score, n_exempt))
        ref_rows.append(
            (year, attainment_counts(rng_attainment, (z_test - test_mu) / test_sd, school, tested, n_s))
        )
        for level in range(3):
            m = (e == level) & tested
            calib_rows.append(
                {
                    "school_year": int(year),
                    "parent_education": ("low", "mid", "high")[level],
                    "n_tested": int(m.sum()),
                    "n_eligible": int((eligible & m).sum()),
                    "n_raised": int((raised & m).sum()),
                }
            )

    world_schools = s[["brin6", "school_type", "gemeente_code", "pc4", "provider"]].copy()
    advice, heroverweging, eindscores = _tidy_po(world_schools, adv_rows, her_rows, eind_rows)
    if progress:
        progress("dropout")
    # dropout has its own random streams: changing the pupil scale leaves it unchanged
    vsv_school, onset_vsv_school, rise_vsv_school = _simulate_vsv_schools(
        np.random.default_rng([params.seed, 1]), skeleton, params, years
    )
    vsv_gemeente, onset_vsv_gm, rise_vsv_gm = _simulate_vsv_gemeenten(
        np.random.default_rng([params.seed, 2]), skeleton, params, years
    )
    brins, vo_brins = world_schools["brin6"].to_numpy(), skeleton.vo_schools["brin6"].to_numpy()
    rise = pd.concat(
        [
            _rise_rows("under_advice", "school", brins, years, *zip(*rise_school, strict=True)),
            _rise_rows("under_advice", "gemeente", gm_codes, years, *zip(*rise_gm, strict=True)),
            _rise_rows("dropout", "school", vo_brins, years, *zip(*rise_vsv_school, strict=True)),
            _rise_rows("dropout", "gemeente", gm_codes, years, *zip(*rise_vsv_gm, strict=True)),
        ],
        ignore_index=True,
    )

    truth = pd.concat(
        [
            _truth("school", world_schools["brin6"], onset_school, "under_advice"),
            _truth("gemeente", pd.Series(gm_codes), onset_gm, "under_advice"),
            _truth("school", skeleton.vo_schools["brin6"], onset_vsv_school, "dropout"),
            _truth("gemeente", pd.Series(gm_codes), onset_vsv_gm, "dropout"),
        ],
        ignore_index=True,
    )
    return World(
        schools=world_schools,
        advice=advice,
        heroverweging=heroverweging,
        eindscores=eindscores,
        vsv_school=vsv_school,
        vsv_gemeente=vsv_gemeente,
        ground_truth=truth,
        calibration=pd.DataFrame(calib_rows),
        n_pupil_records=total_records,
        rise=rise,
        reference_levels=_per_school_year(
            world_schools, ref_rows, [c for c, _, _ in REFERENCE_LEVEL_COLUMNS]
        ),
    )


def _planted_rates(
    school: np.ndarray,
    tested: np.ndarray,
    ability: np.ndarray,
    test_level: np.ndarray,
    bias: np.ndarray,
    hot_own: np.ndarray,
    hot_gm: np.ndarray,
    n_s: int,
    noise_sd: float,
    edges: np.ndarray,
    skeleton: Skeleton,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected eligible count per school with every plant, without its own, without its gemeente's.

    Computed for the pupils of raised schools only (elsewhere all three are 0).
    """
    out = [np.zeros(n_s), np.zeros(n_s), np.zeros(n_s)]
    idx = np.flatnonzero(tested & ((hot_own + hot_gm)[school] > 0))
    if idx.size == 0:
        return out[0], out[1], out[2]
    sch = school[idx]
    for k, minus in enumerate((0.0, hot_own[sch], hot_gm[sch])):
        p = expected_eligible(
            ability[idx], test_level[idx], bias[idx] - minus, noise_sd, edges, skeleton.under_matrix
        )
        out[k] = np.bincount(sch, weights=p, minlength=n_s)
    n_tested = np.maximum(np.bincount(school, weights=tested, minlength=n_s), 1)
    return out[0] / n_tested, out[1] / n_tested, out[2] / n_tested


def _gemeente_rates(
    gm_index: np.ndarray,
    n_gm: int,
    school: np.ndarray,
    tested: np.ndarray,
    rate_with: np.ndarray,
    rate_without: np.ndarray,
    n_s: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``(no-plant, planted)`` expected rate per gemeente: tested-weighted over its schools."""
    n_tested = np.bincount(school, weights=tested, minlength=n_s)
    inside = gm_index >= 0
    g = gm_index[inside]
    total = np.maximum(np.bincount(g, weights=n_tested[inside], minlength=n_gm), 1)
    planted = np.bincount(g, weights=(rate_with * n_tested)[inside], minlength=n_gm) / total
    without = np.bincount(g, weights=(rate_without * n_tested)[inside], minlength=n_gm) / total
    return without, planted


def _truth(level: str, ids: pd.Series, onset: np.ndarray, target: str) -> pd.DataFrame:
    mask = onset > 0
    return pd.DataFrame(
        {"level": level, "place_id": ids.to_numpy()[mask], "target": target, "onset_year": onset[mask]}
    )


def _per_school_year(schools: pd.DataFrame, rows: list, columns: list[str]) -> pd.DataFrame:
    """Stack (year, school × column count matrix) pairs into one long school-year table."""
    frames = []
    for year, mat in rows:
        frame = pd.DataFrame(mat, columns=columns)
        frame.insert(0, "brin6", schools["brin6"].to_numpy())
        frame.insert(1, "school_type", schools["school_type"].to_numpy())
        frame.insert(2, "school_year", int(year))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _tidy_po(
    schools: pd.DataFrame, adv_rows: list, her_rows: list, eind_rows: list
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    advice = _per_school_year(schools, adv_rows, [*ADVICE_LEVELS, "ADVIES_NIET_MOGELIJK"])
    heroverweging = _per_school_year(schools, her_rows, ["eligible", "raised", "equal", "lower"])
    eind = []
    for year, n_tested, sum_score, n_exempt in eind_rows:
        regime = is_doorstroomtoets_regime(int(year))
        test = schools["provider"].map(DOORSTROOMTOETS_NAMES) if regime else schools["provider"]
        eind.append(
            pd.DataFrame(
                {
                    "brin6": schools["brin6"].to_numpy(),
                    "school_type": schools["school_type"].to_numpy(),
                    "school_year": int(year),
                    "test": test.to_numpy(),
                    "mean_score": np.where(n_tested > 0, sum_score / np.maximum(n_tested, 1), np.nan),
                    "n": n_tested.astype(int),
                    "n_exempt": n_exempt.astype(int),
                }
            )
        )
    eindscores = pd.concat(eind, ignore_index=True)
    return advice, heroverweging, eindscores


def _eb_rates(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Empirical-Bayes rate per place: the beta prior's strength from the spread of the rates.

    A school's real 2014-15 rate rests on a handful of leavers; its persistent rate is pulled
    toward the national one by its own sampling noise (method of moments), so later years
    re-drawn around it do not count that noise twice. Places without a count get the national rate.
    """
    ok = ~np.isnan(k) & (n > 0)
    p = k[ok].sum() / n[ok].sum()
    total = np.average((k[ok] / n[ok] - p) ** 2, weights=n[ok])
    noise = np.average(p * (1 - p) / n[ok], weights=n[ok])
    strength = p * (1 - p) / max(total - noise, 1e-12) - 1
    return np.where(ok, (np.nan_to_num(k) + strength * p) / (n + strength), p)


def _simulate_vsv_schools(
    rng: np.random.Generator, skeleton: Skeleton, params: SimulationParameters, years: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, list]:
    vo = skeleton.vo_schools
    n0 = vo["n_pupils"].astype(float).fillna(0).to_numpy()
    k0 = vo["n_vsv"].astype(float).to_numpy()
    base = _eb_rates(n0, k0)
    n_v = len(vo)
    onset = _pick_hot(rng, n_v, params.hot_vsv_school_share, params.hot_onset_years, eligible=n0 >= 300)
    growth = rng.normal(0, 0.02, n_v)
    # the school's own path is drawn before any count, so it does not depend on the counts' draws;
    # 2014-15 is the real, observed starting point: no effect, no wobble that year
    rho = params.vsv_school_rho
    effect = np.zeros((len(years), n_v))
    for t in range(1, len(years)):
        effect[t] = rho * effect[t - 1] + rng.normal(0, params.vsv_place_sd * np.sqrt(1 - rho**2), n_v)
    wobble = rng.normal(0, params.vsv_school_year_sd, (len(years), n_v))
    wobble[0] = 0.0
    rows, rise = [], []
    for t, year in enumerate(years):
        hot = _ramp(year - onset, params.hot_vsv_logit_per_year, params.hot_vsv_logit_max) * (onset > 0)
        logit = _logit(base) + params.vsv_national_logit_trend[int(year)] + effect[t] + wobble[t] + hot
        rise.append((_expit(logit - hot), _expit(logit)))
        n = rng.poisson(np.maximum(n0, 20) * np.exp(growth * (year - params.first_year)))
        n = np.where(n0 > 0, n, 0)
        k = rng.binomial(n, _expit(logit))
        if year == params.first_year:  # 2014-15 is the real, observed year: publish it as it was
            real = ~np.isnan(k0) & (n0 > 0)
            n, k = np.where(real, n0, n).astype(int), np.where(real, np.nan_to_num(k0), k).astype(int)
        vmbo = rng.binomial(k, 0.55)
        rows.append(
            pd.DataFrame(
                {
                    "swv_code": vo["swv_code"].to_numpy(),
                    "brin6": vo["brin6"].to_numpy(),
                    "school_year": int(year),
                    "n_pupils": n,
                    "n_vsv": k,
                    "n_vsv_vmbo": vmbo,
                    "n_vsv_mbo": 0,
                    "n_vsv_other": k - vmbo,
                }
            )
        )
    return pd.concat(rows, ignore_index=True), onset, rise


def _national_intercept(weights: np.ndarray, offset: np.ndarray, rate: float) -> float:
    """The logit intercept at which the ``weights``-weighted mean of expit(intercept + offset) is ``rate``."""
    lo, hi = -12.0, 4.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.average(_expit(mid + offset), weights=weights) < rate else (lo, mid)
    return (lo + hi) / 2


def _simulate_vsv_gemeenten(
    rng: np.random.Generator, skeleton: Skeleton, params: SimulationParameters, years: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, list]:
    g = skeleton.gemeenten
    pop = g["population"].to_numpy()
    context = (
        params.vsv_effect_low_income * (g["pct_low_income"].fillna(8) - 8)
        + params.vsv_effect_low_education * (g["pct_low_education"].fillna(28) - 28)
        + params.vsv_effect_urban * (3 - g["urbanity"].fillna(3))
    ).to_numpy()
    pupils0 = pop * params.vsv_pupils_per_inhabitant
    onset = _pick_hot(
        rng, len(g), params.hot_vsv_gemeente_count, params.hot_onset_years, eligible=pop >= 20_000
    )
    # the gemeente's path is drawn before any count, so it does not depend on the counts' draws
    effects = _ar1(rng, len(years), len(g), params.vsv_place_sd, params.vsv_place_rho)
    rows, rise = [], []
    male_share = 0.51
    for year, effect in zip(years, effects, strict=True):
        # re-centred every year: the national rate before the trend is the published 2014-15 one
        # for *this year's* effects, whatever way they wandered (every seed meets the targets)
        intercept = _national_intercept(pupils0, context + effect, params.vsv_gemeente_base_rate)
        hot = _ramp(year - onset, params.hot_vsv_logit_per_year, params.hot_vsv_logit_max) * (onset > 0)
        logit = intercept + context + effect + hot + params.vsv_national_logit_trend[int(year)]
        rise.append((_expit(logit - hot), _expit(logit)))
        n = rng.poisson(pupils0 * (1 + 0.004 * (year - params.first_year)))
        n_m = rng.binomial(n, male_share)
        n_f = n - n_m
        p = _expit(logit)
        # split the rate by sex so that male/female = vsv_male_ratio and the total stays p
        p_f = p / (male_share * params.vsv_male_ratio + (1 - male_share))
        k_m = rng.binomial(n_m, np.clip(p_f * params.vsv_male_ratio, 0, 1))
        k_f = rng.binomial(n_f, p_f)
        for sex, nn, kk in (("total", n, k_m + k_f), ("male", n_m, k_m), ("female", n_f, k_f)):
            rows.append(
                pd.DataFrame(
                    {
                        "gemeente_code": g["gemeente_code"].to_numpy(),
                        "school_year": int(year),
                        "sex": sex,
                        "n_pupils": nn,
                        "n_vsv": kk,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True), onset, rise
