"""Readers against the real published files (facts from shared/data/MANIFEST.md); they run on the
byte-identical copies in features/skeleton/ in a fresh clone."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from features import sources as src
from tests.conftest import SHARED_DATA, SKELETON


@pytest.fixture(scope="module")
def real() -> Callable[[str], Path]:
    """A real published file by its path under ``shared/data``: the byte-identical copy in
    ``features/skeleton/`` when the repository holds one (so these tests run in a fresh clone),
    else the shared sample; skipped only when neither exists."""

    def locate(relative: str) -> Path:
        copy = SKELETON / Path(relative).name
        if copy.is_file():
            return copy
        shared = SHARED_DATA / relative
        if not shared.is_file():
            pytest.skip(f"{relative} is neither in features/skeleton nor in ../shared/data")
        return shared

    return locate


def test_eindscores_wide_reads_all_schools_and_a_known_school(real: Callable[[str], Path]) -> None:
    frame = src.read_eindscores_wide(real("ginberg_cito/gemiddelde-eindscores-bo-sbo-2018-2019.csv"))
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


def test_gemeente_codes_harmonise_to_the_2023_map(real: Callable[[str], Path]) -> None:
    eind = src.read_eindscores_wide(real("ginberg_cito/gemiddelde-eindscores-bo-sbo-2018-2019.csv"))
    history = src.read_gemeente_history(real("kansenkaart/gemeenten_corop_1981.xlsx"))
    props, _ = src.read_gemeente_geojson(real("stdekker_maps/gemeenten.json"))
    harmonised = src.harmonise_gemeente(eind["gemeente_code"], history, 2018)
    assert harmonised.nunique() == 342
    assert set(harmonised) <= set(props["gemeente_code"])
    kern = src.read_gemeente_kerncijfers(real("nlstat/nl_data.json"))
    assert len(kern) == 352
    assert src.harmonise_gemeente(kern["gemeente_code"], history, 2021).nunique() == 342


def test_gemeente_history_is_year_specific_because_codes_were_reused(real: Callable[[str], Path]) -> None:
    history = src.read_gemeente_history(real("kansenkaart/gemeenten_corop_1981.xlsx"))
    targets = history[history["code"] == "GM0788"].groupby("year")["code_2021"].first()
    assert targets.nunique() > 1


def test_school_registers(real: Callable[[str], Path]) -> None:
    bo = src.read_school_register(real("ginberg_cito/alle-vestigingen-bo.csv"))
    vo = src.read_school_register(real("ginberg_cito/alle-vestigingen-vo.csv"))
    assert len(bo) == 6268 and len(vo) == 1619
    assert bo["gemeente_code"].nunique() == 355
    assert bo["rmc_code"].nunique() == 39
    assert (bo["sector"] == "PO").all() and (vo["sector"] == "VO").all()
    assert bo.set_index("brin6").loc["16AH00", "pc4"] == "7822"


def test_vsv_per_school_totals(real: Callable[[str], Path]) -> None:
    vsv = src.read_vsv_per_school(real("ginberg_cito/vsv-per-swv-2015.csv"))
    assert len(vsv) == 1270
    assert vsv["swv_code"].nunique() == 75
    assert vsv["n_pupils"].sum() == 949_874
    assert vsv["n_vsv"].sum() == 4_522
    assert (vsv["school_year"] == 2014).all()


def test_achterstandsscores_xlsx_with_bad_style_xml(real: Callable[[str], Path]) -> None:
    frame = src.read_achterstandsscores(real("ginberg_cito/achterstandsscores-scholen-2019.xlsx"))
    assert len(frame) == 6295
    school = frame.set_index("brin6").loc["00AP00"]
    assert school["n_funded_pupils"] == 100
    assert school["achterstandsscore"] == pytest.approx(33.02)
    assert frame["score_unreliable"].sum() > 0
    assert (frame["reference_year"] == 2019).all()


def test_cbs_regional_context(real: Callable[[str], Path]) -> None:
    props, collection = src.read_gemeente_geojson(real("stdekker_maps/gemeenten.json"))
    assert len(props) == 343 and len(collection["features"]) == 343
    assert props.set_index("gemeente_code").loc["GM0014", "gemeente_name"] == "Groningen"
    props_2022, _ = src.read_gemeente_geojson(real("nlstat/gemeenten.geojson"))
    assert len(props_2022) == 345 and (props_2022["boundary_year"] == 2022).all()
    ses = src.read_ses_pc4(real("cedanl_nfwa/SES_PC4_2021-2022.csv"))
    assert len(ses) == 8118
    assert (ses.groupby("year")["pc4"].nunique() == 4059).all()
    assert ses.set_index(["pc4", "year"]).loc[("1011", 2021), "ses_total"] == pytest.approx(0.111)
    pc4 = src.read_pc4_kerncijfers(real("alleschools/pc4_2023_v2.xlsx"))
    assert len(pc4) == 4070
    row = pc4.set_index("pc4").loc["1011"]
    assert row["population"] == 9910 and row["urbanity"] == 1
    assert pc4["woz_k"].isna().sum() > 0  # -99997 'geheim' is missing, never a number
    pc4_2024 = src.read_pc4_kerncijfers(real("alleschools/pc4_2024_v1.xlsx"))
    assert (pc4_2024["reference_year"] == 2024).all()


def test_advice_matrix_and_rmc_lookup(real: Callable[[str], Path]) -> None:
    matrix = src.read_advice_matrix(real("kansenkaart/vo_advisering.xlsx"))
    assert matrix["teacher_code"].nunique() == 23 and matrix["test_code"].nunique() == 11
    rule = matrix.set_index(["teacher_code", "test_code"])["verdict"]
    assert rule[("60", "70")] == "under"  # havo advice, vwo test
    assert rule[("70", "60")] == "over"
    assert rule[("30", "34")] == "correct"
    rmc = src.read_rmc_lookup(real("openstate_regioatlas/rmcregiosregionaalmeldencoordinatiepunt.csv"))
    assert len(rmc) == 390 and rmc["rmc_name"].nunique() == 39


def test_reading_never_modifies_the_input(real: Callable[[str], Path]) -> None:
    path = real("ginberg_cito/gemiddelde-eindscores-bo-sbo-2018-2019.csv")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    src.read_eindscores_wide(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_embedded_skeleton_is_byte_identical_to_the_shared_samples(shared_data: Path) -> None:
    for path in SKELETON.glob("*.*"):
        if path.suffix == ".md":
            continue
        matches = list(shared_data.rglob(path.name))
        assert matches, path.name
        assert matches[0].read_bytes() == path.read_bytes(), path.name
