"""Fairness audit of the policy the service serves, over groups of places, with intervals.

**What is audited: the served policy, out of fold.** The rows are the candidate's held-out
place-years (rolling-origin folds), with the cross-fitted calibrated risk and the cross-fitted
flag threshold of each row (:func:`models.train.cross_fit`), so neither the calibration nor the
operating point saw the labels they are judged on. A row is audited only when the service
would show its flag (the feature year's figures are published) *and* its outcome may be
published (the outcome year's figures are published): :func:`served_rows` labels every row
``audited``, ``not_served`` (the flag is suppressed: fewer than 10 pupils, or hidden against
differencing) or ``outcome_hidden``; the non-audited rows are counted per group, never judged.

Per group (:data:`METRICS`):

* ``selection_rate`` — share of the group's audited place-years flagged;
* ``recall`` — share of elevated place-years that were flagged (missed hot spots are the harm
  of under-flagging); judged only when the group has at least ``min_positive_places`` elevated
  places, otherwise reported as "too few elevated places to judge" (``judged`` False);
* ``false_positive_rate`` — share of not-elevated place-years flagged (stigmatising a place);
* ``precision_at_top`` — of the group's place-years in the national top 10 % of risk, the share
  elevated;
* ``mean_predicted`` / ``observed_rate`` / ``calibration_gap`` — calibration per group.

Point estimates come from fairlearn's :class:`~fairlearn.metrics.MetricFrame` (the count-based
ones) and equal plain group means. **Intervals resample places, not place-years**: a place
appears up to five times (once per held-out year), so its rows are resampled together (a cluster
bootstrap, stratified by group, :func:`bootstrap_places`), vectorised — MetricFrame's own
bootstrap takes minutes at national scale (``docs/MEASURED.md``). Disparities are differences
and ratios against the group with the most audited rows (the reference).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate
from sklearn.metrics import recall_score

from features.suppression import SERVED_STATES
from models.groups import assign_groups, tertile_cuts
from models.metrics import top_mask
from models.spec import FairnessLimits

AUDIT_RULES_VERSION = 2
"""The rules a gate decision was made under. 1: every place-year, place-year bootstrap, in-sample
calibration (kansenradar ≤ 0.2.1). 2: served rows only, place bootstrap, cross-fitted calibration
and threshold, too-few-positives rule, gated comparisons counted."""

METRICS = (
    "selection_rate",
    "recall",
    "false_positive_rate",
    "precision_at_top",
    "mean_predicted",
    "observed_rate",
    "calibration_gap",
)
GATED = {
    "alarm_rate": "max_fpr_difference",  # the emerging detector's gate (models.emerging_model)
    "recall": "max_recall_difference",
    "false_positive_rate": "max_fpr_difference",
    "calibration_gap": "max_calibration_gap",
}
DIFFERENCE_METRICS = frozenset({"alarm_rate", "recall", "false_positive_rate"})
"""Gated by their difference to the reference group (the reference itself is no comparison);
``calibration_gap`` is gated by the group's own gap, so every judged group is a check."""

PLACE_KEYS = ("place_name", "gemeente_code", "pc4", "rmc_name")
"""Identifiers of a place kept beside its audited rows (names and codes, no figures)."""

_SUMS = ("rows", "pos", "flag", "flag_pos", "flag_neg", "top", "top_pos", "prob")


def place_sums(
    place_id: np.ndarray, y: np.ndarray, flag: np.ndarray, prob: np.ndarray, top: np.ndarray
) -> np.ndarray:
    """(n_places, len(_SUMS)): each place's row count and sums of the counts the metrics need.

    A place is the unit that is resampled, so its place-years travel together.
    """
    codes, _ = pd.factorize(np.asarray(place_id))
    parts = np.column_stack([np.ones(y.size), y, flag, flag & y, flag & ~y, top, top & y, prob]).astype(float)
    out = np.zeros((codes.max() + 1 if codes.size else 0, parts.shape[1]))
    np.add.at(out, codes, parts)
    return out


