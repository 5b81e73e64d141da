"""Emerging hot spots: is a place *higher than expected given its own past*? (opkomend)

The level models answer "will this place be elevated next year?". That question is dominated by
places that have been high for years. Public-health surveillance (Farrington, Noufaily, the
CUSUM chart; R package ``surveillance``) asks a different one: *is this year's count more than
the place's own history leads us to expect?* This module answers that question for every
place-year of a panel (:func:`features.panel.build_panels` + :func:`features.targets.add_targets`),
with pure functions and no model fitting on any label — so it works on a user's own downloads,
where nobody knows which places truly changed.

How the score for place *i* in year *t* is made (data of years ≤ t only):

1. **Signals.** Every published figure that moves when under-advice rises is one signal, on a
   scale where *higher = more of the problem*: the eligible share (pupils eligible for
   reconsideration per tested pupil), the advice gap (mean school advice level below what the
   school's mean test score predicts nationally that year) and the HAVO+ gap (share of
   HAVO-or-higher advices below what the test predicts). Dropout has one signal, the leaver
   share. Shares are on Anscombe's arcsine scale, where the sampling variance is 1/(4n) whatever
   the rate — this matters for 3 leavers in 900 pupils as much as for 6 of 12.
2. **Baseline from the place's own past.** The place's years ≤ t − 1 − g (``guard_band`` g,
   default 0: all earlier years; g = 1 leaves last year out so a rise that started then stays
   out of its own baseline, but on the generated worlds measured that cost more recall than it
   won), as deviations from that year's national level, averaged with precision weights.
   Years whose exceedance was above c = 2 are **down-weighted** (weight
   (c/z)², as Farrington does), so a past outbreak does not raise the bar for ever.
3. **Borrowing strength for small places.** The baseline is shrunk toward the national middle by
   its reliability (empirical Bayes: a school with 20 tested pupils a year has a noisy past).
4. **National change and the regime break.** This year's deviations of all places are regressed
   on their shrunken baselines (robustly, outliers trimmed): the intercept is the national change
   of year t, the slope absorbs the 2023-24 doorstroomtoets break (when the spread between places
   changed, not only the level).
5. **Over-dispersed variance.** Residual variance = φ · sampling variance (quasi-binomial) + τ²
   (true year-to-year wobble of a place) + the baseline's own uncertainty. φ and τ² are estimated
   each year from the bulk of places (the largest 5 % of squared residuals — the likely alarms —
   left out), so the score is a z-like exceedance.
6. **One score from several signals.** The signals' z-scores are combined as wᵀz / √(wᵀRw) with
   w = R⁻¹μ, R their correlation across places that year and μ the expected shift (1 for the
   primary signal, ``secondary_shift`` = 0.5 for the others): multivariate surveillance, where a
   shift seen by several correlated figures counts once and an independent confirmation more.
7. **Empirical null per fifth of the expected rate.** The combined score of year t is
   standardised on its empirical null (Efron) within each fifth of the places' expected rate
   (``null_strata``): its median, and an SD from the median to the 90 % quantile
   (``null_upper``: the side the alarm line is on, so a heavy upper tail sets the line). One
   null for all places let the alarm rate under no change drift with the rate (3 % in the
   lowest fifth, 7–8 % in the highest on the generated world; Noufaily et al. 2013).
   ``windows`` = (1, 2) adds the sum of the last two years over √2 (a scan over recent change
   points) and alarms on the larger; the default is this year alone, which found more planted
   places at the same false-alarm rate on the worlds measured (``benchmarks/emerging.py``).
8. **Threshold from a false-alarm rate, not from any truth.** The alarm line of year t is the
   (1 − α) quantile of the maximum of the windows under their joint null (normal with the
   windows' correlation across places; one window: the normal quantile), α =
   ``false_alarm_rate`` (default 5 %). The achieved rate on worlds without planted hot spots,
   overall and per fifth, is in the README (``python -m benchmarks.emerging``; a test checks it).
9. **Suppressed source cells** (``<5``) enter as intervals: each hidden cell is 1–4 pupils, so its
   uncertainty (variance 1.25) is added to the count's sampling variance, and the score at the
   lowest count the published cells allow (``emerging_score_low``) is kept next to the score.

10. **Only published cells of the place itself.** A place-year hidden by disclosure control
   (:mod:`features.suppression`: fewer than 10 pupils, or hidden so that it cannot be recovered by
   subtraction) takes no part in its place's expectation, nor is it scored: an expected rate
   resting on a hidden year could give that year's figure away. National lines use every cell,
   as the national totals are published.

Places with fewer than ``min_baseline_years`` usable years before the guard band are in state
``insufficient_history`` (new or merged schools). With data from 2014-15 the first year the
detector can alarm is 2014 + 3 + 0 = **2017-18** (:func:`first_alarm_year`).

**Worked example** (a school of ≈ 40 tested pupils a year). For 2021-22 its baseline is its
published years 2014-15 … 2020-21 as deviations from the national share, shrunk toward the
national middle and moved by the national change: say 19 % expected, with a 90 % interval for
the observed share of 8–34 % (a school this size is noisy). It observes 38 %: its eligible
share lies about 2 standard errors above expectation; with its advice gap and HAVO+ gap the
combined score is standardised among the schools of its fifth of expected rates, and it is
*opkomend* when that exceeds the 5 % line (1.645). ``expected_rate``, ``expected_lower`` /
``expected_upper``, ``exceedance_z`` and ``emerging_score`` of the output are these figures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.special import chdtri, ndtri  # quantiles without importing scipy.stats (0.8 s)

from features.suppression import SHOWN, STATUS_COLUMN, status_of
from features.vocabulary import ATTAINMENT_TARGET

SIGNALS: dict[str, tuple[str, ...]] = {
    "under_advice": ("eligible_share", "advice_gap", "havo_plus_gap"),
    ATTAINMENT_TARGET: ("attainment_shortfall",),
    "dropout": ("event_share",),
}
"""Signals per target; the first is the primary one (its rate is what pages show)."""
MEDIAN_CHI2_1 = chdtri(1, 0.5)  # the median of chi-square with 1 degree of freedom
NULL_TAIL = 0.10
NULL_SPREAD_TO_SD = 2 * ndtri(1 - NULL_TAIL)
"""With ``null_upper=None`` the empirical null's scale comes from the 10–90 % range (not the
inter-quartile range): real place-years have heavier tails than a normal."""


@dataclass(frozen=True)
class EmergingParams:
    """Everything that shapes the detector (logged with the registered version)."""

    false_alarm_rate: float = 0.05
    guard_band: int = 0  # 1 leaves last year out of the baseline (cost recall on the worlds measured)
    min_baseline_years: int = 3
    downweight_above: float = 2.0
    windows: tuple[int, ...] = (1,)  # (1, 2) adds a two-year window: lower recall at the same rate
    signals: tuple[str, ...] | None = None  # None = all of the target's :data:`SIGNALS`
    secondary_shift: float = 0.5  # expected shift of a secondary signal, in SEs per primary SE
    interval: float = 0.90
    trim_share: float = 0.05
    null_draws: int = 10_000
    seed: int = 0
    null_strata: int = 5  # the empirical null per fifth of the expected rate (1 = one null per year)
    null_stratum_min: int = 100  # fewer strata when a fifth would hold fewer place-years
    null_upper: float | None = 0.90  # None: SD from the 10–90 % range; else median to this quantile

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class EmergingResult:
    """Per place-year output (``frame``) and per-year calibration (``years``)."""

    frame: pd.DataFrame
    years: pd.DataFrame
    params: EmergingParams
    signals: tuple[str, ...]
    first_alarm_year: int | None = None


def first_alarm_year(first_data_year: int, params: EmergingParams) -> int:
    """The first school year in which a place with complete history can alarm."""
    return first_data_year + params.min_baseline_years + params.guard_band


# --------------------------------------------------------------------------- signals
def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


@dataclass
class _Signal:
    name: str
    x: np.ndarray  # places × years, higher = more of the problem
    x_low: np.ndarray  # lowest value consistent with suppressed cells
    unit_var: np.ndarray  # sampling variance up to the dispersion factor φ
    centre: np.ndarray  # national level per year (same scale as x)


def _wide(
    panel: pd.DataFrame, column: str, cells: tuple[np.ndarray, np.ndarray], shape: tuple[int, int]
) -> np.ndarray:
    """Place × year matrix of one column (NaN where the place has no row that year)."""
    out = np.full(shape, np.nan)
    if column in panel:
        out[cells] = panel[column].to_numpy(dtype=float)
    return out


def _arcsine(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Anscombe's variance-stabilising transform of a binomial share (fine for 0 of 12 or 3 of 900)."""
    return np.arcsin(np.sqrt((k + 3 / 8) / (n + 3 / 4)))


