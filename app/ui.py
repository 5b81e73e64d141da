"""Shared Streamlit plumbing: sidebar choices, cached loaders, formatting. No modelling here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from app.bundles import available_levels, champion_bundle, champion_from_registry, refusal, registered_name
from features.export import csv_safe
from features.paths import output_root
from features.provenance import DataOrigin
from features.suppression import SHOWN, STATUS_COLUMN
from features.vocabulary import LANGUAGES, TARGETS
from models.bundle import Bundle, read_boundaries, read_bundle, read_provenance
from models.lookback import lookback_summary as summarise_lookback
from models.texts import (
    LANGUAGE_NAMES,
    LEVEL_LABELS,
    TARGET_LABELS,
    band_word,
    format_risk,
    gate_reason,
    gate_summary,
    hidden_label,
    pick,
    t,
)


def keep_choice(
    widget: Callable[..., Any], label: str, options: list, key: str, default: Any, **kw: Any
) -> Any:
    """A choice widget whose value survives a language switch.

    Switching the language changes the widget's label, which makes Streamlit treat it as a new
    widget; the last choice is kept in session state under its own name and handed back.
    """
    stored = st.session_state.get(f"_keep_{key}", default)
    if stored in options:
        index = options.index(stored)
    elif default is None:  # nothing chosen yet: the widget shows its placeholder
        index = None
    else:
        index = options.index(default) if default in options else 0
    value = widget(label, options, index=index, key=f"{key}_{st.session_state.get('lang', 'nl')}", **kw)
    st.session_state[f"_keep_{key}"] = value
    return value


@st.cache_data(ttl=30, show_spinner=False)
def provenance() -> DataOrigin | None:
    return read_provenance(output_root())


def data_fingerprint() -> str:
    """The fingerprint of the data the last run used ("" before any run): a cache key."""
    origin = provenance()
    return origin.fingerprint if origin else ""


def boundaries() -> dict:
    """The gemeente boundaries of the data in use: those the last run read (a user's own file
    reaches the map), else the embedded ones."""
    from features.paths import SKELETON_DIR
    from features.sources import read_gemeente_geojson

    return read_boundaries(output_root()) or read_gemeente_geojson(SKELETON_DIR / "gemeenten.json")[1]


ROUTED = "_routed"


def language_toggle(routed: bool = True) -> str:
    """The one language toggle (Dutch default); in the entry point it is shared by all pages."""
    st.session_state[ROUTED] = routed
    return st.sidebar.radio(
        f"{t('language')} / Language",
        list(LANGUAGES),
        format_func=LANGUAGE_NAMES.get,
        key="lang",
        horizontal=True,
    )


def setup_page(title_key: str) -> str:
    """Page config, language toggle (Dutch default) and the data-origin notice; returns the language.

    The notice is fixed and cannot be dismissed: a screenshot of simulated flags at real, named
    schools must say so on every page.
    """
    if st.session_state.get(ROUTED):  # run through the entry point: it holds the toggle
        lang = st.session_state.get("lang", "nl")
    else:  # a page run on its own (tests, `streamlit run app/pages/…`)
        st.set_page_config(page_title=f"kansenradar — {t(title_key)}", layout="wide")
        lang = language_toggle(routed=False)
    st.sidebar.caption(t("tagline", lang))
    origin = provenance()
    if origin is not None and origin.simulated:
        st.warning(t("simulated_notice", lang), icon="⚠️")
    if origin is not None:
        st.sidebar.caption(f"{t('data_origin', lang)}: {origin_label(origin, lang)} · {origin.fingerprint}")
    return lang


def origin_label(origin: DataOrigin | None, lang: str) -> str:
    """'gesimuleerd' / 'simulated' or the user's folder name."""
    if origin is None:
        return "–"
    return t("simulated", lang) if origin.simulated else origin.label


def with_origin(title: str, lang: str) -> str:
    """A plot title that carries the data origin, so a saved chart says where it comes from."""
    origin = provenance()
    if origin is None:
        return title
    return (
        f"{title}<br><sup>{t('data_origin', lang)}: {origin_label(origin, lang)} · {origin.fingerprint}</sup>"
    )


def target_choice(lang: str, key: str = "target") -> str:
    return keep_choice(
        st.sidebar.radio,
        t("signal", lang),
        list(TARGETS),
        key,
        TARGETS[0],
        format_func=lambda x: pick(TARGET_LABELS[x], lang),
    )


