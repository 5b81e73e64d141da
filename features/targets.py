"""Targets, defined once: rates, empirical-Bayes shrinkage and the *elevated* rule.

**Why empirical Bayes.** A school with 12 pupils of whom 6 are under-advised has a raw rate of
50 %, but that says little: a binomial with the national 27 % gives 6 or more in 12 about one
time in seven. We fit a beta prior per level and year to the spread of rates *beyond* binomial
noise (method of moments) and combine it with the place's own counts. The posterior mean is
the *shrunken rate*; its central 90 % interval expresses our uncertainty.

**Elevated.** A place is *elevated* in year t when the lower bound of its 90 % posterior
interval exceeds the national rate of year t (the expectation for a place without further
knowledge; national per year so the 2023-24 regime break does not flag everyone). Small
places therefore need much stronger evidence, and cannot be flagged on noise alone.

The label the models learn is ``elevated_next``: the place is elevated in year t + 1, predicted
with what is known at the end of year t.

**Ratio targets** (``under_advice_attainment``, :data:`features.vocabulary.RATIO_TARGETS`): the
panel carries observed O (``n_events``) and expected E (``n_expected``) instead of a rate.
:func:`shrink_ratio` shrinks O/E with a Poisson–gamma prior fitted per year (Clayton & Kaldor
1987), gives its 90 % interval, and the place is elevated when the interval's upper bound lies
below 1 − ``elevated_margin`` (``features/target_settings.toml``). The common columns then hold
the *shortfall* 1 − O/E (``rate`` = 1 − O/E, ``rate_lower`` = 1 − upper bound of O/E, …,
``national_rate`` = 1 − ΣO/ΣE ≈ 0), so "higher = more under-advice" holds for every target and
the elevated rule reads the same: ``rate_lower`` above ``national_rate`` + margin. The ratio
itself is kept in ``ratio``, ``shrunk_ratio``, ``ratio_lower``, ``ratio_upper``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import betaincinv, gammaincinv  # quantiles without importing scipy.stats (0.8 s)

from features.panel import rate
from features.vocabulary import ATTAINMENT_TARGET

INTERVAL = 0.90
# what :func:`add_targets` adds to a panel, in the order tables show them
TARGET_COLUMNS = ("rate", "shrunk_rate", "rate_lower", "rate_upper", "national_rate", "elevated")
MIN_PRIOR_STRENGTH = 2.0
MAX_PRIOR_STRENGTH = 1e5


def beta_prior(events: np.ndarray, pupils: np.ndarray) -> tuple[float, float]:
    """Method-of-moments beta prior for one cross-section of places.

    The between-place variance is the observed (pupil-weighted) variance of rates minus the
    average binomial variance; the prior strength ``a + b`` follows from it.
    """
    events = np.asarray(events, dtype=float)
    pupils = np.asarray(pupils, dtype=float)
    ok = pupils > 0
    events, pupils = events[ok], pupils[ok]
    if pupils.sum() == 0:
        return 1.0, 1.0
    m = events.sum() / pupils.sum()
    r = events / pupils
    var_obs = np.average((r - m) ** 2, weights=pupils)
    noise = m * (1 - m) * len(pupils) / pupils.sum()  # pupil-weighted mean binomial variance
    tau2 = max(var_obs - noise, 1e-8)
    strength = float(np.clip(m * (1 - m) / tau2 - 1, MIN_PRIOR_STRENGTH, MAX_PRIOR_STRENGTH))
    return m * strength, (1 - m) * strength


def shrink(panel: pd.DataFrame, interval: float = INTERVAL) -> pd.DataFrame:
    """Posterior mean and interval of each place-year's rate (prior fitted per year).

    Returns columns ``rate``, ``shrunk_rate``, ``rate_lower``, ``rate_upper``,
    ``national_rate`` aligned with ``panel``. A small place is pulled harder toward the
    national rate than a large place with the same observed rate, and its interval is wider:

    >>> panel = pd.DataFrame({"school_year": 2023, "n_events": [4, 40, 10, 10, 12, 8],
    ...                       "n_pupils": [10, 100, 100, 100, 100, 100]})
    >>> out = shrink(panel)
    >>> bool(out.loc[0, "shrunk_rate"] < out.loc[1, "shrunk_rate"])  # both observe 40 %
    True
    >>> bool((out.loc[0, "rate_upper"] - out.loc[0, "rate_lower"])
    ...      > (out.loc[1, "rate_upper"] - out.loc[1, "rate_lower"]))
    True
    >>> round(float(out.loc[0, "national_rate"]), 3)  # summed events over summed pupils
    0.165
    """
    out = pd.DataFrame(index=panel.index)
    out["rate"] = rate(panel["n_events"], panel["n_pupils"]).to_numpy()
    lo_q, hi_q = (1 - interval) / 2, 1 - (1 - interval) / 2
    for col in ("shrunk_rate", "rate_lower", "rate_upper", "national_rate"):
        out[col] = np.nan
    for _year, idx in panel.groupby("school_year").groups.items():
        k = panel.loc[idx, "n_events"].to_numpy(dtype=float)
        n = panel.loc[idx, "n_pupils"].to_numpy(dtype=float)
        a, b = beta_prior(k, n)
        pa, pb = a + k, b + np.clip(n - k, 0, None)
        out.loc[idx, "shrunk_rate"] = pa / (pa + pb)
        out.loc[idx, "rate_lower"] = betaincinv(pa, pb, lo_q)
        out.loc[idx, "rate_upper"] = betaincinv(pa, pb, hi_q)
        out.loc[idx, "national_rate"] = k.sum() / n.sum() if n.sum() > 0 else np.nan
    return out


def is_elevated(shrunk: pd.DataFrame) -> pd.Series:
    """The one *elevated* rule: the interval's lower bound lies above the national rate."""
    return shrunk["rate_lower"] > shrunk["national_rate"]