def metrics_from_sums(totals: np.ndarray) -> np.ndarray:
    """:data:`METRICS` from summed counts; ``totals`` shaped (..., len(_SUMS))."""
    rows, pos, flag, flag_pos, flag_neg, top, top_pos, prob = np.moveaxis(totals, -1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.stack(
            [
                flag / rows,
                flag_pos / pos,
                flag_neg / (rows - pos),
                top_pos / top,
                prob / rows,
                pos / rows,
                prob / rows - pos / rows,
            ],
            axis=-1,
        )


def bootstrap_places(sums: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, len(METRICS)) replicate metrics from resampling the group's *places*.

    Drawing n places with replacement is drawing how often each place is taken (a multinomial
    over the places); the replicate's counts are those weights times each place's sums, one
    matrix product for all replicates instead of B loops over indices.
    """
    n = sums.shape[0]
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
    return metrics_from_sums(weights @ sums)


def bootstrap_group(
    y: np.ndarray,
    flag: np.ndarray,
    prob: np.ndarray,
    top: np.ndarray,
    n_boot: int,
    rng: np.random.Generator,
    *,
    places: np.ndarray | None = None,
) -> np.ndarray:
    """(n_boot, len(METRICS)) place-bootstrap replicates of one group's rows.

    ``places`` names each row's place (rows of one place are resampled together); without it
    every row is its own place.
    """
    y, flag, top = (np.asarray(a).astype(bool) for a in (y, flag, top))
    ids = np.arange(y.size) if places is None else np.asarray(places)
    return bootstrap_places(place_sums(ids, y, flag, np.asarray(prob, dtype=float), top), n_boot, rng)


@dataclass
class Audit:
    """Tidy audit table plus what the report needs."""

    table: pd.DataFrame  # one row per grouping × group × metric
    groups: pd.DataFrame  # per grouping × group: audited rows, places, positives, rows not audited and why
    thresholds: FairnessLimits
    n_rows: int  # audited rows
    threshold: float
    not_audited: dict[str, int] = field(default_factory=dict)  # rows per reason (not_served, outcome_hidden)
    rules: int = AUDIT_RULES_VERSION
    cuts: dict[str, tuple[float, float]] = field(default_factory=dict)
    """The tertile cut points the groups were drawn with (:func:`models.groups.tertile_cuts` of
    every held-out row); empty when the groups were given (:func:`audit_predictions` ``groups``)."""
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The audited rows: ``place_id``, ``school_year``, ``y``, ``prob``, ``threshold``, ``flag``,
    ``in_top`` and one column per grouping (its group label) — what the metrics were computed on."""

    @property
    def n_comparisons(self) -> int:
        """How many gated checks the gate made (see :func:`gated_checks`)."""
        return int(gated_checks(self.table, self.thresholds).sum()) if not self.table.empty else 0


def metric_frame(
    y: np.ndarray, flag: np.ndarray, groups: pd.Series, prob: np.ndarray | None = None
) -> pd.DataFrame:
    """fairlearn point estimates of the count-based metrics and, with ``prob``, of the mean
    predicted risk (the reported ones: a researcher's own ``MetricFrame`` with ``numpy.mean``
    over the same rows reproduces them to the last digit)."""
    mf = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "recall": lambda a, b: recall_score(a, b, zero_division=np.nan),
            "false_positive_rate": false_positive_rate,
        },
        y_true=y.astype(int),
        y_pred=flag.astype(int),
        sensitive_features=groups,
    )
    if prob is None:
        return mf.by_group
    mean = MetricFrame(
        metrics={"mean_predicted": lambda _y, p: float(np.mean(p))},
        y_true=y.astype(int),
        y_pred=np.asarray(prob, dtype=float),
        sensitive_features=groups,
    )
    return mf.by_group.join(mean.by_group)


def _quantile(values: np.ndarray, q: float) -> float:
    finite = values[np.isfinite(values)]
    return float(np.quantile(finite, q)) if finite.size else np.nan


