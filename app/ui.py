"""Shared Streamlit plumbing: sidebar choices, cached loaders, formatting. No modelling here."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from app.bundles import available_levels, champion_bundle, champion_from_registry, refusal, registered_name
from features.panel import LEVEL_LABELS, TARGET_LABELS
from features.suppression import MIN_PUPILS
from models.bundle import Bundle, read_bundle
from models.texts import t

TARGETS = ("under_advice", "dropout")


def setup_page(title_key: str) -> str:
    """Page config + language toggle (Dutch default); returns the language code."""
    st.set_page_config(page_title=f"kansenradar — {t(title_key)}", layout="wide")
    lang = st.sidebar.radio(
        f"{t('language')} / Language",
        ["nl", "en"],
        format_func=lambda c: "Nederlands" if c == "nl" else "English",
        key="lang",
        horizontal=True,
    )
    st.sidebar.caption(t("tagline", lang))
    return lang


def target_choice(lang: str, key: str = "target") -> str:
    return st.sidebar.radio(
        t("signal", lang), TARGETS, key=key, format_func=lambda x: TARGET_LABELS[x][0 if lang == "nl" else 1]
    )


def level_choice(lang: str, target: str, key: str = "level", default: str = "school") -> str:
    levels = available_levels(target)
    return st.sidebar.selectbox(
        t("level", lang),
        levels,
        key=f"{key}_{target}",
        index=levels.index(default) if default in levels else 0,
        format_func=lambda x: LEVEL_LABELS[x][0 if lang == "nl" else 1],
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
            st.write(refused.gate_summary)
            for r in refused.gate_reasons:
                st.write("• " + r)
    return b


@st.cache_data(show_spinner=False)
def scores(path: str, group_column: str | None = None) -> pd.DataFrame:
    """Suppressed scores of a bundle (cached per bundle path)."""
    return _bundle_at(path).scores(group_column)


@st.cache_data(show_spinner=False)
def history(path: str) -> pd.DataFrame:
    return _bundle_at(path).history()


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
            t("pupils", lang): frame["n_pupils"].map(
                lambda v: f"<{MIN_PUPILS}" if pd.isna(v) else f"{v:.0f}"
            ),
            t("risk", lang): frame["risk"].map(lambda v: "–" if pd.isna(v) else f"{v:.0%}"),
            t("interval", lang): [
                "–" if pd.isna(lo) else f"{lo:.0%}–{hi:.0%}"
                for lo, hi in zip(frame["risk_low"], frame["risk_high"], strict=True)
            ],
            t("flag", lang): frame["flag"].map(
                lambda v: t("flag_yes", lang) if v == 1 else ("–" if pd.isna(v) else t("flag_no", lang))
            ),
            t("driver", lang): frame[f"drivers_{lang}"].fillna("–"),
        }
    )
    return out.reset_index(drop=True)