def level_choice(lang: str, target: str, key: str = "level", default: str = "school") -> str:
    return keep_choice(
        st.sidebar.selectbox,
        t("level", lang),
        available_levels(target),
        f"{key}_{target}",
        default,
        format_func=lambda x: pick(LEVEL_LABELS[x], lang),
    )


@st.cache_resource(ttl=60, show_spinner=False)
def champion(name: str) -> str | None:
    return champion_from_registry(name)


@st.cache_resource(show_spinner=False)
def bundle(target: str, level: str, champion_version: str | None) -> Bundle | None:
    return champion_bundle(target, level, champion_version)


def load_bundle(target: str, level: str) -> Bundle | None:
    """The champion's bundle; explains on the page when there is none."""
    b = bundle(target, level, champion(registered_name(target, level)))
    if b is None:
        lang = st.session_state.get("lang", "nl")
        st.warning(t("no_champion", lang))
        refused = refusal(target, level)
        if refused:
            st.write(gate_summary(refused.gate_summary_code, lang))
            for code in refused.gate_codes:
                st.write("• " + gate_reason(code, lang))
    return b


@st.cache_data(show_spinner=False)
def scores(path: str) -> pd.DataFrame:
    """Publishable scores of a bundle (cached per bundle path)."""
    return _bundle_at(path).scores()


@st.cache_data(show_spinner=False)
def history(path: str) -> pd.DataFrame:
    return _bundle_at(path).history()


@st.cache_data(show_spinner=False)
def lookback(path: str) -> pd.DataFrame:
    """How past flags of both signals turned out, per place and held-out year."""
    return _bundle_at(path).lookback()


@st.cache_data(show_spinner=False)
def lookback_summary(path: str) -> pd.DataFrame:
    """The look-back per signal and year (cached: the Model & data page shows it on every visit)."""
    return summarise_lookback(_bundle_at(path).lookback())


@st.cache_data(show_spinner=False)
def table(path: str, name: str) -> pd.DataFrame:
    return _bundle_at(path).table(name)


def _bundle_at(path: str) -> Bundle:
    return read_bundle(Path(path))


def display_scores(frame: pd.DataFrame, lang: str, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The ranked table users see: words for flags (colour is never the only carrier)."""
    out = pd.DataFrame(
        {
            t("place", lang): frame["place_name"].fillna(frame["place_id"]),
            **{t(c, lang): frame[c] for c in extra if c in frame},
            t("pupils", lang): [  # "<10" or "verborgen": the label a hidden row truly has
                f"{v:.0f}" if s == SHOWN else hidden_label(s, lang)
                for v, s in zip(frame["n_pupils"], frame[STATUS_COLUMN], strict=True)
            ],
            t("risk", lang): frame["risk"].map(format_risk),
            t("risk_band", lang): frame["risk"].map(lambda v: band_word(v, lang)),
            t("interval", lang): [
                "–" if pd.isna(lo) else f"{format_risk(lo)}–{format_risk(hi)}"
                for lo, hi in zip(frame["risk_low"], frame["risk_high"], strict=True)
            ],
            t("flag", lang): frame["flag"].map(
                lambda v: t("flag_yes", lang) if v == 1 else ("–" if pd.isna(v) else t("flag_no", lang))
            ),
            t("driver", lang): frame[f"drivers_{lang}"].fillna("–"),
            t("data_origin", lang): origin_label(provenance(), lang),
        }
    )
    if "emerging_state" in frame:
        after_flag = out.columns.get_loc(t("flag", lang)) + 1
        out.insert(after_flag, t("emerging", lang), emerging_words(frame["emerging_state"], lang).to_numpy())
    # Streamlit offers every shown table as a CSV download: names from the data are neutralised
    return csv_safe(out.reset_index(drop=True))


def emerging_words(state: pd.Series, lang: str) -> pd.Series:
    """The emerging state in words (colour is never the only carrier)."""
    words = {
        "alarm": t("emerging_yes", lang),
        "no_alarm": t("emerging_no", lang),
        "insufficient_history": t("insufficient_history", lang),
    }
    return state.map(words).fillna("–")


def signal_choice(lang: str, key: str = "signal_kind") -> str:
    """*verhoogd* (level model) or *opkomend* (emerging detector)."""
    return keep_choice(
        st.sidebar.radio,
        t("signal_kind", lang),
        ["elevated", "emerging"],
        key,
        "elevated",
        format_func=lambda k: t(f"{k}_signal", lang),
    )


@st.cache_data(show_spinner=False)
def emerging(path: str) -> pd.DataFrame | None:
    """Suppressed emerging signal of a bundle (rates in percent), or None for older bundles."""
    return _bundle_at(path).emerging()
