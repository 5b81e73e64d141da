"""Named, documented indicators and the one feature registry models and the app both read.

Each indicator is a pure function ``(panel) -> Series`` of a place-year panel that already
carries targets (:func:`features.targets.add_targets`), registered with Dutch and English
labels, unit, source, the first year it can exist, and its *kind*:

* ``history`` — the place's own past outcomes (years t, t-1, t-2): never t + 1;
* ``context`` — composition and regional context (CBS, achterstandsscores), as known in year t
  (:mod:`features.context`): the latest snapshot with reference year ≤ t; years before the first
  snapshot use it and are *context known later* (:meth:`Indicator.context_known_later`);
* ``size`` — how many pupils a figure rests on;
* ``regime`` — the 2023-24 switch to the doorstroomtoets and mandatory revision.

Time discipline: a row for year t predicts ``elevated_next`` (t + 1) and may use published data
of years ≤ t only. Lags are looked up by *year* (``t - k``), not by row position, so a missing
year gives NaN instead of silently borrowing an older one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.context import CONTEXT_KNOWN_LATER
from features.panel import rate
from features.targets import TARGET_COLUMNS
from features.vocabulary import ATTAINMENT_TARGET, RATE_TARGETS
from features.vocabulary import LEVELS as ALL_LEVELS
from features.vocabulary import TARGETS as BOTH
from features.years import is_doorstroomtoets_regime


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """Metadata of one feature; ``func`` computes it from a place-year panel."""

    name: str
    label_nl: str
    label_en: str
    unit: str
    source: str
    first_year: int
    kind: str
    func: Callable[[pd.DataFrame], pd.Series]
    targets: tuple[str, ...] = BOTH
    levels: tuple[str, ...] = ALL_LEVELS
    description: str = ""
    snapshots: tuple[int, ...] = ()  # reference years of the context files (context kind only)
    years: tuple[int, ...] = (0,)
    denominator: str = "n_pupils"
    valid_range: tuple[float, float] = (-np.inf, np.inf)

    def label(self, lang: str = "nl") -> str:
        return self.label_nl if lang == "nl" else self.label_en

    def context_known_later(self, year: int) -> bool:
        """True when this context value for school year ``year`` comes from a later snapshot."""
        return self.kind == "context" and bool(self.snapshots) and year < min(self.snapshots)

    def timing_note(self, year: int) -> str:
        """:data:`~features.context.CONTEXT_KNOWN_LATER` for such years, else empty."""
        return CONTEXT_KNOWN_LATER if self.context_known_later(year) else ""


REGISTRY: dict[str, Indicator] = {}
UNIT_RANGES: dict[str, tuple[float, float]] = {
    "%": (0.0, 100.0),
    "%-point": (-100.0, 100.0),
    "%-point per year": (-100.0, 100.0),
    "years": (0.0, 3.0),
    "0/1": (0.0, 1.0),
    "SD": (-20.0, 20.0),
    "level (0–10)": (0.0, 10.0),
    "log(pupils)": (0.0, 16.0),
    "class": (1.0, 5.0),
    "k€ per inhabitant": (0.0, 1000.0),
    "score": (-50.0, 50.0),
    "ratio": (0.0, 50.0),
}
"""What a value of each unit can be: REST serving refuses anything outside (a 4xx naming the
column); missing values stay legitimate (lags before the first year, unknown context)."""


def indicator(
    name: str,
    label_nl: str,
    label_en: str,
    unit: str,
    source: str,
    first_year: int,
    kind: str,
    targets: tuple[str, ...] = BOTH,
    levels: tuple[str, ...] = ALL_LEVELS,
    snapshots: tuple[int, ...] = (),
    *,
    years: tuple[int, ...] | None = None,
    denominator: str = "n_pupils",
    valid_range: tuple[float, float] | None = None,
) -> Callable[[Callable[[pd.DataFrame], pd.Series]], Callable]:
    """Register a feature function under ``name`` with its documentation.

    ``years`` are the school years (offsets from t) whose pupils the value rests on — by
    default t for outcome and size indicators and none for context and regime — and
    ``denominator`` the panel count it divides by: :func:`features.suppression.publishable_indicators`
    shows a value only when every such year is published and rests on at least 10 of them.
    ``valid_range`` is what a value can be (REST input checks); default by unit.
    """

    def register(func: Callable[[pd.DataFrame], pd.Series]) -> Callable:
        if name in REGISTRY:
            raise ValueError(f"indicator {name!r} registered twice")
        REGISTRY[name] = Indicator(
            name=name,
            label_nl=label_nl,
            label_en=label_en,
            unit=unit,
            source=source,
            first_year=first_year,
            kind=kind,
            func=func,
            targets=targets,
            levels=levels,
            description=(func.__doc__ or "").strip(),
            snapshots=snapshots,
            years=years if years is not None else ((0,) if kind in ("history", "size") else ()),
            denominator=denominator,
            valid_range=valid_range if valid_range is not None else UNIT_RANGES.get(unit, (-np.inf, np.inf)),
        )
        return func

    return register


def lag(panel: pd.DataFrame, column: str, years: int) -> pd.Series:
    """Value of ``column`` for the same place ``years`` school years earlier (NaN if absent)."""
    values = panel.set_index(["place_id", "school_year"])[column]
    key = pd.MultiIndex.from_arrays([panel["place_id"], panel["school_year"] - years])
    return pd.Series(values.reindex(key).to_numpy(), index=panel.index)


OUTCOME = "DUO heroverweging / VSV"


# ------------------------------------------------------------------------------ history
@indicator("rate_now", "Percentage dit jaar", "Rate this year", "%", OUTCOME, 2014, "history", RATE_TARGETS)
def rate_now(panel: pd.DataFrame) -> pd.Series:
    """Raw rate in year t: under-advised (eligible) pupils or new early leavers per pupil."""
    return panel["rate"] * 100


@indicator(
    "rate_lag1",
    "Percentage vorig jaar",
    "Rate last year",
    "%",
    OUTCOME,
    2015,
    "history",
    RATE_TARGETS,
    years=(1,),
)
def rate_lag1(panel: pd.DataFrame) -> pd.Series:
    """Raw rate in year t-1."""
    return lag(panel, "rate", 1) * 100


@indicator(
    "rate_lag2",
    "Percentage twee jaar terug",
    "Rate two years ago",
    "%",
    OUTCOME,
    2016,
    "history",
    RATE_TARGETS,
    years=(2,),
)
def rate_lag2(panel: pd.DataFrame) -> pd.Series:
    """Raw rate in year t-2."""
    return lag(panel, "rate", 2) * 100


@indicator(
    "shrunk_rate",
    "Gecorrigeerd percentage (EB)",
    "Shrunken rate (EB)",
    "%",
    OUTCOME,
    2014,
    "history",
    RATE_TARGETS,
)
def shrunk_rate(panel: pd.DataFrame) -> pd.Series:
    """Empirical-Bayes posterior mean of the rate in year t: small places pulled to the mean."""
    return panel["shrunk_rate"] * 100


@indicator(
    "gap_to_national", "Verschil met landelijk", "Gap to national rate", "%-point", OUTCOME, 2014, "history"
)
def gap_to_national(panel: pd.DataFrame) -> pd.Series:
    """Shrunken rate minus the national rate of year t."""
    return (panel["shrunk_rate"] - panel["national_rate"]) * 100


@indicator(
    "trend_3y",
    "Trend over drie jaar",
    "Three-year trend",
    "%-point per year",
    OUTCOME,
    2016,
    "history",
    years=(0, 2),
)
def trend_3y(panel: pd.DataFrame) -> pd.Series:
    """Change of the gap to national per year over t-2 … t (rising = worsening)."""
    gap = panel["shrunk_rate"] - panel["national_rate"]
    gap2 = lag(panel.assign(_gap=gap), "_gap", 2)
    return (gap - gap2) / 2 * 100


@indicator(
    "gap_change_1y",
    "Verandering t.o.v. vorig jaar",
    "Change since last year",
    "%-point",
    OUTCOME,
    2015,
    "history",
    years=(0, 1),
)
def gap_change_1y(panel: pd.DataFrame) -> pd.Series:
    """Change of the gap to national since t-1: the first sign of an emerging hot spot."""
    gap = panel["shrunk_rate"] - panel["national_rate"]
    return (gap - lag(panel.assign(_gap=gap), "_gap", 1)) * 100


@indicator(
    "rises_in_a_row",
    "Jaren op rij gestegen",
    "Years rising in a row",
    "years",
    OUTCOME,
    2016,
    "history",
    years=(0, 1, 2),
    valid_range=(0.0, 2.0),
)
def rises_in_a_row(panel: pd.DataFrame) -> pd.Series:
    """How many of the last two year-on-year changes of the gap were increases (0–2)."""
    gap = (panel["shrunk_rate"] - panel["national_rate"]).rename("_gap")
    p = panel.assign(_gap=gap)
    g0, g1, g2 = gap, lag(p, "_gap", 1), lag(p, "_gap", 2)
    return ((g0 > g1).astype(float) + (g1 > g2).astype(float)).where(g2.notna())


@indicator(
    "interval_width",
    "Onzekerheid (breedte interval)",
    "Uncertainty (interval width)",
    "%-point",
    OUTCOME,
    2014,
    "history",
    RATE_TARGETS,
)
def interval_width(panel: pd.DataFrame) -> pd.Series:
    """Width of the 90 % posterior interval in year t: wide = the figure rests on few pupils."""
    return (panel["rate_upper"] - panel["rate_lower"]) * 100


@indicator(
    "elevated_now",
    "Verhoogd dit jaar",
    "Elevated this year",
    "0/1",
    OUTCOME,
    2014,
    "history",
    years=(0,),
)
def elevated_now(panel: pd.DataFrame) -> pd.Series:
    """Whether the place is elevated in t itself (1/0): the persistence baseline's input."""
    return lag(panel, "elevated", 0)


