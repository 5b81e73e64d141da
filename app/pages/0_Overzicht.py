"""Overzicht / Overview: map of gemeenten by risk, ranked flagged places, drill-down.

The default page of ``app/kansenradar.py`` (``make run`` starts it).
"""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import ui
from app.briefs import brief_buttons
from app.bundles import newest
from app.maps import Outlines, class_map, outlines, quantile_classes, risk_classes
from features.geometry import compact_boundaries
from features.vocabulary import LEVELS_WITHIN_GEMEENTE
from features.years import format_school_year
from models.texts import TARGET_LABELS, band_word, format_number, format_risk, pick, t

lang = ui.setup_page("app_title")
target = ui.target_choice(lang)
st.title(f"kansenradar — {pick(TARGET_LABELS[target], lang)}")
st.caption(t("tagline", lang))


@st.cache_resource(show_spinner=False)
def shapes(fingerprint: str) -> Outlines:
    """Outlines of the boundaries in use (cached per data fingerprint: new data, new map)."""
    return outlines(compact_boundaries(ui.boundaries()))


def hover_lines(names: pd.Series, *columns: tuple[str, pd.Series]) -> list[str]:
    """Hover text per gemeente: its name (escaped: names come from data files) and labelled values."""
    rows = zip(names.astype(str), *(values.astype(str) for _, values in columns), strict=True)
    return [
        f"<b>{escape(row[0])}</b>"
        + "".join(f"<br>{label}: {escape(v)}" for (label, _), v in zip(columns, row[1:], strict=True))
        for row in rows
    ]


def percent(values: pd.Series) -> pd.Series:
    return values.map(lambda v: "–" if v != v else f"{format_number(v, lang, 1)}%")


def emerging_view(em) -> None:
    """The *opkomend* signal: map of emerging scores per gemeente and the places that alarm."""
    scored = em[em["state"] != "insufficient_history"]
    year = st.sidebar.selectbox(
        t("year", lang), sorted(scored["school_year"].unique(), reverse=True), format_func=format_school_year
    )
    shown = scored[scored["school_year"] == year].assign(
        label=lambda f: ui.emerging_words(f["state"], lang).to_numpy()
    )
    classes, labels = quantile_classes(shown["emerging_score"], digits=2)
    fig = class_map(
        shapes(ui.data_fingerprint()),
        shown["place_id"].tolist(),
        classes,
        labels,
        hover_lines(
            shown["place_name"].fillna(shown["place_id"]),
            (t("emerging", lang), shown["label"]),
            (t("observed", lang), percent(shown["rate"])),
            (t("expected", lang), percent(shown["expected_rate"])),
        ),
        title=ui.with_origin(f"{t('map_emerging', lang)} — {format_school_year(year)}", lang),
        legend_title="score",
        lang=lang,
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
        classes, labels = risk_classes(data["risk"], lang)
        hover = hover_lines(
            data["place_name"].fillna(data["place_id"]),
            (t("risk", lang), data["risk"].map(format_risk)),
            (t("risk_band", lang), data["risk"].map(lambda r: band_word(r, lang))),
            (t("flag", lang), data["flag"].map({1: t("flag_yes", lang)}).fillna("—")),
        )
        title, legend = f"{t('map_title', lang)} — {format_school_year(year)}", t("risk_band", lang)
    else:
        data = ui.history(bundle_path)
        data = data[data["school_year"] == year]
        classes, labels = quantile_classes(data["shrunk_rate"])
        hover = hover_lines(
            data["place_name"].fillna(data["place_id"]),
            ("%", percent(data["shrunk_rate"])),
            (t("flag", lang), data["elevated"].map({1.0: t("flag_yes", lang)}).fillna("—")),
        )
        title, legend = f"{t('map_observed', lang)} — {format_school_year(year)}", "%"
    return class_map(
        shapes(ui.data_fingerprint()),
        data["place_id"].tolist(),
        classes,
        labels,
        hover,
        title=ui.with_origin(title, lang),
        legend_title=legend,
        lang=lang,
    )


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
    """PC4 areas and schools of one chosen gemeente; reruns alone when the choice changes."""
    options = scores.dropna(subset=["place_name"]).sort_values("rank")
    ids = dict(zip(options["place_name"], options["place_id"], strict=True))
    name = ui.keep_choice(
        st.selectbox,
        t("choose_gemeente", lang),
        list(ids),
        "gemeente_choice",
        None,
        placeholder=t("choose_placeholder", lang),
    )
    if name is None:  # nothing is drawn until a gemeente is chosen: the page opens faster
        return
    choice = ids[name]
    brief_buttons(choice, name, lang, key="overview")
    for level in LEVELS_WITHIN_GEMEENTE:
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