def _from_arcsine(x: np.ndarray) -> np.ndarray:
    return np.sin(np.clip(x, 0, np.pi / 2)) ** 2


SUPPRESSED_CELL_VARIANCE = 1.25  # variance of a count spread evenly over 1, 2, 3, 4


def suppressed_cells(estimate: np.ndarray, minimum: np.ndarray) -> np.ndarray:
    """How many ``<5`` cells an event count rests on: each adds 1.5 to ``estimate − minimum``."""
    return np.clip((estimate - minimum) / 1.5, 0, None)


def _share_signal(name: str, k: np.ndarray, n: np.ndarray, k_min: np.ndarray) -> _Signal:
    """A share on the arcsine scale: sampling variance 1 / (4n) whatever the rate.

    Suppressed cells enter as intervals: the count's own uncertainty (each ``<5`` cell uniform
    on 1–4) is added to the sampling variance, and ``x_low`` is the value at the lowest count
    the published cells allow (shown, and the alarm's lower end).
    """
    ok = n > 0
    nat = np.nansum(np.where(ok, k, 0), axis=0) / np.nansum(np.where(ok, n, 0), axis=0)
    x = np.where(ok, _arcsine(k, n), np.nan)
    x_low = np.where(ok, _arcsine(k_min, n), np.nan)
    p = np.clip((k + 0.5) / (n + 1), 0.01, 0.99)
    hidden = SUPPRESSED_CELL_VARIANCE * suppressed_cells(k, k_min) / np.maximum(n, 1) ** 2 / (4 * p * (1 - p))
    unit = np.where(ok, 1.0 / (4 * n + 2) + hidden, np.nan)
    return _Signal(name, x, x_low, unit, np.arcsin(np.sqrt(nat)))