@indicator(
    "elevated_years_3",
    "Jaren verhoogd (van 3)",
    "Years elevated (of 3)",
    "years",
    OUTCOME,
    2014,
    "history",
    years=(0, 1, 2),
)
def elevated_years_3(panel: pd.DataFrame) -> pd.Series:
    """In how many of t-2, t-1, t the place was elevated (missing years count as not)."""
    return sum(lag(panel, "elevated", k).fillna(0) for k in (0, 1, 2))


@indicator(
    "unresolved_rate",
    "Niet-bijgesteld ondergeadviseerd",
    "Unresolved under-advice",
    "%",
    "DUO heroverweging",
    2014,
    "history",
    targets=("under_advice",),
)
def unresolved_rate(panel: pd.DataFrame) -> pd.Series:
    """Pupils eligible for reconsideration whose advice was *not* raised, per tested pupil."""
    return rate(panel["n_events"] - panel["n_raised"], panel["n_pupils"]).to_numpy() * 100


@indicator(
    "revision_rate",
    "Aandeel bijgesteld",
    "Share of eligible advices raised",
    "%",
    "DUO heroverweging",
    2014,
    "history",
    targets=("under_advice",),
    denominator="n_events",
)
def revision_rate(panel: pd.DataFrame) -> pd.Series:
    """Of the pupils eligible for reconsideration, the share whose advice was raised."""
    return rate(panel["n_raised"], panel["n_events"]).to_numpy() * 100


