"""Every mechanism and parameter of the simulated world, in one place.

The embedded default is *semi-synthetic on a real skeleton*: the schools, gemeenten, their
context (CBS 2019–2024), test providers and the 2018-19 mean test score per school (DUO), and
the 2014-15 VSV counts per VO school (DUO) are real; pupils and outcomes of the other years are
simulated, so that cross-sections look like the real Netherlands school by school
(:mod:`features.synthetic.realism` measures how much).

Mechanisms (all on a latent "ability" scale in standard deviations):

1. **Pupils.** Per school and year a grade-8 cohort (Poisson around the real 2018-19 size, with a
   slow school-specific trend). Each pupil has parental education (low/mid/high; shares from the
   school's real achterstandsscore and the gemeente's education mix), a migration background
   (gemeente's non-Western share, concentrated in disadvantaged schools), sex, and a latent
   ability = school level + parental-education effect + noise.
2. **School level, anchored.** The school's level is its real 2018-19 mean (z within provider,
   :attr:`school_mean_sd` converts it to pupil SDs), shrunk toward what its context predicts by
   its own sampling noise (empirical Bayes), so re-drawing pupils does not count that noise
   twice. The 2018-19 cohort itself is the real one: its simulated mean is set to the real mean.
   Other years drift around the level (AR(1), :attr:`school_drift_sd`). Schools without a real
   mean get the context prediction plus a residual of the estimated true spread.
3. **Test.** Test score = ability + measurement noise, reported on the provider's own scale
   (:data:`PROVIDER_SCALES`); the test advice is the ability-cut level. From 2023-24 the
   *doorstroomtoets* replaces the eindtoets (new scales, taken in February).
4. **Teacher advice.** Teacher perception = ability + noise − *bias*, where bias depends on
   pupil background (parental education, migration, girls), rurality of the gemeente, the
   school's *advice practice* and — for the planted hot spots — a rise after an onset year.
   Advice practice has three parts, sized so that the school's HAVO+ advice share moves as in
   DUO's six real years 2019-20 … 2024-25 (``../shared/tools/advice_dynamics.py``; year-on-year
   rank correlation 0.673, squared change 1.30 × binomial, 0.615 predictable from real test
   level, achterstandsscore and WOZ) while the test mean × VWO-equivalent share correlation
   stays ≈ 0.40 as in real DUO data (0.35–0.40):
   * *context* (persistent): relative judgement (:attr:`practice_compensation`: teachers judge
     a pupil against the class, so strong schools advise stricter and weak schools more
     generously), SES-WOA and the mean WOZ value of the postcode (well-off parents push for
     higher advices), achterstandsscore and denomination;
   * *school-specific* (persistent): an AR(1) with :attr:`school_practice_sd` and a yearly
     correlation of :attr:`school_practice_rho` (advice culture changes slowly);
   * *this year's* wobble (:attr:`school_practice_year_sd`, independent per school and year):
     a new cohort of teachers' judgements, the real extra-binomial dispersion.
5. **Under-advice and revision.** A pupil is *eligible for reconsideration* when the
   Kansenkaart matrix says the teacher advice is *under* the test advice. Eligible advices are
   raised with a school-varying probability around :attr:`p_raise_before` (≈30 %) before
   2023-24 and :attr:`p_raise_after` (≈75 %) from 2023-24, when raising became the norm.
6. **Dropout (VSV).** Per VO school: 2014-15 is published as the real file; the school's
   persistent rate is its real rate shrunk by empirical Bayes, carried forward with a national
   trend, a persistent school effect (AR(1), :attr:`vsv_school_rho`), a wobble per school and
   year (:attr:`vsv_school_year_sd`) and planted hot spots. *Assumption*, by analogy with advice
   practice: no real per-school VSV series is on hand (only 2014-15), so persistence and
   extra-binomial wobble are not calibrated; the realism table shows them without a real figure.
   Per gemeente of residence: a logistic model of context (low income, low education, urbanity)
   with a persistent gemeente effect, its intercept re-centred every year so the national rate
   follows the published trend for every seed. Both dropout paths are drawn before any count, so
   the counts' draws do not move them.
7. **Planted truth.** A random set of schools and gemeenten whose under-advice or dropout risk
   rises from an onset year on *beyond what their context predicts* (on top of the anchored
   levels); written to ``ground_truth.csv``, which the pipeline never reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from features.years import FIRST_YEAR, LAST_YEAR

# Provider scales: (mean, sd, min, max) of a pupil's score. Eindtoets until 2022-23,
# doorstroomtoets from 2023-24 (Cito's became "Leerling in beeld").
PROVIDER_SCALES: dict[str, tuple[float, float, float, float]] = {
    "CET": (535.0, 9.0, 501.0, 550.0),
    "IEP": (80.0, 10.0, 50.0, 100.0),
    "ROUTE8": (205.0, 30.0, 100.0, 300.0),
    "DIA": (360.0, 25.0, 200.0, 400.0),
    "AMN": (200.0, 30.0, 100.0, 300.0),
}
DOORSTROOMTOETS_NAMES: dict[str, str] = {
    "CET": "LEERLINGINBEELD",
    "IEP": "IEPDOORSTROOMTOETS",
    "ROUTE8": "ROUTE8",
    "DIA": "DIADOORSTROOMTOETS",
    "AMN": "AMNDOORSTROOMTOETS",
}
DOORSTROOMTOETS_SCALE: tuple[float, float, float, float] = (210.0, 25.0, 150.0, 300.0)

ADVICE_SHARES: tuple[float, ...] = (0.02, 0.07, 0.05, 0.10, 0.05, 0.18, 0.08, 0.15, 0.10, 0.20)
"""Target national shares of the ten test levels PRO … VWO (DUO 2018-19 advice mix)."""


@dataclass(frozen=True)
class SimulationParameters:
    """Numbers that shape the simulated world; see the module docstring for the mechanisms."""

    seed: int = 20241
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR
    pupils_scale: float = 1.0  # multiply cohort sizes (benchmarks: 10 M pupil records)

    # ability
    effect_parent_education: tuple[float, float, float] = (-0.55, 0.0, 0.45)  # low, mid, high
    effect_migration: float = -0.15
    school_mean_sd: float = 0.37  # real 2018-19 SD of school means / pupil SD (CET ≈ 3.5 / 9.5)
    school_drift_sd: float = 0.10  # year-to-year drift of a school's level around its anchor
    school_drift_rho: float = 0.7
    test_noise_sd: float = 0.35

    # teacher advice bias (positive = advice lower than ability warrants)
    teacher_noise_sd: float = 0.30
    bias_parent_education: tuple[float, float, float] = (0.53, 0.14, -0.10)
    bias_migration: float = 0.10
    bias_girls: float = 0.05
    bias_rural_per_urbanity_step: float = 0.03  # per step of stedelijkheid above 3
    bias_doorstroomtoets_shift: float = 0.05  # preliminary advice in Feb, before the test
    school_practice_sd: float = 0.53  # idiosyncratic school advice practice (AR(1), persistent)
    school_practice_rho: float = 0.98  # advice culture changes slowly (≈ 0.11 SD per year)
    practice_compensation: float = (
        0.85  # teachers judge relative to the class: strong schools advise stricter
    )
    practice_per_ses_sd: float = -0.05  # well-off postcodes: higher advices
    practice_per_woz_sd: float = -0.285  # per SD of the PC4's log WOZ value
    school_practice_year_sd: float = 0.19  # this year's cohort and teachers: wobble, not persistent
    practice_per_disadvantage_sd: float = -0.03  # many disadvantaged pupils: guard against under-advice
    practice_denomination: dict[str, float] = field(
        default_factory=lambda: {
            "Algemeen bijzonder": -0.08,
            "Antroposofisch": -0.05,
            "Reformatorisch": 0.08,
            "Gereformeerd vrijgemaakt": 0.05,
            "Islamitisch": -0.05,
        }
    )
    year_bias_trend: float = 0.0

    # revision (heroverweging)
    p_raise_before: float = 0.30
    p_raise_after: float = 0.77
    p_raise_school_sd: float = 0.6  # on the logit scale

    # planted under-advice hot spots; the ramps (bias per year, cap) are sized so the rise on the
    # rate scale (truth/rise.csv) is what it was in generator 2: more practice spread flattens it
    hot_school_share: float = 0.03
    hot_gemeente_count: int = 12
    hot_onset_years: tuple[int, ...] = (2019, 2020, 2021, 2022)
    hot_school_bias_per_year: float = 0.213
    hot_school_bias_max: float = 0.71
    hot_gemeente_bias_per_year: float = 0.118
    hot_gemeente_bias_max: float = 0.41

    # dropout
    vsv_national_logit_trend: dict[int, float] = field(
        default_factory=lambda: {
            2014: 0.0,
            2015: -0.036,
            2016: -0.07,
            2017: -0.035,
            2018: -0.04,
            2019: -0.048,
            2020: 0.032,
            2021: 0.065,
            2022: 0.162,
            2023: 0.159,
            2024: 0.161,
        }
    )  # national VSV: 1.8 % (2014-15), 1.87 % (2020-21), ≈30,250 (2022-23); on the gemeente
    # intercept re-centred each year (so the same for every seed), the years between as generator 2
    vsv_gemeente_base_rate: float = 0.0180
    vsv_effect_low_income: float = 0.045  # logit per %-point of low-income households
    vsv_effect_low_education: float = 0.015  # logit per %-point of low-educated
    vsv_effect_urban: float = 0.10  # logit per step more urban (5 - stedelijkheid)
    vsv_place_sd: float = 0.15
    vsv_place_rho: float = 0.8
    vsv_school_rho: float = 0.9  # a VO school's persistent effect (AR(1), SD vsv_place_sd)
    vsv_school_year_sd: float = 0.3  # a VO school's wobble from year to year (logit, not persistent)
    vsv_pupils_per_inhabitant: float = 0.078  # 12–23 year-olds in education per inhabitant
    vsv_male_ratio: float = 1.35
    hot_vsv_school_share: float = 0.05
    hot_vsv_gemeente_count: int = 10
    hot_vsv_logit_per_year: float = 0.22
    hot_vsv_logit_max: float = 0.7

    # publication
    suppress_below: int = 5  # DUO writes counts 1..4 as "<5"
    p_no_advice: float = 0.006
    p_exempt: float = 0.03