def gated_checks(table: pd.DataFrame, limits: FairnessLimits) -> pd.Series:
    """Rows of an audit table that are real checks of the gate: a gated metric of a gated
    grouping, judged (enough elevated places), and — for metrics gated by their difference —
    not the reference group compared with itself."""
    is_reference = table["group"].astype(str) == table["reference"].astype(str)
    judged = table["judged"].astype(bool) if "judged" in table else True  # alarm-rate audits judge all
    return (
        table["metric"].isin(GATED)
        & table["grouping"].isin(limits.gated_groupings)
        & judged
        & ~(table["metric"].isin(DIFFERENCE_METRICS) & is_reference)
    )


def audit_predictions(
    predictions: pd.DataFrame,
    threshold: float | np.ndarray,
    thresholds: FairnessLimits | None = None,
    *,
    served: pd.Series | None = None,
    groups: pd.DataFrame | None = None,
) -> Audit:
    """Audit held-out predictions of the served policy.

    ``predictions`` needs ``place_id``, ``y`` (elevated next year), ``prob`` (held-out
    calibrated risk) and the context columns :func:`models.groups.assign_groups` reads; one row
    per place-year. ``threshold`` is the operating point: one number, or one per row.
    ``served`` (from :func:`served_rows`) says which rows are audited; rows that are not are
    counted per group and reason. Without it every row is audited.
    ``groups`` (one column per grouping, one label per row, index as ``predictions``) replaces
    the built-in groupings of :func:`models.groups.assign_groups` — a researcher's own grouping,
    audited with the same limits, bootstrap and gate rules; then ``predictions`` needs no context
    columns.
    """
    th = thresholds or FairnessLimits()
    rng = np.random.default_rng(th.seed)
    state = (
        pd.Series("audited", index=predictions.index, dtype=object)
        if served is None
        else served.reindex(predictions.index)
    )
    flag_all = predictions["prob"].to_numpy(dtype=float) >= np.asarray(threshold, dtype=float)
    keep = (state == "audited").to_numpy()
    cuts = tertile_cuts(predictions) if groups is None else {}
    all_groups = assign_groups(predictions, cuts) if groups is None else groups.reindex(predictions.index)
    data = predictions.loc[keep].reset_index(drop=True)
    groups = all_groups.loc[keep].reset_index(drop=True)
    y = data["y"].to_numpy().astype(bool)
    prob = data["prob"].to_numpy(dtype=float)
    flag = flag_all[keep]
    top = top_mask(prob, th.top_share)
    place = data["place_id"].to_numpy()
    alpha = (1 - th.confidence) / 2
    rows, sizes = [], []
    for grouping in groups.columns:
        g = groups[grouping]
        valid = g.notna().to_numpy()
        counts = g[valid].value_counts()
        places = data.loc[valid].groupby(g[valid])["place_id"].nunique()
        positive_places = data.loc[valid & y].groupby(g[valid & y])["place_id"].nunique()
        missing = pd.crosstab(all_groups[grouping], state).reindex(columns=list(SERVED_STATES), fill_value=0)
        audited = [k for k in counts.index if places[k] >= th.min_group_size]
        for k in sorted(set(counts.index) | set(missing.index), key=str):
            n_pos_places = int(positive_places.get(k, 0))
            sizes.append(
                {
                    "grouping": grouping,
                    "group": k,
                    "n_rows": int(counts.get(k, 0)),
                    "n_places": int(places.get(k, 0)),
                    "n_positive_rows": int((y & (g == k).to_numpy()).sum()),
                    "n_positive_places": n_pos_places,
                    "n_not_served": int(missing.loc[k, "not_served"]) if k in missing.index else 0,
                    "n_outcome_hidden": int(missing.loc[k, "outcome_hidden"]) if k in missing.index else 0,
                    "audited": k in audited,
                    "recall_judged": k in audited and n_pos_places >= th.min_positive_places,
                }
            )
        if len(audited) < 2:
            continue
        reference = max(audited, key=lambda k: counts[k])
        point, boots = {}, {}
        for k in audited:
            m = (g == k).to_numpy()
            sums = place_sums(place[m], y[m], flag[m], prob[m], top[m])
            point[k] = metrics_from_sums(sums.sum(0))
            boots[k] = bootstrap_places(sums, th.n_boot, rng)
        mf = metric_frame(y[valid], flag[valid], g[valid], prob[valid])
        for k in audited:  # fairlearn's estimates are the reported ones (and the reference's)
            for j, metric in enumerate(METRICS):
                if metric in mf.columns:
                    point[k][j] = float(mf.loc[k, metric])
            gap = METRICS.index("calibration_gap")
            point[k][gap] = (
                point[k][METRICS.index("mean_predicted")] - point[k][METRICS.index("observed_rate")]
            )
        recall_judged = {k: positive_places.get(k, 0) >= th.min_positive_places for k in audited}
        for k in audited:
            for j, metric in enumerate(METRICS):
                judged = metric != "recall" or bool(recall_judged[k] and recall_judged[reference])
                value = point[k][j]
                diff = boots[k][:, j] - boots[reference][:, j]
                with np.errstate(invalid="ignore", divide="ignore"):
                    ratio = boots[k][:, j] / boots[reference][:, j]
                row = {
                    "grouping": grouping,
                    "group": k,
                    "reference": reference,
                    "metric": metric,
                    "value": value,
                    "ci_low": _quantile(boots[k][:, j], alpha),
                    "ci_high": _quantile(boots[k][:, j], 1 - alpha),
                    "difference": value - point[reference][j],
                    "diff_low": _quantile(diff, alpha),
                    "diff_high": _quantile(diff, 1 - alpha),
                    "ratio": value / point[reference][j] if point[reference][j] else np.nan,
                    "ratio_low": _quantile(ratio, alpha),
                    "ratio_high": _quantile(ratio, 1 - alpha),
                    "n_places": int(places[k]),
                    "n_positive_places": int(positive_places.get(k, 0)),
                    "judged": judged,
                }
                if not judged:  # too few elevated places: no number that looks like a verdict
                    for col in ("value", "ci_low", "ci_high", "difference", "diff_low", "diff_high"):
                        row[col] = np.nan
                    for col in ("ratio", "ratio_low", "ratio_high"):
                        row[col] = np.nan
                rows.append(row)
    table = pd.DataFrame(rows)
    if not table.empty:
        table["limit"] = table["metric"].map(lambda m: getattr(th, GATED[m]) if m in GATED else np.nan)
        beyond_high = table["diff_low"] > table["limit"]
        beyond_low = table["diff_high"] < -table["limit"]
        calib = table["metric"] == "calibration_gap"
        # calibration: the group's own gap (not its difference) must stay within the limit
        calib_out = calib & ((table["ci_low"] > table["limit"]) | (table["ci_high"] < -table["limit"]))
        table["exceeds"] = (((~calib) & (beyond_high | beyond_low)) | calib_out) & gated_checks(table, th)
    not_audited = {k: int((state == k).sum()) for k in SERVED_STATES if k != "audited"}
    row_threshold = np.broadcast_to(np.asarray(threshold, dtype=float), flag_all.shape)[keep]
    audited_rows = pd.DataFrame(
        {
            "place_id": data["place_id"].to_numpy(),
            "school_year": data["school_year"].to_numpy() if "school_year" in data else np.nan,
            "y": y,
            "prob": prob,
            "threshold": row_threshold,
            "flag": flag,
            "in_top": top,
        }
    )
    for column in PLACE_KEYS:  # what a researcher joins a grouping of their own on
        if column in data:
            audited_rows[column] = data[column].to_numpy()
    for grouping in groups.columns:
        audited_rows[grouping] = groups[grouping].to_numpy()
    return Audit(
        table,
        pd.DataFrame(sizes),
        th,
        int(keep.sum()),
        float(np.median(row_threshold)) if row_threshold.size else float("nan"),
        not_audited,
        cuts=cuts,
        rows=audited_rows,
    )