SETTINGS_FILE = Path(__file__).with_name("target_settings.toml")
RATIO_COLUMNS = ("ratio", "shrunk_ratio", "ratio_lower", "ratio_upper")


def target_settings(target: str = ATTAINMENT_TARGET) -> dict:
    """The configured settings of a target definition (``features/target_settings.toml``)."""
    with SETTINGS_FILE.open("rb") as fh:
        return tomllib.load(fh).get(target, {})


def gamma_prior(observed: np.ndarray, expected: np.ndarray) -> tuple[float, float]:
    """Method-of-moments gamma prior (shape, rate) for the ratios O/E of one cross-section.

    The between-place variance of the ratio is the observed (E-weighted) variance minus the
    Poisson noise θ/E averaged over places (Clayton & Kaldor 1987); prior mean ΣO/ΣE.
    """
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    ok = e > 0
    o, e = o[ok], e[ok]
    if e.sum() == 0:
        return 1.0, 1.0
    m = o.sum() / e.sum()
    var_obs = np.average((o / e - m) ** 2, weights=e)
    noise = m * len(e) / e.sum()
    tau2 = max(var_obs - noise, 1e-8)
    shape = float(np.clip(m * m / tau2, MIN_PRIOR_STRENGTH, MAX_PRIOR_STRENGTH))
    return shape, shape / max(m, 1e-9)


def shrink_ratio(panel: pd.DataFrame, interval: float = INTERVAL) -> pd.DataFrame:
    """Shrunken O/E per place-year with its interval (Poisson–gamma, prior fitted per year).

    O ~ Poisson(θ·E), θ ~ Gamma(a, b): the posterior is Gamma(a + O, b + E). Returns the ratio
    columns (:data:`RATIO_COLUMNS`) and the common target columns as the shortfall 1 − O/E.

    >>> panel = pd.DataFrame({"school_year": 2024, "n_events": [2.0, 20.0, 10, 10, 12, 8],
    ...                       "n_expected": [4.0, 40.0, 10, 10, 10, 10]})
    >>> out = shrink_ratio(panel)
    >>> bool(out.loc[0, "shrunk_ratio"] > out.loc[1, "shrunk_ratio"])  # both observe 0.5
    True
    >>> round(float(out.loc[1, "ratio"]), 2), round(float(out.loc[1, "rate"]), 2)
    (0.5, 0.5)
    """
    o = panel["n_events"].to_numpy(dtype=float)
    e = panel["n_expected"].to_numpy(dtype=float)
    out = pd.DataFrame(index=panel.index)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["ratio"] = np.where(e > 0, o / e, np.nan)
    for col in ("shrunk_ratio", "ratio_lower", "ratio_upper", "national_ratio"):
        out[col] = np.nan
    lo_q, hi_q = (1 - interval) / 2, 1 - (1 - interval) / 2
    for _year, idx in panel.groupby("school_year").groups.items():
        pos = panel.index.get_indexer(idx)
        a, b = gamma_prior(o[pos], e[pos])
        pa, pb = a + o[pos], b + np.clip(e[pos], 0, None)
        out.loc[idx, "shrunk_ratio"] = pa / pb
        out.loc[idx, "ratio_lower"] = gammaincinv(pa, lo_q) / pb
        out.loc[idx, "ratio_upper"] = gammaincinv(pa, hi_q) / pb
        out.loc[idx, "national_ratio"] = o[pos].sum() / e[pos].sum() if e[pos].sum() > 0 else np.nan
    out["rate"] = 1 - out["ratio"]
    out["shrunk_rate"] = 1 - out["shrunk_ratio"]
    out["rate_lower"] = 1 - out["ratio_upper"]
    out["rate_upper"] = 1 - out["ratio_lower"]
    out["national_rate"] = 1 - out.pop("national_ratio")
    return out


def is_elevated_ratio(shrunk: pd.DataFrame, margin: float | None = None) -> pd.Series:
    """Elevated under-advice: the O/E interval's upper bound lies below 1 − margin."""
    margin = target_settings()["elevated_margin"] if margin is None else margin
    return shrunk["ratio_upper"] < 1 - margin


def add_targets(panel: pd.DataFrame) -> pd.DataFrame:
    """Panel + rate columns + ``elevated`` (year t) + ``elevated_next`` (label for t + 1).

    ``elevated_next`` is NaN when the place has no row in t + 1 (last year, closed school).
    A panel with ``n_expected`` is a ratio target (:func:`shrink_ratio`).
    """
    out = panel.copy()
    ratio = "n_expected" in out
    shrunk = shrink_ratio(out) if ratio else shrink(out)
    for col in shrunk.columns:
        out[col] = shrunk[col].to_numpy()
    elevated = is_elevated_ratio(shrunk) if ratio else is_elevated(shrunk)
    out["elevated"] = elevated.astype(float).to_numpy()
    nxt = out.set_index(["place_id", "school_year"])["elevated"]
    key = pd.MultiIndex.from_arrays([out["place_id"], out["school_year"] + 1])
    out["elevated_next"] = nxt.reindex(key).to_numpy()
    nxt_rate = out.set_index(["place_id", "school_year"])["rate"]
    out["rate_next"] = nxt_rate.reindex(key).to_numpy()
    return out
