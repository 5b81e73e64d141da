"""kansenradar's Streamlit entry point: the pages, named in the reader's language.

Run with ``kansenradar app`` (``make run`` does it for you). The language toggle lives here, in
the entry point, so that it is one widget shared by every page; page titles in the sidebar follow
it. Each page file in ``pages/`` can also run on its own (the tests do that).
"""

from __future__ import annotations

import streamlit as st

from app import ui
from models.texts import t

PAGES = (
    ("pages/0_Overzicht.py", "page_overview", "overzicht"),
    ("pages/1_Plaats.py", "page_place", "plaats"),
    ("pages/2_Prioriteren.py", "page_prioritise", "prioriteren"),
    ("pages/3_Fairness.py", "page_fairness", "fairness"),
    ("pages/4_Model_en_data.py", "page_model_data", "model-en-data"),
)

st.set_page_config(page_title="kansenradar", layout="wide")
lang = ui.language_toggle()
navigation = st.navigation(
    [
        st.Page(path, title=t(key, lang), url_path=slug, default=i == 0)
        for i, (path, key, slug) in enumerate(PAGES)
    ]
)
navigation.run()