def _shortfall_signal(name: str, o: np.ndarray, e: np.ndarray, o_max: np.ndarray) -> _Signal:
    """The shortfall of a ratio target on the log scale: ``−log((O + ½) / (E + ½))``.

    Higher = fewer observed than expected (1 − O/E rising). A Poisson count's log has sampling
    variance ≈ 1/E; ``<5`` cells enter as for shares (their spread added, ``x_low`` at the
    highest O the published cells allow, the least alarming reading)."""
    ok = (e > 0) & np.isfinite(o)
    x = np.where(ok, -np.log((o + 0.5) / (np.where(ok, e, 1.0) + 0.5)), np.nan)
    x_low = np.where(ok, -np.log((o_max + 0.5) / (np.where(ok, e, 1.0) + 0.5)), np.nan)
    hidden = SUPPRESSED_CELL_VARIANCE * suppressed_cells(o_max, o) / np.maximum(o + 0.5, 0.5) ** 2
    unit = np.where(ok, 1.0 / (np.where(ok, e, 1.0) + 0.5) + hidden, np.nan)
    nat = np.nansum(np.where(ok, o, 0), axis=0) / np.nansum(np.where(ok, e, 0), axis=0)
    return _Signal(name, x, x_low, unit, -np.log(nat))


def _test_adjusted(
    name: str, value: np.ndarray, weight: np.ndarray, test_z: np.ndarray, logit: bool
) -> _Signal:
    """``-(value − what the school's mean test score predicts nationally that year)``.

    Higher = advices lower than the test warrants. The national line per year (weighted least
    squares across places) absorbs the change of test scale at the regime break.
    """
    ok = (weight > 0) & np.isfinite(value) & np.isfinite(test_z)
    v = _logit(np.clip(value, 0.01, 0.99)) if logit else value
    x = np.full(value.shape, np.nan)
    centre = np.zeros(value.shape[1])
    for j in range(value.shape[1]):
        m = ok[:, j]
        if m.sum() < 10:
            continue
        w, t, y = weight[m, j], test_z[m, j], v[m, j]
        slope, intercept = np.polyfit(t, y, 1, w=np.sqrt(w))
        x[m, j] = -(y - slope * t - intercept)
    unit = np.where(ok, 1.0 / np.where(weight > 0, weight, np.nan), np.nan)
    if logit:
        p = np.clip(value, 0.05, 0.95)
        unit = unit / (p * (1 - p))
    return _Signal(name, x, x, unit, centre)