@indicator(
    "test_score_level",
    "Toetsniveau (z)",
    "Test score level (z)",
    "SD",
    "DUO eind-/doorstroomtoets",
    2014,
    "history",
    targets=("under_advice",),
)
def test_score_level(panel: pd.DataFrame) -> pd.Series:
    """Mean test result, standardised within provider and year (provider scales differ)."""
    return rate(panel["sum_test_z"], panel["n_pupils"]).to_numpy()


@indicator(
    "test_score_spread",
    "Spreiding toetsniveau",
    "Test score spread",
    "SD",
    "DUO eind-/doorstroomtoets",
    2014,
    "history",
    targets=("under_advice",),
    levels=("pc4", "gemeente"),
)
def test_score_spread(panel: pd.DataFrame) -> pd.Series:
    """Between-school spread of the standardised test level within the area."""
    mean = rate(panel["sum_test_z"], panel["n_pupils"])
    sq = rate(panel["sumsq_test_z"], panel["n_pupils"])
    return np.sqrt(np.clip(sq - mean**2, 0, None)).to_numpy()


@indicator(
    "advice_level_mean",
    "Gemiddeld adviesniveau",
    "Mean advice level",
    "level (0–10)",
    "DUO advies",
    2014,
    "history",
    targets=("under_advice", ATTAINMENT_TARGET),
    denominator="n_advice",
)
def advice_level_mean(panel: pd.DataFrame) -> pd.Series:
    """Mean final advice on the ladder VSO (0) … VWO (10)."""
    return rate(panel["sum_advice_level"], panel["n_advice"]).to_numpy()


