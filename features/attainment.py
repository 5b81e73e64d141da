"""Under-advice relative to attainment: observed HAVO+ advices against what attainment predicts.

Definition (``under_advice_attainment``), per school and school year:

* **O** — final advices of HAVO or higher: ``HAVO``, ``HAVO_VWO``, ``VWO``
  (:data:`features.panel.HAVO_PLUS`). A dual ``VMBO_GT_HAVO`` advice is *not* counted: its lower
  half is a vmbo advice, and DUO's own HAVO+ share counts it the same way. The advices are
  DUO's *final* advices (after any revision), so O/E measures the under-advice that remains.
* **n** — pupils with an advice on the ladder (``ADVIES_NIET_MOGELIJK`` left out).
* **Attainment** — the shares of the school's pupils reaching the *streefniveau* of each subject
  in DUO's referentieniveaus file: 2F for reading (lezen) and taalverzorging, 1S for maths
  (1S or 2F counted). Shares are computed per subject, as DUO counts pupils per subject.
* **E** — the HAVO+ advices expected from that attainment under the year's *national* relation
  between attainment and advice: a binomial logistic regression, fitted across all schools of
  that year, of the HAVO+ share on the three streefniveau shares (:func:`national_relation`);
  E = n · p̂. With an (unpenalised) intercept the fit's totals match: ΣE = ΣO nationally, so a
  ratio O/E below 1 means fewer HAVO+ advices than schools with the same attainment give.

The ratio O/E is a standardised ratio as in small-area epidemiology (the SMR: observed over
expected deaths; Breslow & Day 1987; Clayton & Kaldor 1987 for its empirical-Bayes shrinkage),
shrunk in :func:`features.targets.shrink_ratio`. A ``<5`` cell counts as 2.5 pupils, as in
every panel (``SUPPRESSED_CELL_ESTIMATE``); O keeps its bounds (each ``<5`` cell 1–4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STREEFNIVEAU: dict[str, tuple[str, ...]] = {
    "reading": ("2F",),
    "spelling": ("2F",),
    "maths": ("1S", "2F"),
}
"""Per subject, the attained levels that reach the streefniveau (2F, or 1S for maths)."""
SHARE_COLUMNS = tuple(f"share_streef_{s}" for s in STREEFNIVEAU)
RIDGE = 1e-6
"""A negligible ridge on the slopes (not the intercept), so that a year with few schools or
identical attainment still has one solution; ΣE = ΣO holds exactly whatever its size."""


def streefniveau_shares(levels: pd.DataFrame, estimate: pd.Series) -> pd.DataFrame:
    """Per school × year: pupils with a result per subject and the share at streefniveau.

    ``levels`` is :func:`features.sources.read_referentieniveaus_wide`'s long table, ``estimate``
    its counts with ``<5`` cells estimated. Returns ``n_attainment`` (pupils with a result in
    the subject with most results), per subject the additive ``n_result_<subject>`` and
    ``n_streef_<subject>`` and the ``share_streef_<subject>`` (NaN where the subject has no
    pupils)."""
    frame = levels.assign(n=estimate.to_numpy())
    frame["streef"] = [lv in STREEFNIVEAU[s] for s, lv in zip(frame["subject"], frame["level"], strict=True)]
    total = frame.pivot_table(index=["brin6", "school_year"], columns="subject", values="n", aggfunc="sum")
    reach = (
        frame[frame["streef"]]
        .pivot_table(index=["brin6", "school_year"], columns="subject", values="n", aggfunc="sum")
        .reindex(index=total.index, columns=total.columns)
        .fillna(0.0)
    )
    out = pd.DataFrame(index=total.index)
    for subject in STREEFNIVEAU:
        t = total[subject] if subject in total else pd.Series(np.nan, index=total.index)
        r = reach[subject] if subject in reach else pd.Series(0.0, index=total.index)
        out[f"n_result_{subject}"] = t.fillna(0.0).to_numpy()
        out[f"n_streef_{subject}"] = r.to_numpy()
        out[f"share_streef_{subject}"] = (r / t.where(t > 0)).to_numpy()
    out["n_attainment"] = total.max(axis=1).to_numpy()
    return out.reset_index()


def national_relation(
    observed: np.ndarray, pupils: np.ndarray, shares: np.ndarray, ridge: float = RIDGE
) -> np.ndarray:
    """Coefficients (intercept first) of the binomial logistic regression of the HAVO+ share on
    the streefniveau shares, fitted across schools by iteratively reweighted least squares.

    ``observed`` and ``pupils`` are per school (estimates allowed: the likelihood only needs
    O ≤ n), ``shares`` schools × subjects. The intercept is not penalised, so the fitted
    expected counts sum to the observed ones.
    """
    y = np.asarray(observed, dtype=float)
    n = np.asarray(pupils, dtype=float)
    x = np.column_stack([np.ones(len(y)), np.asarray(shares, dtype=float)])
    penalty = np.full(x.shape[1], ridge * max(n.sum(), 1.0))
    penalty[0] = 0.0
    p0 = np.clip(y.sum() / max(n.sum(), 1e-9), 1e-6, 1 - 1e-6)
    beta = np.zeros(x.shape[1])
    beta[0] = np.log(p0 / (1 - p0))
    for _ in range(100):
        eta = np.clip(x @ beta, -30, 30)
        p = 1 / (1 + np.exp(-eta))
        w = n * p * (1 - p)
        grad = x.T @ (y - n * p) - penalty * beta
        hess = (x * w[:, None]).T @ x + np.diag(penalty) + 1e-12 * np.eye(x.shape[1])
        step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def expected_counts(panel: pd.DataFrame) -> pd.Series:
    """E per school-year: pupils × the HAVO+ share the year's national relation predicts from
    the school's streefniveau shares. Schools without any attainment share get no E (NaN); a
    subject missing at one school is filled with that year's national share for the fit."""
    out = pd.Series(np.nan, index=panel.index)
    for _year, idx in panel.groupby("school_year").groups.items():
        rows = panel.loc[idx]
        shares = rows[list(SHARE_COLUMNS)]
        usable = shares.notna().any(axis=1) & (rows["n_pupils"] > 0)
        if not usable.any():
            continue
        rows, shares = rows[usable], shares[usable]
        weights = rows["n_pupils"].to_numpy(float)
        fill = {
            c: np.average(shares[c].dropna(), weights=weights[shares[c].notna().to_numpy()]) for c in shares
        }
        shares = shares.fillna(fill).fillna(0.0)
        beta = national_relation(rows["n_events"].to_numpy(float), weights, shares.to_numpy(float))
        eta = np.column_stack([np.ones(len(rows)), shares.to_numpy(float)]) @ beta
        out.loc[rows.index] = weights / (1 + np.exp(-np.clip(eta, -30, 30)))
    return out