def build_signals(
    panel: pd.DataFrame, names: tuple[str, ...]
) -> tuple[pd.Index, np.ndarray, list[_Signal], tuple[np.ndarray, np.ndarray]]:
    """``(places, years, signals, cells)``: signals as place × year matrices; ``cells`` the
    (place, year) matrix index of each panel row."""
    codes, uniques = pd.factorize(panel["place_id"].astype(str), sort=True)
    places = pd.Index(uniques, name="place_id")
    years, year_codes = np.unique(panel["school_year"].to_numpy().astype(int), return_inverse=True)
    cells, shape = (codes, year_codes), (len(places), len(years))
    n = _wide(panel, "n_pupils", cells, shape)
    k = _wide(panel, "n_events", cells, shape)
    k_min = _wide(panel, "n_events_min", cells, shape) if "n_events_min" in panel else k
    k_min = np.where(np.isfinite(k_min), k_min, k)
    hidden = np.zeros(shape, dtype=bool)  # the place's own cells that may not be used (see 10.)
    if STATUS_COLUMN in panel:
        hidden[cells] = (status_of(panel) != SHOWN).to_numpy()
    out = []
    for name in names:
        if name in ("eligible_share", "event_share"):
            out.append(_share_signal(name, k, n, k_min))
        elif name == "attainment_shortfall":
            e = _wide(panel, "n_expected", cells, shape)
            k_max = _wide(panel, "n_events_max", cells, shape) if "n_events_max" in panel else k
            out.append(_shortfall_signal(name, k, e, np.where(np.isfinite(k_max), k_max, k)))
        elif name in ("advice_gap", "havo_plus_gap"):
            n_adv = _wide(panel, "n_advice", cells, shape)
            test_z = _wide(panel, "sum_test_z", cells, shape) / np.where(n > 0, n, np.nan)
            column = "sum_advice_level" if name == "advice_gap" else "n_havo_plus"
            value = _wide(panel, column, cells, shape) / np.where(n_adv > 0, n_adv, np.nan)
            if np.isfinite(value).any():
                out.append(_test_adjusted(name, value, n_adv, test_z, logit=name == "havo_plus_gap"))
        else:
            raise ValueError(f"unknown signal {name!r}")
    for signal in out:  # national centres above were fitted on all cells; the place's own are masked
        signal.x = np.where(hidden, np.nan, signal.x)
        signal.x_low = np.where(hidden, np.nan, signal.x_low)
    return places, years, out, cells


