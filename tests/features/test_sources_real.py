"""Readers against the real published samples in ../shared/data (facts from the MANIFEST)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from features import sources as src

pytestmark = pytest.mark.usefixtures("shared_data")


def test_eindscores_wide_reads_all_schools_and_a_known_school(shared_data: Path) -> None:
    frame = src.read_eindscores_wide(shared_data / "ginberg_cito/gemiddelde-eindscores-bo-sbo-2018-2019.csv")
    assert len(frame) == 6579
    assert (frame["school_type"] == "Bo").sum() == 6300
    assert (frame["school_type"] == "Sbo").sum() == 279
    school = frame.set_index("brin6").loc["00AP00"]
    assert school["school_year"] == 2018
    assert school["gemeente_code"] == "GM0637"  # published as " 637"
    assert school["cet_n"] == 11
    assert school["cet_mean"] == pytest.approx(538.636363636364)
    assert frame.loc[frame["brin6"] == "00AR00", "school_name"].iloc[0] == 'BS "De Maasparel"'
    assert frame["gemeente_code"].nunique() == 380


def test_gemeente_codes_harmonise_to_the_2023_map(shared_data: Path) -> None:
    eind = src.read_eindscores_wide(shared_data / "ginberg_cito/gemiddelde-eindscores-bo-sbo-2018-2019.csv")
    history = src.read_gemeente_history(shared_data / "kansenkaart/gemeenten_corop_1981.xlsx")
    props, _ = src.read_gemeente_geojson(shared_data / "stdekker_maps/gemeenten.json")
    harmonised = src.harmonise_gemeente(eind["gemeente_code"], history, 2018)
    assert harmonised.nunique() == 342
    assert set(harmonised) <= set(props["gemeente_code"])
    kern = src.read_gemeente_kerncijfers(shared_data / "nlstat/nl_data.json")
    assert len(kern) == 352
    assert src.harmonise_gemeente(kern["gemeente_code"], history, 2021).nunique() == 342


def test_gemeente_history_is_year_specific_because_codes_were_reused(shared_data: Path) -> None:
    history = src.read_gemeente_history(shared_data / "kansenkaart/gemeenten_corop_1981.xlsx")
    targets = history[history["code"] == "GM0788"].groupby("year")["code_2021"].first()
    assert targets.nunique() > 1


def test_school_registers(shared_data: Path) -> None:
    bo = src.read_school_register(shared_data / "ginberg_cito/alle-vestigingen-bo.csv")
    vo = src.read_school_register(shared_data / "ginberg_cito/alle-vestigingen-vo.csv")
    assert len(bo) == 6268 and len(vo) == 1619
    assert bo["gemeente_code"].nunique() == 355
    assert bo["rmc_code"].nunique() == 39
    assert (bo["sector"] == "PO").all() and (vo["sector"] == "VO").all()
    assert bo.set_index("brin6").loc["16AH00", "pc4"] == "7822"


def test_vsv_per_school_totals(shared_data: Path) -> None:
    vsv = src.read_vsv_per_school(shared_data / "ginberg_cito/vsv-per-swv-2015.csv")
    assert len(vsv) == 1270
    assert vsv["swv_code"].nunique() == 75
    assert vsv["n_pupils"].sum() == 949_874
    assert vsv["n_vsv"].sum() == 4_522
    assert (vsv["school_year"] == 2014).all()


def test_achterstandsscores_xlsx_with_bad_style_xml(shared_data: Path) -> None:
    frame = src.read_achterstandsscores(shared_data / "ginberg_cito/achterstandsscores-scholen-2019.xlsx")
    assert len(frame) == 6295
    school = frame.set_index("brin6").loc["00AP00"]
    assert school["n_funded_pupils"] == 100
    assert school["achterstandsscore"] == pytest.approx(33.02)
    assert frame["score_unreliable"].sum() > 0
    assert (frame["reference_year"] == 2019).all()


def test_cbs_regional_context(shared_data: Path) -> None:
    props, collection = src.read_gemeente_geojson(shared_data / "stdekker_maps/gemeenten.json")
    assert len(props) == 343 and len(collection["features"]) == 343
    assert props.set_index("gemeente_code").loc["GM0014", "gemeente_name"] == "Groningen"
    props_2022, _ = src.read_gemeente_geojson(shared_data / "nlstat/gemeenten.geojson")
    assert len(props_2022) == 345 and (props_2022["boundary_year"] == 2022).all()
    ses = src.read_ses_pc4(shared_data / "cedanl_nfwa/SES_PC4_2021-2022.csv")
    assert len(ses) == 8118
    assert (ses.groupby("year")["pc4"].nunique() == 4059).all()
    assert ses.set_index(["pc4", "year"]).loc[("1011", 2021), "ses_total"] == pytest.approx(0.111)
    pc4 = src.read_pc4_kerncijfers(shared_data / "alleschools/pc4_2023_v2.xlsx")
    assert len(pc4) == 4070
    row = pc4.set_index("pc4").loc["1011"]
    assert row["population"] == 9910 and row["urbanity"] == 1
    assert pc4["woz_k"].isna().sum() > 0  # -99997 'geheim' is missing, never a number
    pc4_2024 = src.read_pc4_kerncijfers(shared_data / "alleschools/pc4_2024_v1.xlsx")
    assert (pc4_2024["reference_year"] == 2024).all()


def test_advice_matrix_and_rmc_lookup(shared_data: Path) -> None:
    matrix = src.read_advice_matrix(shared_data / "kansenkaart/vo_advisering.xlsx")
    assert matrix["teacher_code"].nunique() == 23 and matrix["test_code"].nunique() == 11
    rule = matrix.set_index(["teacher_code", "test_code"])["verdict"]
    assert rule[("60", "70")] == "under"  # havo advice, vwo test
    assert rule[("70", "60")] == "over"
    assert rule[("30", "34")] == "correct"
    rmc = src.read_rmc_lookup(
        shared_data / "openstate_regioatlas/rmcregiosregionaalmeldencoordinatiepunt.csv"
    )
    assert len(rmc) == 390 and rmc["rmc_name"].nunique() == 39


def test_reading_never_modifies_the_input(shared_data: Path) -> None:
    path = shared_data / "ginberg_cito/gemiddelde-eindscores-bo-sbo-2018-2019.csv"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    src.read_eindscores_wide(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_embedded_skeleton_is_byte_identical_to_the_shared_samples(shared_data: Path) -> None:
    from tests.conftest import SKELETON

    for path in SKELETON.glob("*.*"):
        if path.suffix == ".md":
            continue
        matches = list(shared_data.rglob(path.name))
        assert matches, path.name
        assert matches[0].read_bytes() == path.read_bytes(), path.name