@indicator(
    "advice_vs_test_gap",
    "Advies t.o.v. toets",
    "Advice relative to test",
    "SD",
    "DUO advies + toets",
    2014,
    "history",
    targets=("under_advice",),
)
def advice_vs_test_gap(panel: pd.DataFrame) -> pd.Series:
    """Mean advice level (standardised over places in year t) minus the test level: low =
    advices lag behind what the test says."""
    adv = pd.Series(rate(panel["sum_advice_level"], panel["n_advice"]).to_numpy(), index=panel.index)
    z = adv.groupby(panel["school_year"]).transform(lambda s: (s - s.mean()) / s.std())
    return z - rate(panel["sum_test_z"], panel["n_pupils"]).to_numpy()


@indicator(
    "share_havo_plus",
    "Aandeel havo/vwo-advies",
    "Share havo/vwo advice",
    "%",
    "DUO advies",
    2014,
    "history",
    targets=("under_advice", ATTAINMENT_TARGET),
    denominator="n_advice",
)
def share_havo_plus(panel: pd.DataFrame) -> pd.Series:
    """Final advices at havo, havo/vwo or vwo, per pupil with an advice."""
    return rate(panel["n_havo_plus"], panel["n_advice"]).to_numpy() * 100


# ------------------------------------------------------------- attainment (ratio target)
ATTAINMENT = "DUO schooladviezen + referentieniveaus"


@indicator(
    "oe_ratio_now",
    "Havo/vwo-adviezen t.o.v. verwacht (O/E)",
    "HAVO+ advices relative to expected (O/E)",
    "ratio",
    ATTAINMENT,
    2014,
    "history",
    (ATTAINMENT_TARGET,),
)
def oe_ratio_now(panel: pd.DataFrame) -> pd.Series:
    """Observed HAVO+ advices over those the place's attainment predicts nationally (year t)."""
    return panel["ratio"].astype(float)


@indicator(
    "oe_ratio_lag1",
    "O/E vorig jaar",
    "O/E last year",
    "ratio",
    ATTAINMENT,
    2015,
    "history",
    (ATTAINMENT_TARGET,),
    years=(1,),
)
def oe_ratio_lag1(panel: pd.DataFrame) -> pd.Series:
    """O/E in year t-1."""
    return lag(panel, "ratio", 1)


@indicator(
    "shrunk_oe_ratio",
    "Gecorrigeerde O/E (EB)",
    "Shrunken O/E (EB)",
    "ratio",
    ATTAINMENT,
    2014,
    "history",
    (ATTAINMENT_TARGET,),
)
def shrunk_oe_ratio(panel: pd.DataFrame) -> pd.Series:
    """Poisson–gamma posterior mean of O/E in year t: small places pulled to the national 1."""
    return panel["shrunk_ratio"].astype(float)


@indicator(
    "oe_interval_width",
    "Onzekerheid O/E (breedte interval)",
    "Uncertainty of O/E (interval width)",
    "ratio",
    ATTAINMENT,
    2014,
    "history",
    (ATTAINMENT_TARGET,),
)
def oe_interval_width(panel: pd.DataFrame) -> pd.Series:
    """Width of the 90 % posterior interval of O/E in year t (wide = few pupils)."""
    return (panel["ratio_upper"] - panel["ratio_lower"]).astype(float)