@dataclass(frozen=True)
class GateDecision:
    """The fairness gate's verdict as codes with their values — no words.

    ``summary_code`` says what was decided (``allowed`` / ``refused`` / ``not_auditable`` /
    ``not_audited``) and ``codes`` holds one entry per comparison beyond its limit. They are
    stored as they are; every edge (MLflow tags, the card, the app, the CLI) words them in its
    reader's language with :func:`models.texts.gate_summary` and :func:`models.texts.gate_reason`.
    """

    allowed: bool
    codes: tuple[dict, ...] = ()
    summary_code: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # 0.2.1 stored sentences here; a sentence would only fail later, where it is worded.
        if not isinstance(self.summary_code, dict) or not all(isinstance(c, dict) for c in self.codes):
            raise TypeError("GateDecision holds codes (dicts), not words; see models.texts.gate_words")


def _decision(allowed: bool, codes: list[dict], summary_code: dict) -> GateDecision:
    summary_code = {**summary_code, "rules": AUDIT_RULES_VERSION}  # stored with every decision
    return GateDecision(allowed, tuple(codes), summary_code)


def gate(audit: Audit) -> GateDecision:
    """Refuse promotion when a gated disparity lies beyond its limit with its whole interval."""
    if audit.table.empty:
        return _decision(
            True, [], {"code": "not_auditable", "min_group_size": audit.thresholds.min_group_size}
        )
    bad = audit.table[audit.table["exceeds"]]
    level = round(audit.thresholds.confidence * 100)
    codes = []
    for r in bad.itertuples():
        codes.append(
            {
                "code": r.metric,
                "grouping": r.grouping,
                "group": str(r.group),
                "reference": str(r.reference),
                "value": float(r.value),
                "ci_low": float(r.ci_low),
                "ci_high": float(r.ci_high),
                "difference": float(r.difference),
                "diff_low": float(r.diff_low),
                "diff_high": float(r.diff_high),
                "limit": float(r.limit),
                "level": level,
            }
        )
    n_checked = audit.n_comparisons
    if codes:
        return _decision(False, codes, {"code": "refused", "n": len(codes), "of": n_checked})
    return _decision(True, [], {"code": "allowed", "of": n_checked})