# ------------------------------------------------------------------------ statistics
def _wls(u: np.ndarray, v: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Weighted least squares of y on two columns (normal equations; fast for one cross-section)."""
    m = np.array([[np.sum(w * u * u), np.sum(w * u * v)], [np.sum(w * u * v), np.sum(w * v * v)]])
    r = np.array([np.sum(w * u * y), np.sum(w * v * y)])
    try:
        a, b = np.linalg.solve(m, r)
    except np.linalg.LinAlgError:
        a, b = np.linalg.lstsq(m, r, rcond=None)[0]
    return float(a), float(b)


def _robust_line(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Weighted least squares of y on x, refitted once without residuals beyond 2.5 robust SD."""
    keep = np.ones(y.size, dtype=bool)
    a, b = float(np.median(y)), 1.0
    for _ in range(2):
        if keep.sum() < 5 or np.ptp(x[keep]) == 0:
            return float(np.median(y[keep] - x[keep])) if keep.any() else 0.0, 1.0
        a, b = _wls(np.ones(keep.sum()), x[keep], y[keep], w[keep])
        r = (y - a - b * x) * np.sqrt(w)
        scale = np.median(np.abs(r - np.median(r))) / 0.6745 + 1e-12
        keep = np.abs(r) <= 2.5 * scale
    return float(a), float(b)


def _dispersion(e: np.ndarray, unit: np.ndarray, extra: np.ndarray, trim: float) -> tuple[float, float]:
    """φ and τ² with E[e²] ≈ φ·unit + τ² + extra, fitted on the bulk (largest ``trim`` cut)."""
    e2 = e**2 - extra
    phi, tau2 = 1.0, max(float(np.median(e2)), 1e-6)
    keep = np.ones(e.size, dtype=bool)
    for _ in range(3):
        pred = phi * unit + tau2 + extra
        ratio = e**2 / pred
        keep = ratio <= np.quantile(ratio, 1 - trim)
        phi, tau2 = _wls(unit[keep], np.ones(keep.sum()), e2[keep], 1.0 / pred[keep] ** 2)
        if phi <= 0:  # only wobble: all variance is τ²
            phi = 1e-3 * float(np.median(e2[keep]) / np.median(unit[keep]) if np.median(unit[keep]) else 1)
        tau2 = max(float(tau2), 0.0)
        # the trimmed mean of a χ²₁ underestimates its mean; rescale so the median fits
        pred = phi * unit + tau2 + extra
        factor = float(np.median(e**2 / pred) / MEDIAN_CHI2_1)
        phi, tau2 = phi * factor, tau2 * factor
    return float(phi), float(tau2)


def _exceedance(sig: _Signal, years: np.ndarray, p: EmergingParams) -> dict[str, np.ndarray]:
    """Per signal: z, z at the lowest consistent count, expected value and its prediction SD."""
    n_years = sig.x.shape[1]
    d = sig.x - sig.centre[None, :]
    d_low = sig.x_low - sig.centre[None, :]
    valid = np.isfinite(d) & np.isfinite(sig.unit_var)
    z = np.full(d.shape, np.nan)
    z_low = np.full(d.shape, np.nan)
    expected = np.full(d.shape, np.nan)
    pred_sd = np.full(d.shape, np.nan)
    n_base = np.zeros(d.shape, dtype=int)
    down = np.ones(d.shape)
    phi_y = np.full(n_years, np.nan)
    tau2_y = np.full(n_years, np.nan)
    info = []
    # a first guess of the year-to-year wobble for baseline weights before any year is fitted
    diffs = np.diff(d, axis=1)
    tau2_0 = max(float(np.nanmedian(diffs**2) / MEDIAN_CHI2_1 / 2 - np.nanmedian(sig.unit_var)), 1e-4)
    phi_0 = 1.0
    for j, year in enumerate(years):
        base = np.flatnonzero(years <= year - 1 - p.guard_band)
        row = {"school_year": int(year)}
        if base.size == 0:
            info.append(row)
            continue
        phis = np.where(np.isfinite(phi_y[base]), phi_y[base], phi_0)
        taus = np.where(np.isfinite(tau2_y[base]), tau2_y[base], tau2_0)
        vb_s = phis[None, :] * sig.unit_var[:, base] + taus[None, :]
        vb_ok = valid[:, base]
        w = np.where(vb_ok, down[:, base] / np.where(vb_ok, vb_s, 1.0), 0.0)
        sw = w.sum(axis=1)
        n_base[:, j] = vb_ok.sum(axis=1)
        ok = valid[:, j] & (n_base[:, j] >= p.min_baseline_years)
        if ok.sum() < 10:
            info.append(row)
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            b = (np.where(vb_ok, d[:, base], 0.0) * w).sum(axis=1) / sw
            v_b = (w**2 * np.where(vb_ok, vb_s, 0.0)).sum(axis=1) / sw**2
        # empirical-Bayes shrinkage of the baseline toward the national middle
        mid = float(np.median(b[ok]))
        spread = (np.median(np.abs(b[ok] - mid)) / 0.6745) ** 2
        t2 = max(spread - float(np.median(v_b[ok])), 0.05 * spread, 1e-6)
        lam = t2 / (t2 + v_b)
        shrunk = mid + lam * (b - mid)
        v_shrunk = lam * v_b
        # national change and regime break: this year's deviations against the baselines
        prev_phi = phi_y[j - 1] if j and np.isfinite(phi_y[j - 1]) else phi_0
        prev_tau = tau2_y[j - 1] if j and np.isfinite(tau2_y[j - 1]) else tau2_0
        wts = 1.0 / (prev_phi * sig.unit_var[ok, j] + prev_tau + v_shrunk[ok])
        alpha, beta = _robust_line(d[ok, j], shrunk[ok], wts)
        fit = alpha + beta * shrunk
        e = d[:, j] - fit
        extra = beta**2 * v_shrunk
        phi, tau2 = _dispersion(e[ok], sig.unit_var[ok, j], extra[ok], p.trim_share)
        phi_y[j], tau2_y[j] = phi, tau2
        var_e = phi * sig.unit_var[:, j] + tau2 + extra
        z[ok, j] = e[ok] / np.sqrt(var_e[ok])
        z_low[ok, j] = (d_low[ok, j] - fit[ok]) / np.sqrt(var_e[ok])
        expected[ok, j] = sig.centre[j] + fit[ok]
        pred_sd[ok, j] = np.sqrt(var_e[ok])
        c = p.downweight_above
        zj = np.nan_to_num(z[:, j])
        if np.isfinite(c):
            down[:, j] = np.where(zj > c, (c / np.maximum(zj, c)) ** 2, 1.0)
        row.update(national_change=alpha, regime_slope=beta, phi=phi, tau2=tau2, n_scored=int(ok.sum()))
        info.append(row)
    return {
        "z": z,
        "z_low": z_low,
        "expected": expected,
        "pred_sd": pred_sd,
        "n_base": n_base,
        "info": pd.DataFrame(info),
    }


def _robust_centre_scale(x: np.ndarray, upper: float | None = None) -> tuple[float, float]:
    """Empirical null (Efron): the median, and an SD from the 10–90 % range of the bulk — or,
    with ``upper``, from the median to the ``upper`` quantile (the side the alarm line is on,
    so a heavier or skewed upper tail sets the line where it is, not where a normal would be)."""
    x = x[np.isfinite(x)]
    if x.size < 10:
        return 0.0, 1.0
    if upper is not None:
        med, q = np.quantile(x, [0.5, upper])
        return float(med), float(max((q - med) / ndtri(upper), 1e-6))
    q1, med, q3 = np.quantile(x, [NULL_TAIL, 0.5, 1 - NULL_TAIL])
    return float(med), float(max((q3 - q1) / NULL_SPREAD_TO_SD, 1e-6))


def _strata(expected: np.ndarray, n_strata: int, min_size: int) -> np.ndarray:
    """Stratum (0 … n_strata − 1) of each row by its expected value; −1 where unknown.

    The null is standardised within each stratum, so a place with a high expected rate is as
    likely to alarm under no change as one with a low rate (Noufaily et al. 2013 found the
    Farrington line's false-alarm rate depending on the baseline level)."""
    out = np.full(expected.shape, -1)
    ok = np.isfinite(expected)
    n_strata = max(1, min(n_strata, int(ok.sum()) // max(min_size, 1)))
    if ok.sum() == 0:
        return out
    rank = expected[ok].argsort().argsort() / ok.sum()
    out[ok] = np.minimum((rank * n_strata).astype(int), n_strata - 1)
    return out


def _robust_corr(z: np.ndarray) -> np.ndarray:
    """Correlation of columns on complete rows, values clipped at ±3 (alarms barely count)."""
    rows = np.isfinite(z).all(axis=1)
    if rows.sum() < 10 or z.shape[1] == 1:
        return np.eye(z.shape[1])
    c = np.corrcoef(np.clip(z[rows], -3, 3), rowvar=False)
    return np.nan_to_num(c, nan=0.0) + 1e-9 * np.eye(z.shape[1])


def _combine(zs: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """wᵀz/√(wᵀRw), w = R⁻¹μ, over the signals each row has (rows need the first one).

    μ is the expected shift of each signal (in its standard errors) when the target rises; the
    optimal linear test against that alternative weights by R⁻¹μ.
    """
    out = np.full(zs.shape[0], np.nan)
    have = np.isfinite(zs)
    corr = _robust_corr(zs)
    code = have @ (1 << np.arange(have.shape[1]))
    for pattern in np.unique(code[have[:, 0]]):
        cols = np.flatnonzero((pattern >> np.arange(have.shape[1])) & 1)
        rows = code == pattern
        r = corr[np.ix_(cols, cols)]
        w = np.linalg.solve(r, shift[cols])
        w = np.clip(w, 0, None) if (w > 0).any() else np.ones(cols.size)
        out[rows] = zs[np.ix_(rows, cols)] @ w / np.sqrt(w @ r @ w)
    return out


def _max_threshold(corr: np.ndarray, alpha: float, draws: int, seed: int) -> float:
    """(1 − α) quantile of the maximum of standard normals with correlation ``corr``."""
    if corr.shape[0] == 1:
        return float(ndtri(1 - alpha))
    rng = np.random.default_rng(seed)
    sample = rng.multivariate_normal(np.zeros(corr.shape[0]), corr, size=draws, method="cholesky")
    return float(np.quantile(sample.max(axis=1), 1 - alpha))


def detect(panel: pd.DataFrame, target: str, params: EmergingParams | None = None) -> EmergingResult:
    """Emerging-hot-spot scores, thresholds and alarms for every place-year of ``panel``."""
    p = params or EmergingParams()
    names = p.signals or SIGNALS[target]
    places, years, signals, cells = build_signals(panel, names)
    parts = [_exceedance(s, years, p) for s in signals]
    n_places, n_years = len(places), len(years)
    single = np.full((n_places, n_years), np.nan)
    single_low = np.full((n_places, n_years), np.nan)
    year_rows = []
    shift = np.array([1.0] + [p.secondary_shift] * (len(parts) - 1))
    for j in range(n_years):
        zs = np.column_stack([part["z"][:, j] for part in parts])
        zs_low = np.column_stack([parts[0]["z_low"][:, j]] + [part["z"][:, j] for part in parts[1:]])
        combined, combined_low = _combine(zs, shift), _combine(zs_low, shift)
        expected_j = np.where(np.isfinite(combined), parts[0]["expected"][:, j], np.nan)
        strata = _strata(expected_j, p.null_strata, p.null_stratum_min)
        for stratum in np.unique(strata[np.isfinite(combined)]):
            rows = strata == stratum
            mu, sd = _robust_centre_scale(combined[rows], p.null_upper)
            single[rows, j] = (combined[rows] - mu) / sd
            single_low[rows, j] = (combined_low[rows] - mu) / sd
    windows = sorted(p.windows)
    stat = np.full((len(windows), n_places, n_years), np.nan)
    stat_low = np.full_like(stat, np.nan)
    for wi, m in enumerate(windows):
        for j in range(m - 1, n_years):
            past = single[:, j - m + 1 : j].sum(axis=1) if m > 1 else 0.0
            raw = (past + single[:, j]) / np.sqrt(m)
            raw_low = (past + single_low[:, j]) / np.sqrt(m)
            mu, sd = _robust_centre_scale(raw) if m > 1 else (0.0, 1.0)  # one year: standardised above
            stat[wi, :, j] = (raw - mu) / sd
            stat_low[wi, :, j] = (raw_low - mu) / sd
    score = np.full((n_places, n_years), np.nan)
    score_low = np.full_like(score, np.nan)
    threshold = np.full_like(score, np.nan)
    for j in range(n_years):
        avail = np.isfinite(stat[:, :, j])
        full = avail.all(axis=0)
        corr = _robust_corr(stat[:, :, j].T) if full.sum() >= 10 else np.eye(len(windows))
        row = {"school_year": int(years[j])}
        for n_win in range(1, len(windows) + 1):
            rows = avail[:n_win].all(axis=0) & (~avail[n_win:].any(axis=0))
            if not rows.any():
                continue
            h = _max_threshold(corr[:n_win, :n_win], p.false_alarm_rate, p.null_draws, p.seed + j)
            score[rows, j] = np.nanmax(stat[:n_win, rows, j], axis=0)
            score_low[rows, j] = np.nanmax(stat_low[:n_win, rows, j], axis=0)
            threshold[rows, j] = h
            row[f"threshold_{n_win}w"] = h
        year_rows.append(row)
    primary = parts[0]
    scored = np.isfinite(score)
    alarm = scored & (score >= threshold)
    z_crit = ndtri(1 - p.false_alarm_rate)
    above = np.zeros((n_places, n_years), dtype=int)
    for j in range(n_years):
        now = np.nan_to_num(single[:, j]) >= z_crit
        above[:, j] = np.where(now, (above[:, j - 1] if j else 0) + 1, 0)
    q = ndtri(0.5 + p.interval / 2)
    expected = primary["expected"]
    frame = pd.DataFrame(
        {
            "place_id": places.to_numpy()[cells[0]],
            "school_year": years[cells[1]],
            "state": np.where(alarm, "alarm", np.where(scored, "no_alarm", "insufficient_history"))[cells],
            "alarm": alarm[cells],
            "emerging_score": score[cells],
            "emerging_score_low": score_low[cells],
            "emerging_threshold": threshold[cells],
            "exceedance_z": single[cells],
            "years_above_expected": above[cells],
            "expected_rate": _from_arcsine(expected)[cells],
            "expected_lower": _from_arcsine(expected - q * primary["pred_sd"])[cells],
            "expected_upper": _from_arcsine(expected + q * primary["pred_sd"])[cells],
            "n_baseline_years": primary["n_base"][cells],
        },
        index=panel.index,
    )
    for sig, part in zip(signals, parts, strict=True):
        frame[f"z_{sig.name}"] = part["z"][cells]
    frame["n_pupils"] = panel["n_pupils"].to_numpy(dtype=float)
    frame["rate"] = frame["n_pupils"].pipe(lambda n: panel["n_events"].to_numpy(dtype=float) / n.where(n > 0))
    if "n_expected" in panel:  # a ratio target: its "rate" is the shortfall 1 − O/E
        e = panel["n_expected"].to_numpy(dtype=float)
        frame["rate"] = 1 - panel["n_events"].to_numpy(dtype=float) / np.where(e > 0, e, np.nan)
    if signals[0].name not in ("eligible_share", "event_share"):
        frame[["expected_rate", "expected_lower", "expected_upper"]] = np.nan
    info = primary["info"].merge(pd.DataFrame(year_rows), on="school_year", how="outer")
    rates = frame.groupby("school_year")["alarm"].mean().rename("alarm_rate")
    info = info.merge(rates.reset_index(), on="school_year", how="left")
    first = first_alarm_year(int(years.min()), p)
    return EmergingResult(frame, info, p, tuple(s.name for s in signals), first)


def binomial_z(panel: pd.DataFrame, params: EmergingParams | None = None) -> pd.DataFrame:
    """The plain baseline: this year's count against the place's own pooled past, as a binomial z.

    ``z = (k − n·p̂) / √(n·p̂·(1 − p̂))`` with p̂ the place's published events over its published
    pupils in all years before t (at least ``min_baseline_years`` of them), alarm at the normal
    (1 − α) quantile. No national change, no over-dispersion, no shrinkage: what the detector has
    to beat. Same states as :func:`detect`; a place's hidden years take no part, as there.
    """
    p = params or EmergingParams()
    places, years, signals, cells = build_signals(panel, ("event_share",))
    shape = (len(places), len(years))
    n, k = _wide(panel, "n_pupils", cells, shape), _wide(panel, "n_events", cells, shape)
    usable = np.isfinite(signals[0].x) & (np.nan_to_num(n) > 0)
    n0, k0 = np.where(usable, n, 0.0), np.where(usable, k, 0.0)
    past_n = np.cumsum(n0, axis=1) - n0
    past_k = np.cumsum(k0, axis=1) - k0
    past_years = np.cumsum(usable, axis=1) - usable
    rate = (past_k + 0.5) / (past_n + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (k0 - n0 * rate) / np.sqrt(n0 * rate * (1 - rate))
    scored = usable & (past_years >= p.min_baseline_years)
    z = np.where(scored, z, np.nan)
    alarm = scored & (z >= ndtri(1 - p.false_alarm_rate))
    return pd.DataFrame(
        {
            "place_id": places.to_numpy()[cells[0]],
            "school_year": years[cells[1]],
            "state": np.where(alarm, "alarm", np.where(scored, "no_alarm", "insufficient_history"))[cells],
            "alarm": alarm[cells],
            "score": z[cells],
        },
        index=panel.index,
    )