@indicator(
    "expected_havo_plus",
    "Verwacht aandeel havo/vwo-advies",
    "Expected share of HAVO+ advice",
    "%",
    ATTAINMENT,
    2014,
    "history",
    (ATTAINMENT_TARGET,),
)
def expected_havo_plus(panel: pd.DataFrame) -> pd.Series:
    """E per pupil with an advice: the HAVO+ share the place's attainment predicts nationally."""
    return rate(panel["n_expected"], panel["n_pupils"]).to_numpy() * 100


def _streef(subject: str, label_nl: str, label_en: str) -> None:
    def func(panel: pd.DataFrame) -> pd.Series:
        return rate(panel[f"n_streef_{subject}"], panel[f"n_result_{subject}"]).to_numpy() * 100

    func.__doc__ = f"Share of pupils with a {label_en} result that reach the streefniveau (year t)."
    indicator(
        f"streef_{subject}",
        label_nl,
        label_en,
        "%",
        "DUO referentieniveaus",
        2014,
        "history",
        (ATTAINMENT_TARGET,),
        denominator=f"n_result_{subject}",
    )(func)


_streef("reading", "Streefniveau lezen (2F)", "Reading at streefniveau (2F)")
_streef("spelling", "Streefniveau taalverzorging (2F)", "Taalverzorging at streefniveau (2F)")
_streef("maths", "Streefniveau rekenen (1S)", "Maths at streefniveau (1S)")


# --------------------------------------------------------------------------------- size
@indicator(
    "log_pupils", "Aantal leerlingen (log)", "Number of pupils (log)", "log(pupils)", "DUO", 2014, "size"
)
def log_pupils(panel: pd.DataFrame) -> pd.Series:
    """log(1 + pupils) the rate of year t rests on."""
    return np.log1p(panel["n_pupils"])


# ------------------------------------------------------------------------------ context
@indicator(
    "achterstand_per_pupil",
    "Achterstandsscore per leerling",
    "Disadvantage score per pupil",
    "score",
    "CBS achterstandsscores (1 Oct 2019)",
    2019,
    "context",
    targets=("under_advice", ATTAINMENT_TARGET),
    levels=("school", "pc4", "gemeente"),
    snapshots=(2019,),
)
def achterstand_per_pupil(panel: pd.DataFrame) -> pd.Series:
    """CBS school disadvantage score divided by funded pupils (expected disadvantage mix)."""
    return rate(panel["sum_achterstand"], panel["n_funded_pupils"]).to_numpy()


def _context(name: str, label_nl: str, label_en: str, unit: str, column: str, doc: str) -> None:
    def func(panel: pd.DataFrame) -> pd.Series:
        return panel[column].astype(float)

    func.__doc__ = doc
    indicator(
        name,
        label_nl,
        label_en,
        unit,
        "CBS kerncijfers wijken en buurten 2021",
        2021,
        "context",
        snapshots=(2021,),
    )(func)


_context(
    "pct_low_income",
    "Huishoudens met laag inkomen",
    "Low-income households",
    "%",
    "pct_low_income",
    "Share of households below the low-income threshold (gemeente).",
)
_context(
    "pct_low_education",
    "Laagopgeleiden",
    "Low-educated residents",
    "%",
    "pct_low_education",
    "Share of 15–75 year-olds with low education (gemeente).",
)
_context(
    "pct_non_western",
    "Niet-westerse migratieachtergrond",
    "Non-Western migration background",
    "%",
    "pct_non_western",
    "Share of residents with a non-Western background (gemeente).",
)
_context(
    "urbanity",
    "Stedelijkheid (1 = zeer sterk, 5 = niet)",
    "Urbanity (1 = very, 5 = not)",
    "class",
    "urbanity",
    "CBS degree of urbanisation of the gemeente.",
)
_context(
    "avg_income_k",
    "Gemiddeld inkomen",
    "Average income",
    "k€ per inhabitant",
    "avg_income_k",
    "Average income per inhabitant (gemeente).",
)
_context(
    "pct_youth_care",
    "Jongeren met jeugdzorg",
    "Youth in youth care",
    "%",
    "pct_youth_care",
    "Share of young people receiving youth care (gemeente).",
)


