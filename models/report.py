"""Audit report and model card: one self-contained HTML file per registered model version.

Written for researchers auditing fairness and for a DPIA / EU AI Act register entry: purpose,
data and its limits, accuracy against baselines, fairness with intervals, calibration by group,
mitigation trade-offs, limitations. Plots are embedded as PNG, so the file opens anywhere.
"""

from __future__ import annotations

import base64
import html
import io
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from features.panel import LEVEL_LABELS, TARGET_LABELS
from models.audit import Audit, GateDecision
from models.groups import grouping_label

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:2px solid #2a6f97;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}th,td{border:1px solid #ccc;padding:3px 7px;
text-align:right}th{background:#eef4f8}td:first-child,th:first-child{text-align:left}
.note{background:#f6f6f0;border-left:4px solid #c9a227;padding:.5em 1em}.ok{border-left-color:#2e7d32}
.refused{border-left-color:#b3261e}dl{display:grid;grid-template-columns:14em 1fr;gap:.3em 1em}
dt{font-weight:600}img{max-width:100%}small{color:#555}.scroll{overflow-x:auto}
"""


def _png(fig: object) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _table(frame: pd.DataFrame, digits: int = 3) -> str:
    html_table = frame.to_html(
        index=False, float_format=lambda v: f"{v:.{digits}f}", na_rep="–", border=0, escape=True
    )
    return f"<div class='scroll'>{html_table}</div>"


def fairness_plot(audit: Audit, grouping: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = audit.table[(audit.table["grouping"] == grouping)]
    metrics = ["recall", "false_positive_rate", "selection_rate"]
    fig, axes = plt.subplots(1, 3, figsize=(11, 0.45 * t["group"].nunique() + 1.6), sharey=True)
    for ax, metric in zip(axes, metrics, strict=True):
        m = t[t["metric"] == metric]
        ypos = np.arange(len(m))
        ax.errorbar(
            m["value"],
            ypos,
            xerr=[m["value"] - m["ci_low"], m["ci_high"] - m["value"]],
            fmt="o",
            color="#2a6f97",
            ecolor="#7aa6c2",
            capsize=3,
        )
        ref = m[m["group"] == m["reference"]]["value"]
        if len(ref):
            ax.axvline(ref.iloc[0], color="grey", ls=":", lw=1)
        ax.set_yticks(ypos, m["group"].astype(str))
        ax.set_title(metric.replace("_", " "), fontsize=10)
        ax.set_xlim(0, 1)
    fig.suptitle(
        f"{grouping_label(grouping, 'en')} — point and {int(audit.thresholds.confidence * 100)}% "
        "bootstrap interval (dotted: reference group)",
        fontsize=10,
        y=1.06,
    )
    return _png(fig)


def calibration_plot(audit: Audit, grouping: str) -> str:
    import matplotlib.pyplot as plt

    t = audit.table[audit.table["grouping"] == grouping]
    pred = t[t["metric"] == "mean_predicted"].set_index("group")["value"]
    obs = t[t["metric"] == "observed_rate"].set_index("group")
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    hi = max(pred.max(), obs["ci_high"].max(), 0.05) * 1.15
    ax.plot([0, hi], [0, hi], ls="--", color="grey")
    ax.errorbar(
        pred,
        obs.loc[pred.index, "value"],
        yerr=[
            obs.loc[pred.index, "value"] - obs.loc[pred.index, "ci_low"],
            obs.loc[pred.index, "ci_high"] - obs.loc[pred.index, "value"],
        ],
        fmt="s",
        capsize=3,
    )
    for g, x in pred.items():
        ax.annotate(str(g), (x, obs.loc[g, "value"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("mean predicted risk")
    ax.set_ylabel("observed share elevated")
    ax.set_title(f"Calibration by {grouping_label(grouping, 'en').lower()}", fontsize=10)
    return _png(fig)


def mitigation_plot(mitigation: pd.DataFrame) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4))
    for r in mitigation.itertuples():
        ax.scatter(r.max_recall_difference, r.f1, s=60)
        ax.annotate(
            r.method, (r.max_recall_difference, r.f1), fontsize=8, xytext=(4, 4), textcoords="offset points"
        )
    ax.set_xlabel("largest recall difference between groups (lower = fairer)")
    ax.set_ylabel("F1 of the flags (higher = more accurate)")
    ax.set_title("Mitigation trade-off (last held-out year)", fontsize=10)
    return _png(fig)


def render_report(
    *,
    name: str,
    version: str,
    run_id: str,
    target: str,
    level: str,
    comparison: pd.DataFrame,
    fold_metrics: pd.DataFrame,
    audit: Audit,
    decision: GateDecision,
    mitigation: pd.DataFrame,
    calibration_method: str,
    threshold: float,
    features: list[str],
    data_note: str,
) -> str:
    """The full HTML document."""
    esc = html.escape
    tnl, ten = TARGET_LABELS[target]
    lnl, len_ = LEVEL_LABELS[level]
    comp = comparison.reset_index().rename(columns={"index": "model"})
    keep = [
        "model",
        "roc_auc",
        "average_precision",
        "precision_at_top",
        "recall_at_top",
        "precision_at_budget",
        "brier",
        "calibration_error",
    ]
    sizes = audit.groups.copy()
    sizes["grouping"] = sizes["grouping"].map(lambda g: grouping_label(g, "en"))
    sizes["status"] = np.where(
        sizes["audited"], "audited", f"too small (< {audit.thresholds.min_group_size} places)"
    )
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>kansenradar — "
        f"{esc(name)} v{esc(version)}</title><style>{CSS}</style></head><body>",
        f"<h1>kansenradar model card and fairness audit<br><small>{esc(name)} "
        f"version {esc(version)} — {esc(ten)} ({esc(tnl)}) per {esc(len_.lower())} "
        f"({esc(lnl)})</small></h1>",
        f"<p><small>MLflow run {esc(run_id)} · generated "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}</small></p>",
    ]
    klass = "ok" if decision.allowed else "refused"
    verdict = (
        "The fairness gate allows promotion."
        if decision.allowed
        else "The fairness gate refuses promotion to champion."
    )
    parts.append(
        f"<div class='note {klass}'><b>{verdict}</b> {esc(decision.summary)}"
        + (
            "<ul>" + "".join(f"<li>{esc(r)}</li>" for r in decision.reasons) + "</ul>"
            if decision.reasons
            else ""
        )
        + "</div>"
    )
    parts.append("""<h2>1. Purpose and intended use</h2>
<p>kansenradar estimates, for each <b>place</b> (school, postcode-4 area, gemeente or RMC region),
the probability that its rate of under-advice (pupils whose school advice is below their test
advice) or of early school leaving will be <b>elevated next school year</b>. It is an early-warning
signal for municipal analysts, school boards and policy teams to decide where to look first.
<b>It flags places, never persons</b>: no pupil-level data enter or leave the model, and no output
shows a figure based on fewer than 10 pupils.</p>
<p>Not intended for: judging individual teachers or pupils, allocating or withholding funding
automatically, ranking schools publicly. A flag is a reason to look, not a verdict.</p>""")
    parts.append(f"""<h2>2. Data and its limits</h2><p>{data_note}</p>
<p>Label: <i>elevated</i> = the lower bound of the empirical-Bayes 90 % interval of the place's rate
lies above that year's national rate. Features for year t use only data published for years ≤ t.
Validation is rolling-origin: train on years ≤ t−1, test on t.</p>
<p>Features ({len(features)}): {esc(", ".join(features))}.</p>""")
    parts.append("<h2>3. Accuracy against baselines (held-out years, mean over folds)</h2>")
    parts.append(_table(comp[[c for c in keep if c in comp]]))
    parts.append(
        f"<p>Calibration: {esc(calibration_method)} (chosen on held-out years). Operating "
        f"point: flag when calibrated risk ≥ {threshold:.3f} (best F1 out of fold).</p>"
    )
    parts.append("<h3>Per held-out year (candidate, calibrated)</h3>")
    parts.append(_table(fold_metrics))
    parts.append("<h2>4. Fairness across kinds of places</h2>")
    th = audit.thresholds
    parts.append(
        f"<p>Audited on {audit.n_rows:,} held-out place-years at the operating point. "
        f"Intervals: {int(th.confidence * 100)} % bootstrap ({th.n_boot:,} resamples of "
        f"places within each group). Gated groupings: {', '.join(th.gated_groupings)}; "
        f"limits — recall difference {th.max_recall_difference}, false-positive-rate "
        f"difference {th.max_fpr_difference}, absolute calibration gap "
        f"{th.max_calibration_gap}. A limit counts as exceeded only when the whole "
        "interval lies beyond it.</p>"
    )
    parts.append(
        "<h3>Group sizes</h3>" + _table(sizes[["grouping", "group", "n_places", "n_rows", "status"]])
    )
    for grouping in audit.table["grouping"].unique() if not audit.table.empty else []:
        t = audit.table[audit.table["grouping"] == grouping]
        parts.append(f"<h3>{esc(grouping_label(grouping, 'en'))}</h3>")
        if "×" not in grouping:
            parts.append(fairness_plot(audit, grouping) + calibration_plot(audit, grouping))
        show = t[
            t["metric"].isin(
                ["selection_rate", "recall", "false_positive_rate", "precision_at_top", "calibration_gap"]
            )
        ]
        parts.append(
            _table(
                show[
                    [
                        "group",
                        "metric",
                        "value",
                        "ci_low",
                        "ci_high",
                        "reference",
                        "difference",
                        "diff_low",
                        "diff_high",
                        "ratio",
                        "n_places",
                        "exceeds",
                    ]
                ]
            )
        )
    parts.append("<h2>5. Mitigation compared</h2>")
    if mitigation is not None and not mitigation.empty:
        parts.append(
            f"<p>Grouping: {esc(grouping_label(mitigation['grouping'].iloc[0], 'en'))}; "
            f"evaluated on held-out year {int(mitigation['test_year'].iloc[0])}.</p>"
        )
        parts.append(_table(mitigation.drop(columns=["grouping", "test_year"])))
        parts.append(mitigation_plot(mitigation))
    parts.append("""<h2>6. Known limitations</h2><ul>
<li>Context indicators are single CBS snapshots (kerncijfers 2021, achterstandsscores 2019, SES 2021–22)
applied to all years: they vary slowly, but are not what was known in 2015.</li>
<li>Suppressed published cells (&lt;5) are estimated as 2.5 pupils; small schools' rates are
therefore uncertain, which the empirical-Bayes interval reflects.</li>
<li>The 2023-24 regime change (doorstroomtoets, mandatory revision) gives only two years of the new
regime; models see it as an explicit indicator.</li>
<li>Fairness is audited for kinds of places, not for pupils; place-level parity does not prove
pupil-level fairness.</li></ul>""")
    parts.append(f"""<h2>7. Register entry (DPIA / EU AI Act)</h2><dl>
<dt>Intended purpose</dt><dd>Early warning of elevated under-advice / early school leaving per place,
for prioritising attention and support.</dd>
<dt>Risk classification note</dt><dd>Does not determine access, admission or assessment of natural
persons; outputs concern places. A DPIA is still advised because inputs describe small groups.</dd>
<dt>Human oversight</dt><dd>Analysts review each flag with its explanation, history and interval before
acting; promotion of a model requires the fairness gate or a recorded, reasoned override.</dd>
<dt>Data governance</dt><dd>Public aggregated DUO/CBS open data only; small-cell suppression (&lt; 10
pupils) on every output; data fingerprint logged with each run.</dd>
<dt>Accuracy</dt><dd>See section 3 (held-out years, compared with persistence, context-only and
logistic baselines).</dd>
<dt>Robustness</dt><dd>Rolling-origin validation over {len(fold_metrics)} years; calibration checked
per group (section 4); input validation with located errors; deterministic training.</dd>
<dt>Model</dt><dd>{esc(name)} v{esc(version)}, MLflow run {esc(run_id)}.</dd></dl>""")
    parts.append("</body></html>")
    return "\n".join(parts)
