"""Every Streamlit page renders on a real pipeline run, shows what users need, and suppresses."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture()
def run(pipeline_run):
    return pipeline_run


def page(name: str) -> AppTest:
    return AppTest.from_file(str(APP / name), default_timeout=180)


def test_overview_shows_map_ranked_flags_and_drilldown(run) -> None:
    at = page("pages/0_Overzicht.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == 1
    flagged = at.dataframe[0].value
    assert len(flagged) > 0 and (flagged["Signaal"] == "verhoogd").all()
    assert len(at.dataframe) == 1  # PC4 areas and schools wait until a gemeente is chosen
    at.selectbox(key="gemeente_choice_nl").set_value(at.selectbox(key="gemeente_choice_nl").options[0]).run()
    assert not at.exception, [e.value for e in at.exception]
    schools = at.dataframe[-1].value
    small = schools[schools["Leerlingen"].isin(["<10", "verborgen"])]
    assert (small["Risico"] == "–").all()  # hidden: no figure, only its true label
    assert "kansenradar" in at.title[0].value


def test_overview_speaks_english_on_request(run) -> None:
    at = page("pages/0_Overzicht.py").run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert "Under-advice" in at.title[0].value
    assert "Risk" in at.dataframe[0].value.columns


def test_overview_year_toggle_shows_observed_rates(run) -> None:
    at = page("pages/0_Overzicht.py").run()
    years = at.sidebar.selectbox[0].options
    forecast_map = at.get("plotly_chart")[0].proto.spec
    at.sidebar.selectbox[0].set_value(at.sidebar.selectbox[0].options[3]).run()
    assert not at.exception and len(years) > 5
    observed_map = at.get("plotly_chart")[0].proto.spec
    assert observed_map != forecast_map  # the map now shows that year's observed rates


def test_overview_switches_to_the_emerging_signal(run) -> None:
    at = page("pages/0_Overzicht.py").run()
    assert "Opkomend" in at.dataframe[0].value.columns  # both signals in the ranked list
    at.sidebar.radio(key="signal_kind_nl").set_value("emerging").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == 1
    alarms = at.dataframe[0].value
    assert len(alarms) > 0 and {"waargenomen %", "verwacht %"} <= set(alarms.columns)


def test_place_page_explains_a_flagged_place(run) -> None:
    at = page("pages/1_Plaats.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[0].value.endswith("%")
    assert at.info and len(at.info[0].value) > 20  # plain-language summary
    assert len(at.get("plotly_chart")) == 3  # contributions + observed-vs-expected + history
    assert any("verwacht uit" in m.value for m in at.markdown)  # the emerging signal in words
    frames = [d.value for d in at.dataframe]
    compare = next(f for f in frames if any("mediaan" in str(c) for c in f.columns))
    assert len(compare) > 0 and compare.shape[1] == 4
    detail = next(f for f in frames if "Onderdeel" in f.columns)  # indicators under their concept
    assert {"Eigen niveau", "Context"} <= set(detail["Onderdeel"])
    assert any(("Signaal gegeven" in f.index) for f in frames)  # the look-back strip for this place
    assert any("scholen" in h.value for h in at.subheader)  # school contributions, aggregated


def test_prioritise_page_lists_the_budget_and_its_spread(run) -> None:
    at = page("pages/2_Prioriteren.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.number_input(key="budget").set_value(12).run()
    table = at.dataframe[0].value
    assert len(table) == 12
    assert "<10" not in set(table["Leerlingen"])
    assert len(at.get("download_button")) == 1
    assert len(at.dataframe[1].value) >= 6  # spread over groups
    at.radio(key="rank_on").set_value("emerging").run()
    emerging_first = at.dataframe[0].value
    assert len(emerging_first) == 12 and (emerging_first["Opkomend"] == "opkomend").mean() > 0.5


def test_fairness_page_shows_the_champions_audit(run) -> None:
    at = page("pages/3_Fairness.py").run()
    assert not at.exception, [e.value for e in at.exception]
    from app.bundles import champion_bundle

    allowed = champion_bundle("under_advice", "school").meta.gate_allowed
    assert bool(at.success) == allowed and bool(at.error) == (not allowed)
    assert len(at.dataframe) >= 3
    assert len(at.get("download_button")) == 1


def test_model_page_validates_a_users_folder_without_traceback(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KANSENRADAR_DATA_ROOT", str(tmp_path.parent))  # only folders inside it
    (tmp_path / "brin6_advies.csv").write_text(
        "INSTELLINGSCODE;VESTIGINGSCODE;TYPE_PO;PEILJAAR;ADVIES;AANTAL_LEERLINGEN\n"
        "00AP;00;BO;2022;HAVO;twaalf\n",
        encoding="utf-8",
    )
    at = page("pages/4_Model_en_data.py").run()
    assert not at.exception
    assert len(at.dataframe) >= 1  # comparison with baselines
    early = next(d.value for d in at.dataframe if "Gevonden binnen 2 jaar" in d.value.columns)
    assert set(early["Signaal"]) == {"opkomend", "verhoogd"}  # both signals, side by side, in words
    assert any("Alleen door dit signaal gevonden" in d.value.columns for d in at.dataframe)  # look-back
    at.text_input(key="folder").input(tmp_path.name).run()
    assert not at.exception
    assert at.error and "1" in at.error[0].value
    checks = at.dataframe[-1].value
    message = checks.loc[checks["file"] == "brin6_advies.csv", "message"].iloc[0]
    assert "row 2" in message and "AANTAL_LEERLINGEN" in message
    assert "twaalf" not in message  # no file contents echoed
    at.text_input(key="folder").input("/etc").run()
    assert not at.exception and "geweigerd" in at.error[0].value


def test_overview_without_an_approved_model_shows_data_and_the_refusal(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import shutil

    import streamlit as st

    outcome = next(o for o in run["outcomes"] if o.config.name == "under_advice_gemeente")
    refused = tmp_path / "outputs" / outcome.bundle.parent.name / "v1"
    shutil.copytree(outcome.bundle, refused)
    meta = json.loads((refused / "meta.json").read_text())
    meta.update(
        version="1",
        promoted=False,
        gate_allowed=False,
        gate_summary="1 of 111 gated comparisons lie beyond the configured limits",
        gate_reasons=["Urbanity = 'landelijk': recall measured 0.30 vs 'stedelijk'"],
        gate_summary_code={"code": "refused", "n": 1, "of": 111},
        gate_codes=[
            {
                "code": "recall",
                "grouping": "urbanity",
                "group": "landelijk",
                "reference": "stedelijk",
                "value": 0.30,
                "ci_low": 0.2,
                "ci_high": 0.4,
                "difference": -0.3,
                "diff_low": -0.4,
                "diff_high": -0.22,
                "limit": 0.2,
                "level": 90,
            }
        ],
    )
    (refused / "meta.json").write_text(json.dumps(meta))  # a refused version's display cache
    import mlflow

    from models.registry import tracking_uri

    original = tracking_uri()
    monkeypatch.setenv("KANSENRADAR_OUTPUT_DIR", str(tmp_path / "outputs"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)  # mlflow exports it; restore
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = page("pages/0_Overzicht.py").run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.warning and "champion" in at.warning[0].value
        assert any("landelijk" in m.value for m in at.markdown)  # the gate's reason is shown
        assert len(at.get("plotly_chart")) == 1  # observed rates still mapped
        assert "voorspelling" not in " ".join(map(str, at.sidebar.selectbox[0].options))
        assert len(at.dataframe) == 0  # no forecast table without an approved model
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
        mlflow.set_tracking_uri(original)
        mlflow.set_registry_uri(original)


def test_choices_survive_a_language_switch(run) -> None:
    at = page("pages/1_Plaats.py").run()
    at.sidebar.radio(key="target_nl").set_value("dropout").run()
    at.sidebar.selectbox(key="level_dropout_nl").set_value("school").run()
    assert not at.exception, [e.value for e in at.exception]
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.radio(key="target_en").value == "dropout"
    assert at.sidebar.selectbox(key="level_dropout_en").value == "school"
    assert any("Demonstration data" in w.value for w in at.warning)  # the notice follows the language


def test_place_page_data_show_no_lag_resting_on_a_hidden_year(run) -> None:
    """Issue 11.1: 'Percentage vorig jaar' on 8 pupils. The page reads features_latest."""
    from app.bundles import champion_bundle

    bundle = champion_bundle("under_advice", "school")
    feats = bundle.table("features_latest")
    hist = bundle.table("history")
    year = int(feats["school_year"].iloc[0])
    last = hist[hist["school_year"] == year - 1].set_index("place_id")
    prior = last.reindex(feats["place_id"])
    hidden_then = (prior["disclosure"] != "shown").to_numpy()
    assert hidden_then.sum() > 100  # plenty of schools were hidden last year …
    assert feats.loc[hidden_then, "rate_lag1"].isna().all()  # … and none shows last year's rate
    assert feats.loc[feats["disclosure"] != "shown", ["rate_now", "log_pupils"]].isna().all().all()
    shown_then = ~hidden_then & prior["n_pupils"].ge(10).to_numpy()
    assert feats.loc[shown_then & feats["rate_lag1"].notna().to_numpy()].shape[0] > 1000
