"""Plaats / Place detail: why is this place flagged? Contributions, history, peers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import ui
from app.briefs import brief_buttons
from features.indicators import label
from features.suppression import SECONDARY
from features.targets import INTERVAL
from features.vocabulary import CONCEPTS
from features.years import format_school_year
from models.explain import (
    aggregate_contributions,
    concept_of,
    emerging_sentence,
    grouped_summary,
    peer_places,
    summary_sentence,
)
from models.texts import (
    CONCEPT_LABELS,
    band_word,
    column_label,
    format_number,
    format_risk,
    hidden_label,
    pick,
    t,
)

lang = ui.setup_page("why_flagged")
target = ui.target_choice(lang)
level = ui.level_choice(lang, target, default="gemeente")
st.title(t("why_flagged", lang))
b = ui.load_bundle(target, level)
if b is None:
    st.stop()
scores = ui.scores(str(b.path))
visible = scores[~scores["suppressed"]].sort_values("rank")
if visible.empty:
    st.info(t("suppressed_note", lang))
    st.stop()
names = visible.set_index("place_id")["place_name"].fillna(visible.set_index("place_id").index.to_series())
ids = list(visible["place_id"])
default = st.query_params.get("place")
place = ui.keep_choice(
    st.selectbox,
    t("place", lang),
    ids,
    f"place_{target}_{level}",
    default if default in ids else ids[0],
    format_func=lambda p: f"{names[p]} ({p})",
)
row = visible.set_index("place_id").loc[place]
feats = ui.table(str(b.path), "features_latest").set_index("place_id")
contrib = ui.table(str(b.path), "contributions").set_index("place_id")

# the bundle's tables are published: a concept that would give back a hidden value is empty
explained = ui.table(str(b.path), "explanations").set_index("place_id")
groups = explained.loc[place, list(CONCEPTS)].astype(float)

c1, c2, c3, c4 = st.columns(4)
c1.metric(t("risk", lang) + f" {format_school_year(int(row['target_year']))}", format_risk(row["risk"]))
c2.metric(t("interval", lang), f"{format_risk(row['risk_low'])} – {format_risk(row['risk_high'])}")
c3.metric(t("risk_band", lang), band_word(row["risk"], lang))
c4.metric(t("flag", lang), t("flag_yes", lang) if row["flag"] == 1 else t("flag_no", lang))
st.info(grouped_summary(groups, lang) + " " + summary_sentence(feats.loc[place], target, lang))
if level == "gemeente":
    brief_buttons(place, str(names[place]), lang, key="place")

# the second signal: higher than expected from the place's own past (models.emerging)
em = ui.emerging(str(b.path))
if em is not None:
    mine = em[em["place_id"] == place].sort_values("school_year")
    latest_year = int(mine["school_year"].max()) if len(mine) else None
    if latest_year is not None:
        st.subheader(t("emerging", lang))
        guard = int(b.emerging_meta().get("params", {}).get("guard_band", 1))
        st.write(emerging_sentence(mine, latest_year, guard, lang))
        shown_em = mine.dropna(subset=["expected_rate"])
        fig_em = go.Figure()
        fig_em.add_trace(
            go.Scatter(
                x=shown_em["school_year"],
                y=shown_em["expected_upper"],
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
            )
        )
        fig_em.add_trace(
            go.Scatter(
                x=shown_em["school_year"],
                y=shown_em["expected_lower"],
                fill="tonexty",
                fillcolor="rgba(120,120,120,0.2)",
                line={"width": 0},
                name=t("expected", lang) + " (90%)",
            )
        )
        fig_em.add_trace(
            go.Scatter(
                x=shown_em["school_year"],
                y=shown_em["expected_rate"],
                mode="lines",
                line={"dash": "dot", "color": "grey"},
                name=t("expected", lang),
            )
        )
        fig_em.add_trace(
            go.Scatter(
                x=mine["school_year"],
                y=mine["rate"],
                mode="lines+markers",
                marker={"symbol": np.where(mine["state"] == "alarm", "diamond", "circle"), "size": 9},
                name=t("observed", lang),
            )
        )
        fig_em.update_layout(height=260, yaxis_title="%", margin={"l": 0, "r": 0, "t": 10, "b": 0})
        st.plotly_chart(fig_em, width="stretch", key="emerging_chart")
        st.caption(t("emerging_note", lang))


st.subheader(t("parts_heading", lang))
st.caption(t("grouped_help", lang))
fig = go.Figure(
    go.Bar(
        x=groups.to_numpy(),
        y=[pick(CONCEPT_LABELS[k], lang) for k in groups.index],
        orientation="h",
        marker_color=np.where(groups.to_numpy() > 0, "#b3261e", "#2a6f97"),
        text=[
            hidden_label(SECONDARY, lang)
            if pd.isna(v)
            else ("↑ +" if v > 0 else "↓ −") + format_number(abs(v), lang, 2)
            for v in groups.to_numpy()
        ],
        textposition="auto",
    )
)
fig.update_layout(
    height=300,
    margin={"l": 0, "r": 0, "t": 60, "b": 0},
    title=ui.with_origin(names[place], lang),
    xaxis_title=t("contribution_axis", lang),
)
st.plotly_chart(fig, width="stretch", key="contrib")
c = (
    contrib.loc[place].drop(labels=["bias"], errors="ignore").astype(float).dropna()
)  # published: hidden are empty
c = c.reindex(c.abs().sort_values(ascending=False).index)
with st.expander(t("indicator_detail", lang)):
    st.dataframe(
        pd.DataFrame(
            {
                column_label("indicator", lang): [label(n, lang) for n in c.index],
                t("concept", lang): [pick(CONCEPT_LABELS[concept_of(n)], lang) for n in c.index],
                t("contribution", lang): c.round(2).to_numpy(),
            }
        ),
        hide_index=True,
        key="contrib_detail",
    )

past = ui.lookback(str(b.path))
strip = past[past["place_id"] == place].sort_values("target_year")
if len(strip):
    st.subheader(t("lookback", lang))
    rows = {
        t("year", lang): [format_school_year(int(y)) for y in strip["target_year"]],
        t("lb_flag_issued", lang): strip["flag"].map({1: t("flag_yes", lang), 0: "—"}),
    }
    if strip["emerging_alarm"].notna().any():
        rows[t("lb_emerging_alarm", lang)] = (
            strip["emerging_alarm"]
            .map({1.0: t("emerging_yes", lang), 0.0: "—"})
            .fillna(t("insufficient_history", lang))
        )
    rows[t("lb_turned_out", lang)] = strip["elevated_next"].map(
        {1: t("flag_yes", lang), 0: t("lb_not_elevated", lang)}
    )
    years = rows.pop(t("year", lang))
    st.dataframe(pd.DataFrame(rows, index=years).T, key="lookback_strip")

# for a gemeente: what the school-level champion sees in its schools, pupil-weighted
if level == "gemeente":
    school_level = "school"
    sb = ui.bundle(target, school_level, ui.champion(ui.registered_name(target, school_level)))
    if sb is not None:
        s_scores = ui.scores(str(sb.path))  # published: hidden schools carry no pupils
        s_contrib = ui.table(str(sb.path), "contributions")
        # published: a school's contribution of a value it may not show is empty, and counts as none
        s_contrib = s_contrib.set_index("place_id").reindex(s_scores["place_id"]).reset_index().fillna(0.0)
        inside = (s_scores["gemeente_code"].to_numpy() == place) & ~s_scores["suppressed"].to_numpy()
        if inside.sum() >= 2:
            agg = aggregate_contributions(
                s_contrib.loc[inside].drop(columns=["place_id", "bias"]),
                pd.Series(place, index=s_contrib.index[inside]),
                s_scores.loc[inside, "n_pupils"],
            )
            top = agg.iloc[0].sort_values(key=abs).tail(8)
            st.subheader(t("schools_show", lang))
            st.caption(f"{int(inside.sum())} {t('schools_model', lang)}")
            st.bar_chart(
                pd.DataFrame(
                    {t("contribution_short", lang): top.to_numpy()},
                    index=pd.Index([label(n, lang) for n in top.index], name=column_label("indicator", lang)),
                ),
                horizontal=True,
            )

# national picture and peers with a similar context
peers = peer_places(feats, place)
shown = [n for n in c.index[::-1] if n in feats.columns][:8]
compare = pd.DataFrame(
    {
        column_label("indicator", lang): [label(n, lang) for n in shown],
        t("place", lang): feats.loc[place, shown].to_numpy(),
        t("median_of", lang, what=t("national", lang)): feats[shown].median().to_numpy(),
        t("median_of", lang, what=t("peers", lang)): feats.loc[peers, shown].median().to_numpy(),
    }
)
st.subheader(f"{t('national', lang)} / {t('peers', lang)}")
st.dataframe(compare.round(2), hide_index=True, key="compare")

st.subheader(t("history", lang))
h = ui.history(str(b.path))
h = h[h["place_id"] == place].sort_values("school_year")
fig2 = go.Figure()
fig2.add_trace(
    go.Scatter(x=h["school_year"], y=h["rate_upper"], line={"width": 0}, showlegend=False, hoverinfo="skip")
)
fig2.add_trace(
    go.Scatter(
        x=h["school_year"],
        y=h["rate_lower"],
        fill="tonexty",
        fillcolor="rgba(42,111,151,0.2)",
        line={"width": 0},
        name=f"{INTERVAL:.0%}-interval",
    )
)
fig2.add_trace(go.Scatter(x=h["school_year"], y=h["shrunk_rate"], mode="lines+markers", name=names[place]))
fig2.add_trace(
    go.Scatter(
        x=h["school_year"],
        y=h["national_rate"] * 100,
        mode="lines",
        line={"dash": "dot", "color": "grey"},
        name=t("national", lang),
    )
)
fig2.update_layout(
    height=320,
    yaxis_title="%",
    margin={"l": 0, "r": 0, "t": 60, "b": 0},
    title=ui.with_origin(t("history", lang), lang),
)
st.plotly_chart(fig2, width="stretch", key="history")
st.caption(t("suppressed_note", lang))
