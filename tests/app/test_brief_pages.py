"""The brief's download buttons on the Overview (after choosing a gemeente) and the Place page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app"


def _buttons(at: AppTest) -> list:
    return at.get("download_button")


def test_overview_offers_the_brief_of_the_chosen_gemeente(pipeline_run) -> None:
    at = AppTest.from_file(str(APP / "pages/0_Overzicht.py"), default_timeout=180).run()
    assert not _buttons(at)  # nothing until a gemeente is chosen
    box = at.selectbox(key="gemeente_choice_nl")
    box.set_value(box.options[0]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(_buttons(at)) >= 1
    assert any("Gemeentebrief" in c.value for c in at.caption)


def test_place_page_offers_the_brief_for_a_gemeente(pipeline_run) -> None:
    at = AppTest.from_file(str(APP / "pages/1_Plaats.py"), default_timeout=180).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(_buttons(at)) >= 1
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert any("Municipality brief" in c.value for c in at.caption)
