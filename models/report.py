"""Audit report and model card: one self-contained HTML file per registered model version.

Written for researchers auditing fairness and for a DPIA / EU AI Act register entry: purpose,
data and its limits, accuracy against baselines, fairness with intervals, calibration by group,
mitigation trade-offs, limitations. Plots are embedded as PNG, so the file opens anywhere.
"""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from features.panel import LEVEL_LABELS, TARGET_LABELS
from models.audit import Audit, GateDecision
from models.groups import grouping_label
from models.metrics import COMPARISON_METRICS

TEMPLATES = Path(__file__).resolve().parent / "templates"
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


def _table(frame: pd.DataFrame, digits: int = 3) -> Markup:
    """A table as HTML; pandas escapes every cell and header (``escape=True``)."""
    html_table = frame.to_html(
        index=False, float_format=lambda v: f"{v:.{digits}f}", na_rep="–", border=0, escape=True
    )
    return Markup(f"<div class='scroll'>{html_table}</div>")


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
    """The full HTML document, rendered by Jinja2 with autoescaping.

    Every text that can come from data, configuration or the command line (names, reasons,
    the data note with the folder's name) is escaped by the template engine; only the tables
    pandas escaped itself and the embedded PNGs are marked safe. The data folder appears by its
    *name* only (:func:`features.provenance.data_origin`) — never a server path.
    """
    tnl, ten = TARGET_LABELS[target]
    lnl, len_ = LEVEL_LABELS[level]
    comp = comparison.reset_index().rename(columns={"index": "model"})
    keep = ["model", *COMPARISON_METRICS]
    th = audit.thresholds
    sizes = audit.groups.copy()
    if not sizes.empty:
        sizes["grouping"] = sizes["grouping"].map(lambda g: grouping_label(g, "en"))
        sizes["status"] = np.where(sizes["audited"], "audited", f"too small (< {th.min_group_size} places)")
        sizes = sizes[["grouping", "group", "n_places", "n_rows", "status"]]
    groupings = []
    for grouping in audit.table["grouping"].unique() if not audit.table.empty else []:
        t = audit.table[audit.table["grouping"] == grouping]
        plots = (
            fairness_plot(audit, grouping) + calibration_plot(audit, grouping) if "×" not in grouping else ""
        )
        show = t[
            t["metric"].isin(
                ["selection_rate", "recall", "false_positive_rate", "precision_at_top", "calibration_gap"]
            )
        ]
        cols = ["group", "metric", "value", "ci_low", "ci_high", "reference", "difference"]
        cols += ["diff_low", "diff_high", "ratio", "n_places", "exceeds"]
        groupings.append(
            {"label": grouping_label(grouping, "en"), "plots": Markup(plots), "table": _table(show[cols])}
        )
    has_mitigation = mitigation is not None and not mitigation.empty
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    return env.get_template("model_card.html.j2").render(
        css=Markup(CSS),
        name=name,
        version=version,
        run_id=run_id,
        target_en=ten,
        target_nl=tnl,
        level_en=len_.lower(),
        level_nl=lnl,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        allowed=decision.allowed,
        verdict="The fairness gate allows promotion."
        if decision.allowed
        else "The fairness gate refuses promotion to champion.",
        summary=decision.summary,
        reasons=list(decision.reasons),
        not_auditable=getattr(decision, "not_auditable", ""),
        data_note=data_note,
        features=list(features),
        comparison_table=_table(comp[[c for c in keep if c in comp]]),
        calibration_method=calibration_method,
        threshold=threshold,
        fold_table=_table(fold_metrics),
        n_rows=audit.n_rows,
        confidence=int(th.confidence * 100),
        n_boot=th.n_boot,
        gated=list(th.gated_groupings),
        max_recall=th.max_recall_difference,
        max_fpr=th.max_fpr_difference,
        max_calib=th.max_calibration_gap,
        min_group=th.min_group_size,
        sizes_table=_table(sizes) if not sizes.empty else Markup("<p>No groups.</p>"),
        groupings=groupings,
        mitigation_table=_table(mitigation.drop(columns=["grouping", "test_year"]))
        if has_mitigation
        else None,
        mitigation_grouping=grouping_label(mitigation["grouping"].iloc[0], "en") if has_mitigation else "",
        mitigation_year=int(mitigation["test_year"].iloc[0]) if has_mitigation else "",
        mitigation_plot=Markup(mitigation_plot(mitigation)) if has_mitigation else "",
        n_folds=len(fold_metrics),
    )
