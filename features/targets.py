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
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betaincinv  # beta quantiles without importing scipy.stats (0.8 s)

from features.panel import rate

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


def add_targets(panel: pd.DataFrame) -> pd.DataFrame:
    """Panel + rate columns + ``elevated`` (year t) + ``elevated_next`` (label for t + 1).

    ``elevated_next`` is NaN when the place has no row in t + 1 (last year, closed school).
    """
    out = panel.copy()
    shrunk = shrink(out)
    for col in shrunk.columns:
        out[col] = shrunk[col].to_numpy()
    out["elevated"] = is_elevated(shrunk).astype(float).to_numpy()
    nxt = out.set_index(["place_id", "school_year"])["elevated"]
    key = pd.MultiIndex.from_arrays([out["place_id"], out["school_year"] + 1])
    out["elevated_next"] = nxt.reindex(key).to_numpy()
    nxt_rate = out.set_index(["place_id", "school_year"])["rate"]
    out["rate_next"] = nxt_rate.reindex(key).to_numpy()
    return out
