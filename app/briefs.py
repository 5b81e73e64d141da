"""The gemeente brief's download buttons on the Overview and Place pages (thin: models.brief decides).

The buttons hand Streamlit a callable, so the brief is made only when a reader clicks: the HTML in
milliseconds once the published tables are loaded, the PDF in a few seconds through headless
Chromium. The tables are loaded once per set of champion versions and kept.
"""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from app import ui
from features.paths import output_root
from features.vocabulary import LEVELS_WITHIN_GEMEENTE, TARGET_LEVELS, TARGETS
from models.brief import Published, brief_filename, load_published, pdf_bytes, pdf_engine, render_brief
from models.texts import t


@lru_cache(maxsize=2)
def _published(root: str, champions: tuple[tuple[str, str | None], ...]) -> Published:
    versions = dict(champions)
    from pathlib import Path

    return load_published(Path(root), champion_of=versions.get)


def _champions() -> tuple[tuple[str, str | None], ...]:
    names = [
        ui.registered_name(target, level)
        for target in TARGETS
        for level in ("gemeente", *LEVELS_WITHIN_GEMEENTE)
        if level in TARGET_LEVELS[target]
    ]
    return tuple((name, ui.champion(name)) for name in names)


def brief_buttons(code: str, name: str, lang: str, key: str) -> None:
    """HTML and PDF download of the gemeente's brief in the reader's language."""
    root, champions = str(output_root()), _champions()

    def html() -> str:
        return render_brief(_published(root, champions), code, lang).html

    def pdf() -> bytes:
        return pdf_bytes(render_brief(_published(root, champions), code, lang))

    st.caption(t("brief_for", lang, name=name))
    left, right = st.columns(2)
    with left:
        st.download_button(
            t("brief_download_html", lang),
            html,
            file_name=brief_filename(code, name, lang, ".html"),
            mime="text/html",
            key=f"brief_html_{key}",
            on_click="ignore",
        )
    with right:
        if pdf_engine() is None:
            st.caption(t("brief_no_engine", lang))
        else:
            st.download_button(
                t("brief_download_pdf", lang),
                pdf,
                file_name=brief_filename(code, name, lang, ".pdf"),
                mime="application/pdf",
                key=f"brief_pdf_{key}",
                on_click="ignore",
            )
