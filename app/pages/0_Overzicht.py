"""Overzicht / Overview: map of gemeenten by risk, ranked flagged places, drill-down.

The default page of ``app/kansenradar.py`` (``make run`` starts it).
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from app import ui
from app.bundles import newest
from features.geometry import compact_boundaries
from features.panel import TARGET_LABELS
from features.paths import SKELETON_DIR
from features.sources import read_gemeente_geojson
from features.years import format_school_year
from models.texts import format_risk, pick, t

lang = ui.setup_page("app_title")
target = ui.target_choice(lang)
st.title(f"kansenradar — {pick(TARGET_LABELS[target], lang)}")
st.caption(t("tagline", lang))


@st.cache_resource(show_spinner=False)
def boundaries() -> dict:
    return compact_boundaries(read_gemeente_geojson(SKELETON_DIR / "gemeenten.json")[1])


def emerging_view(em) -> None:
    """The *opkomend* signal: map of emerging scores per gemeente and the places that alarm."""
    scored = em[em["state"] != "insufficient_history"]
    year = st.sidebar.selectbox(
        t("year", lang), sorted(scored["school_year"].unique(), reverse=True), format_func=format_school_year
    )
    shown = scored[scored["school_year"] == year].assign(
        label=lambda f: ui.emerging_words(f["state"], lang).to_numpy()
    )
    fig = px.choropleth_map(
        shown,
        geojson=boundaries(),
        locations="place_id",
        featureidkey="id",
        color="emerging_score",
        color_continuous_scale="PuRd",
        map_style="white-bg",
        center={"lat": 52.2, "lon": 5.3},
        zoom=6.1,
        opacity=0.9,
        hover_name="place_name",
        hover_data={"label": True, "rate": ":.1f", "expected_rate": ":.1f", "place_id": False},
        labels={"emerging_score": "score", "label": t("emerging", lang)},
    )
    fig.update_layout(
        height=600,
        margin={"l": 0, "r": 0, "t": 30, "b": 0},
        title=f"{t('map_emerging', lang)} — {format_school_year(year)}",
    )
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(fig, width="stretch", key="map_emerging")
    with right:
        st.subheader(f"{t('emerging_places', lang)} — {format_school_year(year)}")
        alarms = shown[shown["state"] == "alarm"].sort_values("emerging_score", ascending=False)
        table = pd.DataFrame(
            {
                t("place", lang): alarms["place_name"].fillna(alarms["place_id"]),
                t("observed", lang) + " %": alarms["rate"].round(1),
                t("expected", lang) + " %": alarms["expected_rate"].round(1),
                "90%": [
                    "–" if pd.isna(lo) else f"{lo:.0f}–{hi:.0f}"
                    for lo, hi in zip(alarms["expected_lower"], alarms["expected_upper"], strict=True)
                ],
            }
        )
        st.dataframe(table, hide_index=True, height=520, key="emerging_table")
    st.caption(t("emerging_note", lang))
    st.caption(t("suppressed_note", lang))


gem = ui.load_bundle(target, "gemeente")
has_model = gem is not None
if not has_model:  # no approved model: still show the observed data, never a forecast
    gem = newest(target, "gemeente")
    if gem is None:
        st.stop()
scores = ui.scores(str(gem.path)) if has_model else None
hist = ui.history(str(gem.path))
signal = ui.signal_choice(lang)
emerging = ui.emerging(str(gem.path))
if signal == "emerging" and emerging is not None:
    emerging_view(emerging)
    st.stop()
pred_year = int(gem.meta.feature_year) + 1
years = ([pred_year] if has_model else []) + sorted(hist["school_year"].unique(), reverse=True)
year = ui.keep_choice(
    st.sidebar.selectbox,
    t("year", lang),
    [int(y) for y in years],
    f"year_{target}",
    int(years[0]),
    format_func=lambda y: (
        f"{format_school_year(y)} ({t('prediction', lang)})" if y == pred_year else format_school_year(y)
    ),
)


@st.cache_resource(show_spinner=False, max_entries=64)
def map_figure(bundle_path: str, year: int, forecast: bool, lang: str) -> go.Figure:
    """The choropleth for one bundle, year and language — built once, reused on every rerun."""
    if forecast:
        data = ui.scores(bundle_path)
        shown = data.assign(
            value=data["risk"] * 100,
            shown_value=data["risk"].map(format_risk),  # never "0 %" or "100 %"
            label=data["flag"].map({1: t("flag_yes", lang)}).fillna(""),
        )
        title = f"{t('map_title', lang)} — {format_school_year(year)}"
        colour = t("risk", lang) + " (%)"
    else:
        h = ui.history(bundle_path)
        h = h[h["school_year"] == year]
        shown = h.assign(
            value=h["shrunk_rate"],
            shown_value=h["shrunk_rate"].map(lambda v: "–" if v != v else f"{v:.1f}%"),
            label=h["elevated"].map({1.0: t("flag_yes", lang)}).fillna(""),
        )
        title, colour = f"{t('map_observed', lang)} — {format_school_year(year)}", "%"
    # MapLibre with the blank "white-bg" style: no tiles, no CDN — the map works offline
    fig = px.choropleth_map(
        shown,
        geojson=boundaries(),
        locations="place_id",
        featureidkey="id",
        color="value",
        color_continuous_scale="YlOrRd",
        map_style="white-bg",
        center={"lat": 52.2, "lon": 5.3},
        zoom=6.1,
        opacity=0.9,
        hover_name="place_name",
        hover_data={"label": True, "shown_value": True, "value": False, "place_id": False},
        labels={"value": colour, "shown_value": colour, "label": t("flag", lang)},
    )
    fig.update_layout(height=600, margin={"l": 0, "r": 0, "t": 60, "b": 0}, title=ui.with_origin(title, lang))
    return fig


fig = map_figure(str(gem.path), int(year), year == pred_year, lang)
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(fig, width="stretch", key="map")
if not has_model:
    st.caption(t("suppressed_note", lang))
    st.stop()
with right:
    st.subheader(f"{t('flagged_places', lang)} — {format_school_year(pred_year)}")
    flagged = scores[scores["flag"] == 1]
    st.dataframe(ui.display_scores(flagged, lang), hide_index=True, height=520, key="gemeente_table")
st.caption(t("suppressed_note", lang))

st.divider()


@st.fragment
def drill_down() -> None:
    """PC4 areas and schools of one gemeente; reruns alone when the choice changes."""
    options = scores.dropna(subset=["place_name"]).sort_values("rank")
    ids = dict(zip(options["place_name"], options["place_id"], strict=True))
    choice = ids[st.selectbox(t("choose_gemeente", lang), list(ids), key="gemeente_choice")]
    for level in ("pc4", "school"):
        b = ui.bundle(target, level, ui.champion(ui.registered_name(target, level)))
        if b is None:
            continue
        within = ui.scores(str(b.path))
        within = within[within["gemeente_code"] == choice]
        st.subheader(t("pc4_areas" if level == "pc4" else "schools", lang))
        st.dataframe(
            ui.display_scores(within, lang, extra=("pc4",) if level == "school" else ()),
            hide_index=True,
            key=f"within_{level}",
        )


drill_down()