@indicator(
    "ses_pc4",
    "SES-score postcodegebied",
    "Socio-economic status of the PC4",
    "score",
    "CBS SES-WOA 2021–2022",
    2021,
    "context",
    levels=("school", "pc4"),
    snapshots=(2021, 2022),
)
def ses_pc4(panel: pd.DataFrame) -> pd.Series:
    """CBS SES-WOA total score of the school's postcode-4 area (negative = below average),
    2021 figures up to 2021-22, 2022 figures from 2022-23."""
    return panel["ses_pc4"].astype(float)


@indicator(
    "pc4_non_european",
    "Herkomst buiten Europa (PC4)",
    "Origin outside Europe (PC4)",
    "%",
    "CBS kerncijfers per postcode-4 2023–2024",
    2023,
    "context",
    levels=("school", "pc4"),
    snapshots=(2023, 2024),
)
def pc4_non_european(panel: pd.DataFrame) -> pd.Series:
    """Share of residents of the postcode-4 area with an origin outside Europe (born in or
    outside the Netherlands; CBS's 2022+ definition, not the older "non-Western")."""
    return panel["pc4_non_european"].astype(float) if "pc4_non_european" in panel else _nan(panel)


@indicator(
    "pc4_benefits_per_1k",
    "Uitkeringen per 1.000 inwoners (PC4)",
    "Benefit recipients per 1,000 (PC4)",
    "per 1,000",
    "CBS kerncijfers per postcode-4 2023–2024",
    2023,
    "context",
    levels=("school", "pc4"),
    snapshots=(2023, 2024),
)
def pc4_benefits_per_1k(panel: pd.DataFrame) -> pd.Series:
    """Residents of the postcode-4 area with unemployment, social-assistance or disability
    benefits, per 1,000 inhabitants."""
    return panel["pc4_benefits_per_1k"].astype(float) if "pc4_benefits_per_1k" in panel else _nan(panel)


def _nan(panel: pd.DataFrame) -> pd.Series:
    return pd.Series(np.nan, index=panel.index)


# ------------------------------------------------------------------------------- regime
@indicator(
    "doorstroomtoets_target_year",
    "Doorstroomtoets in doeljaar",
    "Doorstroomtoets in target year",
    "0/1",
    "Wet doorstroomtoetsen PO",
    2014,
    "regime",
)
def doorstroomtoets_target_year(panel: pd.DataFrame) -> pd.Series:
    """1 when the predicted year (t + 1) falls in the doorstroomtoets regime (from 2023-24):
    the test moved to February and raising the advice became near-mandatory."""
    return (panel["school_year"] + 1).map(is_doorstroomtoets_regime).astype(float)


@indicator(
    "doorstroomtoets_now",
    "Doorstroomtoets dit jaar",
    "Doorstroomtoets this year",
    "0/1",
    "Wet doorstroomtoetsen PO",
    2014,
    "regime",
)
def doorstroomtoets_now(panel: pd.DataFrame) -> pd.Series:
    """1 when year t itself was a doorstroomtoets year."""
    return panel["school_year"].map(is_doorstroomtoets_regime).astype(float)


# ------------------------------------------------------------------------------- access
def feature_names(target: str, level: str, kinds: tuple[str, ...] | None = None) -> list[str]:
    """Registered indicators that apply to a target and level, optionally of given kinds."""
    return [
        i.name
        for i in REGISTRY.values()
        if target in i.targets and level in i.levels and (kinds is None or i.kind in kinds)
    ]


def compute_features(panel: pd.DataFrame, target: str, level: str) -> pd.DataFrame:
    """All applicable indicators for a panel that carries targets; keeps keys and labels."""
    keep = ["place_id", "school_year", "n_pupils", *TARGET_COLUMNS, "elevated_next", "rate_next"]
    keep += ["n_events", "n_advice", "disclosure"]  # denominators and what may be shown (suppression)
    out = panel[[c for c in keep if c in panel]].copy()
    for name in feature_names(target, level):
        out[name] = np.asarray(REGISTRY[name].func(panel), dtype=float)
    return out


def label(name: str, lang: str = "nl") -> str:
    """Human label of an indicator (or the name itself if it is not registered)."""
    return REGISTRY[name].label(lang) if name in REGISTRY else name
