"""Fairness: the champion's audit — group metrics with intervals, calibration, mitigation."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from app import ui
from experiments.config import load_fairness_limits
from features.export import csv_safe
from features.years import format_school_year
from models.report import mitigation_view
from models.texts import (
    codes_in_words,
    column_label,
    gate_reason,
    gate_summary,
    group_label,
    grouping_label,
    labelled_columns,
    t,
    value_label,
)

lang = ui.setup_page("gate")
target = ui.target_choice(lang)
level = ui.level_choice(lang, target, default="school")
st.title("Fairness")
b = ui.load_bundle(target, level)
if b is None:
    st.stop()
meta = b.meta
(st.success if meta.gate_allowed else st.error)(
    f"{t('gate', lang)}: {gate_summary(meta.gate_summary_code, lang)} — {meta.name} v{meta.version}"
    + (
        f" ({t('mitigation', lang)}: {value_label(meta.mitigation, lang)})"
        if meta.mitigation != "none"
        else ""
    )
)
for code in meta.gate_codes:
    st.write("• " + gate_reason(code, lang))

audit = ui.table(str(b.path), "audit")
sizes = ui.table(str(b.path), "audit_groups")
groupings = list(dict.fromkeys(sizes["grouping"]))
grouping = st.selectbox(
    t("grouping", lang), groupings, key="grouping", format_func=lambda g: grouping_label(g, lang)
)
st.dataframe(
    csv_safe(
        labelled_columns(
            codes_in_words(sizes[sizes["grouping"] == grouping].drop(columns=["grouping"]), lang), lang
        )
    ),
    hide_index=True,
    key="sizes",
)
a = audit[audit["grouping"] == grouping] if not audit.empty else audit
if a.empty:
    st.info(t("too_few_to_audit", lang))
else:
    metric = st.selectbox(
        column_label("metric", lang),
        ["recall", "false_positive_rate", "selection_rate", "precision_at_top", "calibration_gap"],
        key="metric",
        format_func=lambda m: column_label(m, lang),
    )
    m = a[a["metric"] == metric]
    fig = go.Figure(
        go.Scatter(
            x=m["value"],
            y=m["group"].map(lambda g: group_label(g, lang)),
            mode="markers",
            error_x={
                "type": "data",
                "symmetric": False,
                "array": m["ci_high"] - m["value"],
                "arrayminus": m["value"] - m["ci_low"],
            },
            marker={"size": 10},
        )
    )
    fig.update_layout(
        height=170 + 40 * len(m),
        margin={"l": 0, "r": 0, "t": 60, "b": 0},
        xaxis_title=f"{column_label(metric, lang)} ({load_fairness_limits().confidence:.0%} "
        + f"{t('bootstrap_interval', lang)})",
        title=ui.with_origin(grouping_label(grouping, lang), lang),
    )
    st.plotly_chart(fig, width="stretch", key="audit_plot")
    st.dataframe(
        csv_safe(codes_in_words(m, lang))[
            [
                "group",
                "value",
                "ci_low",
                "ci_high",
                "reference",
                "difference",
                "diff_low",
                "diff_high",
                "ratio",
                "limit",
                "exceeds",
                "n_places",
                "n_positive_places",
                "judged",
            ]
        ]
        .round(3)
        .pipe(labelled_columns, lang),
        hide_index=True,
        key="audit_table",
    )
    calib = a[a["metric"].isin(["mean_predicted", "observed_rate"])].pivot_table(
        index="group", columns="metric", values="value"
    )
    st.subheader(t("calibration_by_group", lang))
    st.dataframe(csv_safe(labelled_columns(codes_in_words(calib.round(3), lang), lang)), key="calibration")

st.subheader(t("mitigation_heading", lang))
mitigation = ui.table(str(b.path), "mitigation")
if not mitigation.empty:
    st.caption(
        t(
            "card_mitigation",
            lang,
            grouping=grouping_label(mitigation["grouping"].iloc[0], lang),
            year=format_school_year(int(mitigation["test_year"].iloc[0])),
            reweighed_by=" × ".join(
                grouping_label(g, lang).lower() for g in load_fairness_limits().gated_groupings
            ),
            confidence=round(load_fairness_limits().confidence * 100),
        )
    )
st.dataframe(csv_safe(mitigation_view(mitigation, lang)), hide_index=True, key="mitigation")
card = b.report_path(lang)
if not card.is_file():  # an older version, written before the English card existed
    st.info(t("no_card_in_language", lang))
    card = b.report_path("nl")
report = card.read_text(encoding="utf-8")
st.download_button(
    t("report_link", lang),
    report,
    file_name=f"{meta.name}-v{meta.version}-audit-{lang}.html",
    mime="text/html",
    key="report",
)
