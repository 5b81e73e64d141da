"""Bad input gets a DataError that names file, row and column — never a bare traceback."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from features import sources as src
from features.errors import DataError

ADVIES = (
    "INSTELLINGSCODE;VESTIGINGSCODE;TYPE_PO;PEILJAAR;ADVIES;AANTAL_LEERLINGEN\r\n"
    "00AP;00;BO;2022;HAVO;12\r\n00AP;00;BO;2022;VMBO-(G)T;<5\r\n"
    "00AR;00;BO;2022;HAVO/VWO;7\r\n"
)
HEROVERWEGING = (
    "INSTELLINGSCODE;VESTIGINGSCODE;TYPE_PO;PEILJAAR;TOETSEN_EN_ADVIEZEN;"
    "AANTAL_LEERLINGEN\r\n00AP;00;BO;2023;Toetsadvies hoger dan schooladvies;9\r\n"
    "00AP;00;BO;2023;Schooladvies bijgesteld;<5\r\n"
)
EINDSCORES = (
    "INSTELLINGSCODE;VESTIGINGSCODE;TYPE_PO;PEILJAAR;LEERJAAR;DOORSTROOMTOETS_PO;"
    "GEMIDDELDE_UITSLAG;AANTAL_LEERLINGEN;AANTAL_ONTHEFFINGEN\r\n"
    "00AP;00;BO;2023;8;IEP;81,5;23;0\r\n00AR;00;BO;2023;8;ROUTE8;210,25;<5;0\r\n"
)
VSV = (
    "SAMENWERKINGSVERBAND_NUMMER;brin_nummer;vestigings_nummer;aantal_leerlingen;vsv_totaal;"
    "vsv_vmbo;vsv_mbo;vsv_overig\nVO0001;00PG;00;1714;6;3;0;3\nVO0001;00PG;02;694;<5;1;0;0\n"
)
STATLINE = (
    '"ID";"Geslacht";"RegioS";"Perioden";"Leerlingen_1";"VoortijdigeSchoolverlaters_2"\n'
    '0;"T001038";"GM0363";"2022SJ00";60123;1503\n1;"T001038";"NL01  ";"2022SJ00";1e3;.\n'
)

WIDE_ADVICE = (
    "BRIN_NUMMER;VESTIGINGSNUMMER;INSTELLINGSNAAM_VESTIGING;VSO;PRO;VMBO_B;VMBO_B_K;"
    "VMBO_K;VMBO_K_GT;VMBO_GT;VMBO_GT_HAVO;HAVO;HAVO_VWO;VWO;ADVIES_NIET_MOGELIJK\n"
    "00AP;0;Wereldwijs;0;0;<5;0;<5;0;6;0;7;<5;9;0\n"
    "00AR;0;De Maasparel;0;<5;0;0;5;0;8;<5;10;6;12;0\n"
)
EINDSCORES_WIDE = (
    "PEILDATUM_LEERLINGEN;PRIKDATUM_SCORES;BRIN_NUMMER;VESTIGINGSNUMMER;"
    "INSTELLINGSNAAM_VESTIGING;POSTCODE_VESTIGING;PLAATSNAAM;GEMEENTENUMMER;GEMEENTENAAM;"
    "PROVINCIE;SOORT_PO;DENOMINATIE_VESTIGING;BEVOEGD_GEZAG_NUMMER;LEERJAAR_8;"
    "ONTHEFFING_REDEN_ND;CET_AANTAL;CET_GEM;IEP_AANTAL;IEP_GEM\n"
    "20190417;20190725;00AP;00;Wereldwijs;2716PH;ZOETERMEER; 637;Zoetermeer;Zuid-Holland;Bo;"
    "Openbaar;41646;11;0;11;538,636363636364;0; \n"
    "20190417;20190725;00AV;00;De Morgenster;3201CN;SPIJKENISSE;1930;Nissewaard;Zuid-Holland;"
    "Bo;Openbaar;41647;20;0;0; ;20;81,25\n"
)
REGISTER = (  # column order differs from the real file: readers select by name
    "PROVINCIE;BEVOEGD GEZAG NUMMER;BRIN NUMMER;VESTIGINGSNUMMER;VESTIGINGSNAAM;POSTCODE;"
    "PLAATSNAAM;GEMEENTENAAM;DENOMINATIE;COROPGEBIED CODE;RMC-REGIO CODE;RMC-REGIO NAAM;"
    "GEMEENTENUMMER\n"
    "Drenthe;10249;16AH;16AH00;OBS 't Eenspan;7822 HG;EMMEN;EMMEN;Openbaar;08;08;"
    "Zuid-Oost Drenthe;0114\n"
    "Drenthe;10249;16BX;16BX00;OBS 2;7811 LD;EMMEN;EMMEN;Openbaar;08;08;Zuid-Oost Drenthe;114\n"
)
SES = (
    "SES_Verslagjaar;SES_PC4;SES_Aantal_huishoudens;SES_Deelscore_welvaart;"
    "SES_Deelscore_arbeid;SES_Totaalscore\n2021;1011;5700;-0,01;-0,013;0,111\n"
    "2021;1012;5300;-0,067;-0,001;0,074\n"
)

READERS: dict[str, tuple[Callable, str, str]] = {
    "04-leerlingen-bo-sbo-schooladviezen-2019-2020.csv": (
        src.read_schooladviezen_wide,
        WIDE_ADVICE,
        "cp1252",
    ),
    "gemiddelde-eindscores-bo-sbo-2018-2019.csv": (src.read_eindscores_wide, EINDSCORES_WIDE, "cp1252"),
    "alle-vestigingen-bo.csv": (src.read_school_register, REGISTER, "cp1252"),
    "SES_PC4_2021-2022.csv": (src.read_ses_pc4, SES, "utf-8"),
    "84780NED.csv": (src.read_statline_vsv, STATLINE.replace("1e3", "1000"), "utf-8"),
    "brin6_advies.csv": (src.read_brin6_advies, ADVIES, "utf-8"),
    "brin6_heroverweging.csv": (src.read_brin6_heroverweging, HEROVERWEGING, "utf-8"),
    "brin6_eindscores.csv": (src.read_brin6_eindscores, EINDSCORES, "utf-8"),
    "vsv-per-swv-2016.csv": (src.read_vsv_per_school, VSV, "cp1252"),
}


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("name", list(READERS))
def test_valid_small_files_read(tmp_path: Path, name: str) -> None:
    reader, text, enc = READERS[name]
    frame = reader(write(tmp_path, name, text, enc))
    assert 1 <= len(frame) <= 24


def test_suppressed_cell_is_not_zero(tmp_path: Path) -> None:
    frame = src.read_brin6_advies(write(tmp_path, "brin6_advies.csv", ADVIES))
    row = frame[frame["advice"] == "VMBO_GT"].iloc[0]
    assert row["suppressed"]
    assert row["n_pupils"] is not None and str(row["n_pupils"]) == "<NA>"


def test_wrong_separator_names_the_file_and_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "brin6_advies.csv", ADVIES.replace(";", ","))
    with pytest.raises(DataError) as info:
        src.read_brin6_advies(path)
    assert info.value.row == 1 and "brin6_advies.csv" in str(info.value)
    assert "','" in str(info.value)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "brin6_advies.csv", ADVIES.replace("ADVIES;", "ADVICE;"))
    with pytest.raises(DataError) as info:
        src.read_brin6_advies(path)
    assert info.value.column == "ADVIES"


def test_non_numeric_count_names_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "brin6_advies.csv", ADVIES.replace("HAVO;12", "HAVO;twaalf"))
    with pytest.raises(DataError) as info:
        src.read_brin6_advies(path)
    assert (info.value.row, info.value.column, info.value.value) == (2, "AANTAL_LEERLINGEN", "twaalf")


def test_unknown_advice_code_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "brin6_advies.csv", ADVIES.replace("HAVO;12", "MAVO-PLUS;12"))
    with pytest.raises(DataError) as info:
        src.read_brin6_advies(path)
    assert info.value.column == "ADVIES" and info.value.row == 2
    assert "VWO" in str(info.value)  # says what was expected


def test_utf16_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "brin6_advies.csv", ADVIES, "utf-16")
    with pytest.raises(DataError, match="encoding"):
        src.read_brin6_advies(path)


def test_cp1252_and_bom_utf8_are_both_accepted(tmp_path: Path) -> None:
    text = VSV.replace("VO0001", "VO0001")
    a = src.read_vsv_per_school(write(tmp_path, "vsv-per-swv-2016.csv", text, "cp1252"))
    b = src.read_vsv_per_school(write(tmp_path, "vsv-per-swv-2017.csv", text, "utf-8-sig"))
    assert a["n_pupils"].tolist() == b["n_pupils"].tolist()


def test_statline_secret_dot_is_missing_not_zero(tmp_path: Path) -> None:
    frame = src.read_statline_vsv(
        write(tmp_path, "84780NED.csv", STATLINE.replace("1e3", "1000")), gemeenten_only=False
    )
    nl = frame[frame["region_code"].str.startswith("NL")].iloc[0]
    assert str(nl["n_vsv"]) == "<NA>"
    gm = src.read_statline_vsv(write(tmp_path, "84780NED_b.csv", STATLINE.replace("1e3", "1000")))
    assert gm["gemeente_code"].tolist() == ["GM0363"] and gm["school_year"].tolist() == [2022]


def test_vsv_above_pupils_fails_the_schema(tmp_path: Path) -> None:
    path = write(tmp_path, "vsv-per-swv-2016.csv", VSV.replace("1714;6", "5;6"))
    with pytest.raises(DataError) as info:
        src.read_vsv_per_school(path)
    assert "vsv-per-swv-2016.csv" in str(info.value)


def test_excel_reader_reports_a_non_excel_file(tmp_path: Path) -> None:
    path = write(tmp_path, "achterstandsscores-2020.xlsx", "not a workbook")
    with pytest.raises(DataError, match="Excel"):
        src.read_achterstandsscores(path)


def test_json_reader_reports_invalid_json(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="JSON"):
        src.read_gemeente_kerncijfers(write(tmp_path, "nl_data.json", "{not json"))


def test_reading_a_bad_file_leaves_it_untouched(tmp_path: Path) -> None:
    path = write(tmp_path, "brin6_advies.csv", ADVIES.replace("HAVO;12", "HAVO;x"))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DataError):
        src.read_brin6_advies(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


# ---------------------------------------------------------------- property-based malformations
def _mutate(text: str, kind: str, line: int, garbage: str) -> bytes:
    lines = text.rstrip("\r\n").replace("\r\n", "\n").split("\n")
    i = 1 + line % (len(lines) - 1)
    cells = lines[i].split(";")
    if kind == "truncate":
        lines[i] = ";".join(cells[: max(1, len(cells) - 1 - line % 2)])
    elif kind == "extra_separator":
        lines[i] = lines[i] + ";" * (1 + line % 2)
    elif kind == "garbage_number":
        cells[-1] = garbage
        lines[i] = ";".join(cells)
    elif kind == "empty":
        return b""
    elif kind == "header_only_broken":
        lines[0] = lines[0].replace(";", "|")
    body = "\n".join(lines) + "\n"
    return body.encode("utf-16") if kind == "utf16" else body.encode("utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(sorted(READERS)),
    kind=st.sampled_from(
        ["truncate", "extra_separator", "garbage_number", "empty", "utf16", "header_only_broken"]
    ),
    line=st.integers(min_value=0, max_value=50),
    garbage=st.sampled_from(["abc", "1,2,3", "--5", "12a", "3.4.5", "∞", "NaN?"]),
)
def test_every_malformed_variant_is_a_located_data_error(
    tmp_path: Path, name: str, kind: str, line: int, garbage: str
) -> None:
    reader, text, _ = READERS[name]
    path = tmp_path / f"{kind}-{line}-{name}"
    path.write_bytes(_mutate(text, kind, line, garbage))
    with pytest.raises(DataError) as info:
        reader(path)
    err = info.value
    assert Path(err.file).name == path.name or err.file == path
    assert path.name in str(err)
    if kind in ("truncate", "extra_separator"):
        assert err.row is not None and err.row >= 2
    if kind == "garbage_number":
        assert err.column is not None and err.row is not None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.binary(min_size=0, max_size=400),
    reader_name=st.sampled_from(["kerncijfers", "geojson", "achterstand", "pc4"]),
)
def test_binary_garbage_in_json_and_excel_readers_is_a_data_error(
    tmp_path: Path, payload: bytes, reader_name: str
) -> None:
    reader, name = {
        "kerncijfers": (src.read_gemeente_kerncijfers, "nl_data.json"),
        "geojson": (src.read_gemeente_geojson, "gemeenten.json"),
        "achterstand": (src.read_achterstandsscores, "achterstandsscores.xlsx"),
        "pc4": (src.read_pc4_kerncijfers, "pc4_2023.xlsx"),
    }[reader_name]
    path = tmp_path / name
    path.write_bytes(payload)
    with pytest.raises(DataError) as info:
        reader(path)
    assert name in str(info.value)
