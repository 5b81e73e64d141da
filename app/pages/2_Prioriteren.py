"""Prioriteren / Prioritise: which places first under a budget, and how is the list spread?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import ui
from features.export import csv_safe, to_csv
from models.prioritise import RANK_ON, prioritise, spread_over_groups
from models.scoring import export_frame
from models.texts import format_number, group_label, grouping_label, t

lang = ui.setup_page("budget")
target = ui.target_choice(lang)
level = ui.level_choice(lang, target, default="school")
st.title(t("page_title_prioritise", lang))
b = ui.load_bundle(target, level)
if b is None:
    st.stop()
scores = ui.scores(str(b.path))
kind = st.radio(
    t("budget_kind", lang),
    ["places", "pupils"],
    horizontal=True,
    key="kind",
    format_func=lambda k: t("budget_places" if k == "places" else "budget_pupils", lang),
)
budget = st.number_input(
    t("budget", lang),
    min_value=1,
    value=20 if kind == "places" else 2000,
    step=1 if kind == "places" else 100,
    key="budget",
)
rank_on = st.radio(
    t("rank_on", lang),
    list(RANK_ON),
    horizontal=True,
    key="rank_on",
    format_func=lambda k: {"risk": t("elevated_signal", lang), "emerging": t("emerging_signal", lang)}.get(
        k, t("rank_both", lang)
    ),
)
chosen = prioritise(scores, int(budget), by=kind, rank_on=rank_on)
c1, c2, c3 = st.columns(3)
c1.metric(t("budget_places", lang), len(chosen))
c2.metric(t("pupils", lang), format_number(chosen["n_pupils"].sum(), lang))
c3.metric(t("expected_hits", lang), format_number(chosen["risk"].sum(), lang, 1))
st.dataframe(ui.display_scores(chosen, lang, extra=("gemeente_name",)), hide_index=True, key="priority_table")
st.download_button(
    t("download", lang),
    to_csv(export_frame(chosen.drop(columns=["suppressed"]), ui.provenance()), index=False),
    file_name=f"kansenradar_{target}_{level}_top{len(chosen)}.csv",
    mime="text/csv",
    key="download",
)

st.subheader(t("spread_groups", lang))
spread = spread_over_groups(scores, chosen.index)
st.dataframe(
    csv_safe(
        pd.DataFrame(
            {
                t("grouping", lang): spread["grouping"].map(lambda g: grouping_label(g, lang)),
                t("spread_group", lang): spread["group"].map(lambda g: group_label(g, lang)),
                t("spread_in_list", lang): spread["share_in_list"].map("{:.0%}".format),
                t("spread_all", lang): spread["share_all_places"].map("{:.0%}".format),
            }
        )
    ),
    hide_index=True,
    key="spread",
)
st.caption(t("suppressed_note", lang))