def audit_rows_table(audit: Audit) -> pd.DataFrame:
    """The tidy audit dataset of one version: one row per audited place-year.

    The rows are exactly those the audit judged (flag shown, outcome publishable), in the order
    it judged them (``precision_at_top`` breaks ties in risk by that order): ``place_id``,
    ``school_year`` (feature year t), ``outcome_year`` (t + 1), ``fold`` (the rolling-origin fold,
    named by its test year: the model was trained on years up to t − 1), ``y`` (elevated in
    t + 1), ``prob`` (held-out calibrated risk), ``threshold`` (held-out flag threshold of the
    row), ``flag``, the place's identifiers, one column per grouping with the row's group, the
    tertile cut points the groups were drawn with (``cut_<grouping>_low``/``_high``) and the
    limits the audit used (``limit_*``): all a re-computation needs, from this table alone.
    """
    rows = audit.rows.drop(columns=["in_top"], errors="ignore").copy()
    if rows.empty:
        return rows
    year = rows["school_year"].astype(int)
    rows.insert(2, "outcome_year", year + 1)
    rows.insert(3, "fold", year)
    rows["y"] = rows["y"].astype(int)
    rows["flag"] = rows["flag"].astype(int)
    for grouping, (low, high) in audit.cuts.items():
        rows[f"cut_{grouping}_low"] = low
        rows[f"cut_{grouping}_high"] = high
    th = audit.thresholds
    rows["limit_min_group_size"] = th.min_group_size
    rows["limit_min_positive_places"] = th.min_positive_places
    rows["limit_top_share"] = th.top_share
    return rows


def not_audited_table(audit: Audit) -> pd.DataFrame:
    """Per grouping and group: the rows not audited and why (flag not served, outcome hidden)."""
    columns = ["grouping", "group", "n_rows", "n_not_served", "n_outcome_hidden"]
    return audit.groups[columns].copy() if not audit.groups.empty else pd.DataFrame(columns=columns)
