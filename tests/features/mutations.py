"""The mutation table: bad (and valid-variant) source files, each with its expected outcome.

Every mutation edits one copy of the tiny world (``tests/fixtures/tiny_world``) and states what
``kansenradar validate`` and ``run`` must say: a :class:`DataError` whose message names the file
(and, for checks across files, the other file) and the row or column, or *accepted* — a valid
variant of the published format, read to the same data. The table is generated per source kind
(generic damage every CSV can suffer) plus hand-written cases per reader (ranges, codes,
consistency, JSON/GeoJSON/xlsx structure) — many of them the cases of issue 12.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.fixtures.xlsx import write_xlsx

WORLD = Path(__file__).resolve().parents[1] / "fixtures" / "tiny_world"

ADVIES = "brin6_advies.csv"
EIND = "brin6_eindscores.csv"
HER = "brin6_heroverweging.csv"
WIDE19 = "04-leerlingen-bo-sbo-schooladviezen-2019-2020.csv"
WIDE23 = "04-leerlingen-bo-sbo-schooladviezen-2023-2024.csv"
VSV = "vsv-per-swv-2020.csv"
STATLINE = "84780NED_voortijdig_schoolverlaters.csv"
REG_PO = "alle-vestigingen-bo.csv"
REG_VO = "alle-vestigingen-vo.csv"
EWIDE = "gemiddelde-eindscores-bo-sbo-2018-2019.csv"
RMC = "rmcregiosregionaalmeldencoordinatiepunt.csv"
SES = "SES_PC4_2021-2022.csv"
KERN = "nl_data.json"
GEO = "gemeenten.json"
ACH = "achterstandsscores-scholen-2019.xlsx"
HIST = "gemeenten_corop_1981.xlsx"
PC4 = "pc4_2023_v2.xlsx"
REF24 = "10.-leerlingen-bo-referentieniveaus-2024-2025.csv"
REF23 = "10.-leerlingen-bo-referentieniveaus-2023-2024.csv"
E05 = "05.-gemiddelde-eindscores-bo-sbo-2024-2025.csv"

CSV_FILES: dict[str, dict] = {
    # file: a column the reader requires, a count column, a school-year column (or None)
    ADVIES: {"required": "ADVIES", "count": "AANTAL_LEERLINGEN", "year": ("PEILJAAR", "2099")},
    EIND: {"required": "GEMIDDELDE_UITSLAG", "count": "AANTAL_LEERLINGEN", "year": ("PEILJAAR", "2099")},
    HER: {"required": "TOETSEN_EN_ADVIEZEN", "count": "AANTAL_LEERLINGEN", "year": ("PEILJAAR", "2100")},
    WIDE19: {"required": "HAVO", "count": "VWO", "year": None},
    WIDE23: {"required": "VMBO_GT", "count": "HAVO", "year": None},
    VSV: {"required": "vsv_totaal", "count": "aantal_leerlingen", "year": None},
    STATLINE: {"required": "Leerlingen_1", "count": "Leerlingen_1", "year": ("Perioden", "2099SJ00")},
    REG_PO: {"required": "GEMEENTENUMMER", "count": None, "year": None},
    REG_VO: {"required": "BRIN NUMMER", "count": None, "year": None},
    EWIDE: {
        "required": "GEMEENTENUMMER",
        "count": "LEERJAAR_8",
        "year": ("PEILDATUM_LEERLINGEN", "20990417"),
    },
    REF24: {"required": "LV_2F", "count": "REKENEN_1S", "year": ("PEILDATUM", "20991001")},
    E05: {"required": "SOORT_PO", "count": "LIB_AANTAL", "year": ("PEILDATUM_LEERLINGEN", "20991001")},
    RMC: {"required": "CBS", "count": None, "year": None},
    SES: {
        "required": "SES_Totaalscore",
        "count": "SES_Aantal_huishoudens",
        "year": ("SES_Verslagjaar", "2099"),
    },
}


@dataclass(frozen=True)
class Mutation:
    """One damaged or varied folder and what validate/run must say about it."""

    id: str
    file: str | None
    apply: Callable[[Path], None]
    expect: str  # "error" or "accept"
    where: tuple[str, ...] = ()  # substrings the error must contain (row, column …)
    names: tuple[str, ...] = ()  # files the error must name (default: the mutated file)
    skipped: frozenset[tuple[str, str]] = frozenset()  # (target, level) an accepted folder skips
    unrecognised: tuple[str, ...] = ()
    same_data: bool = False  # an accepted format variant must read to the baseline's table
    extra: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------ text helpers
def _load(path: Path) -> tuple[str, str, bool, str]:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    body = raw[3:] if bom else raw
    try:
        text, enc = body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, enc = body.decode("cp1252"), "cp1252"
    newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text and "\n" not in text else "\n")
    return text, enc, bom, newline


def _save(path: Path, text: str, enc: str, bom: bool) -> None:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(enc))


def edit_lines(name: str, fn: Callable[[list[str]], list[str]]) -> Callable[[Path], None]:
    """Edit the lines of a CSV (header = index 0), keeping its encoding, BOM and line ends."""

    def apply(folder: Path) -> None:
        path = folder / name
        text, enc, bom, nl = _load(path)
        lines = text.split(nl)
        trailing = lines and lines[-1] == ""
        lines = fn([ln for ln in lines if ln != ""] if trailing else lines)
        _save(path, nl.join(lines) + (nl if trailing else ""), enc, bom)

    return apply


def _fields(line: str) -> list[str]:
    return next(csv.reader([line], delimiter=";"))


def _join(fields: list[str], quoted: bool) -> str:
    buf = io.StringIO()
    csv.writer(
        buf, delimiter=";", quoting=csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL, lineterminator=""
    ).writerow(fields)
    return buf.getvalue()


def set_cell(name: str, line: int, column: str, value: str) -> Callable[[Path], None]:
    """Set the cell of ``column`` (header name, any case) on file line ``line`` (header = 1)."""

    def fn(lines: list[str]) -> list[str]:
        header = [h.strip('"\ufeff').upper() for h in _fields(lines[0])]
        j = header.index(column.upper())
        quoted = '"' in lines[line - 1]
        f = _fields(lines[line - 1])
        f[j] = value
        lines[line - 1] = _join(f, quoted)
        return lines

    return edit_lines(name, fn)


def find_line(name: str, **match: str) -> int:
    """File line (header = 1) of the first row whose columns start with the given values."""
    text, *_ = _load(WORLD / name)
    lines = [ln for ln in text.splitlines() if ln]
    header = [h.strip('"\ufeff').upper() for h in _fields(lines[0])]
    for i, ln in enumerate(lines[1:], start=2):
        f = dict(zip(header, _fields(ln), strict=True))
        if all(f[k.upper()].strip().startswith(v) for k, v in match.items()):
            return i
    raise LookupError(f"no row in {name} with {match}")


def cell(name: str, line: int, column: str) -> str:
    text, *_ = _load(WORLD / name)
    lines = [ln for ln in text.splitlines() if ln]
    header = [h.strip('"\ufeff').upper() for h in _fields(lines[0])]
    return _fields(lines[line - 1])[header.index(column.upper())]


def write_bytes(name: str, data: bytes) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(data)


def transform_bytes(name: str, fn: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_bytes(fn((folder / name).read_bytes()))


def remove(*names: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        for n in names:
            (folder / n).unlink()

    return apply


def rename(old: str, new: str) -> Callable[[Path], None]:
    return lambda folder: (folder / old).rename(folder / new)


def both(*fns: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        for fn in fns:
            fn(folder)

    return apply


def edit_json(name: str, fn: Callable[[object], object]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / name
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
        path.write_text(json.dumps(fn(doc)), encoding="utf-8")

    return apply


def _set(doc: dict, keys: tuple, value: object) -> dict:
    target = doc
    for k in keys[:-1]:
        target = target[k]
    target[keys[-1]] = value
    return doc


def _reencode(name: str) -> Callable[[Path], None]:
    """UTF-8 (BOM or not) ↔ cp1252: both are published encodings."""

    def apply(folder: Path) -> None:
        path = folder / name
        text, enc, bom, _ = _load(path)
        try:
            _save(path, text, "cp1252" if enc == "utf-8" else "utf-8", enc != "utf-8")
        except UnicodeEncodeError:  # not representable in cp1252: drop/add the BOM instead
            _save(path, text, enc, not bom)

    return apply


def _line_ends(name: str, newline: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / name
        text, enc, bom, nl = _load(path)
        _save(path, text.replace(nl, newline), enc, bom)

    return apply


# ------------------------------------------------------------------------------ generic CSV
EXTENDED = (ADVIES, STATLINE, REG_PO)
"""Files that get every generic mutation; the others get the core set (keeps the suite fast)."""
CORE = {
    "empty",
    "header-only",
    "truncated-row",
    "comma-separated",
    "bom-plus-cp1252-byte",
    "required-column-renamed",
    "duplicate-row",
    "cr-only-line-ends",
    "other-encoding",
    "count-not-a-number",
    "count-huge",
    "future-year",
}


def _generic_csv(name: str, spec: dict) -> list[Mutation]:
    out = [m for m in _all_generic_csv(name, spec) if name in EXTENDED or m.id.split(":", 1)[1] in CORE]
    return out


def _all_generic_csv(name: str, spec: dict) -> list[Mutation]:
    req = spec["required"]
    out = [
        Mutation(f"{name}:empty", name, write_bytes(name, b""), "error", ("row 1",)),
        Mutation(f"{name}:whitespace-only", name, write_bytes(name, b"\r\n \r\n"), "error", ("row 1",)),
        Mutation(f"{name}:header-only", name, edit_lines(name, lambda ls: ls[:1]), "error", ("row 2",)),
        Mutation(
            f"{name}:truncated-row",
            name,
            edit_lines(name, lambda ls: [*ls[:2], ls[2].rsplit(";", 1)[0], *ls[3:]]),
            "error",
            ("row 3",),
        ),
        Mutation(
            f"{name}:extra-field",
            name,
            edit_lines(name, lambda ls: [*ls[:2], ls[2] + ";1", *ls[3:]]),
            "error",
            ("row 3",),
        ),
        Mutation(
            f"{name}:comma-separated",
            name,
            edit_lines(name, lambda ls: [ln.replace(";", ",") for ln in ls]),
            "error",
            ("row 1",),
        ),
        Mutation(
            f"{name}:bom-plus-cp1252-byte",
            name,
            transform_bytes(
                name,
                lambda b: (
                    b"\xef\xbb\xbf"
                    + b.removeprefix(b"\xef\xbb\xbf")
                    .decode("cp1252")
                    .encode("utf-8")
                    .replace(b"\n", b"\n\xe9", 1)
                ),
            ),
            "error",
            ("row 2", "mixes encodings"),
        ),
        Mutation(f"{name}:utf16", name, transform_bytes(name, lambda b: _utf16(b)), "error", ("row 1",)),
        Mutation(
            f"{name}:binary-garbage",
            name,
            write_bytes(name, bytes(range(256)) * 4),
            "error",
            ("row 1",),
        ),
        Mutation(
            f"{name}:xlsx-renamed-csv",
            name,
            lambda folder: write_xlsx(folder / name, [["a", "b"], [1, 2]]),
            "error",
            ("row 1",),
        ),
        Mutation(
            f"{name}:required-column-renamed",
            name,
            edit_lines(name, lambda ls: [_rename_header(ls[0], req), *ls[1:]]),
            "error",
            ("row 1", "column"),
        ),
        Mutation(
            f"{name}:required-column-twice",
            name,
            edit_lines(name, lambda ls: [_dup_header(ls[0], req), *ls[1:]]),
            "error",
            ("row 1", "twice"),
        ),
        Mutation(
            f"{name}:duplicate-row",
            name,
            edit_lines(name, lambda ls: [*ls, ls[1]]),
            "error",
            ("row ", "twice"),
        ),
        Mutation(
            f"{name}:unterminated-quote",
            name,
            edit_lines(name, lambda ls: [*ls[:2], '"' + ls[2], *ls[3:]]),
            "error",
            ("row ",),
        ),
        # valid variants of the published format: read to the same data
        Mutation(f"{name}:lf-line-ends", name, _line_ends(name, "\n"), "accept", same_data=True),
        Mutation(f"{name}:crlf-line-ends", name, _line_ends(name, "\r\n"), "accept", same_data=True),
        Mutation(f"{name}:cr-only-line-ends", name, _line_ends(name, "\r"), "accept", same_data=True),
        Mutation(
            f"{name}:trailing-blank-lines",
            name,
            edit_lines(name, lambda ls: [*ls, "", "  ", ""]),
            "accept",
            same_data=True,
        ),
        Mutation(
            f"{name}:extra-column",
            name,
            edit_lines(name, lambda ls: [ls[0] + ";EXTRA_KOLOM", *(ln + ";x" for ln in ls[1:])]),
            "accept",
            same_data=True,
        ),
        Mutation(f"{name}:other-encoding", name, _reencode(name), "accept", same_data=True),
        Mutation(
            f"{name}:lower-case-header",
            name,
            edit_lines(name, lambda ls: [ls[0].lower(), *ls[1:]]),
            "accept",
            same_data=True,
        ),
        Mutation(
            f"{name}:all-fields-quoted",
            name,
            edit_lines(name, lambda ls: [_join(_fields(ln), True) for ln in ls]),
            "accept",
            same_data=True,
        ),
        Mutation(
            f"{name}:reversed-rows",
            name,
            edit_lines(name, lambda ls: [ls[0], *reversed(ls[1:])]),
            "accept",
            same_data=True,
        ),
    ]
    if spec["count"]:
        col = spec["count"]
        out += [
            Mutation(
                f"{name}:count-not-a-number", name, set_cell(name, 3, col, "twaalf"), "error", ("row 3",)
            ),
            Mutation(f"{name}:count-negative", name, set_cell(name, 3, col, "-5"), "error", ("row 3",)),
            Mutation(f"{name}:count-huge", name, set_cell(name, 3, col, "99999999999"), "error", ("row 3",)),
            Mutation(f"{name}:count-decimal", name, set_cell(name, 3, col, "12,5"), "error", ("row 3",)),
        ]
    if spec["year"]:
        col, value = spec["year"]
        out.append(Mutation(f"{name}:future-year", name, set_cell(name, 3, col, value), "error", ("row 3",)))
        out.append(
            Mutation(f"{name}:year-garbage", name, set_cell(name, 3, col, "ooit"), "error", ("row 3",))
        )
    return out


def _utf16(raw: bytes) -> bytes:
    text, *_ = _load_bytes(raw)
    return text.encode("utf-16")


def _load_bytes(raw: bytes) -> tuple[str]:
    body = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return (body.decode("utf-8"),)
    except UnicodeDecodeError:
        return (body.decode("cp1252"),)


def _rename_header(header: str, column: str) -> str:
    fields = _fields(header)
    i = [f.strip("\ufeff").upper() for f in fields].index(column.upper())
    fields[i] = "KOLOM_ONBEKEND"
    return _join(fields, '"' in header)


def _dup_header(header: str, column: str) -> str:
    fields = _fields(header)
    i = [f.strip("\ufeff").upper() for f in fields].index(column.upper())
    j = (i + 1) % len(fields)
    fields[j] = fields[i].strip("\ufeff")
    return _join(fields, '"' in header)


# --------------------------------------------------------------------------- per-reader cases
def _specific() -> list[Mutation]:
    e_row = find_line(EIND, DOORSTROOMTOETS_PO="CET", AANTAL_LEERLINGEN="1")  # a CET row, ≥ 10 tested
    ieprow = find_line(EIND, DOORSTROOMTOETS_PO="IEP")
    small, big = _rows_by_eligible()
    her_raised = find_line(HER, TOETSEN_EN_ADVIEZEN="Schooladvies bijgesteld")
    her_eligible = find_line(HER, TOETSEN_EN_ADVIEZEN="Toetsadvies hoger")
    stat_total = find_line(STATLINE, Geslacht="T001038", RegioS="GM0060")
    stat_nl = find_line(STATLINE, RegioS="NL01")
    vsv_row = find_line(VSV, brin_nummer="19HY")
    wide_row = find_line(EWIDE, BRIN_NUMMER="04QN")
    m = [
        # eindscores: scales, codes, consistency
        Mutation(
            "eind:score-99999",
            EIND,
            set_cell(EIND, e_row, "GEMIDDELDE_UITSLAG", "99999"),
            "error",
            (f"row {e_row}", "GEMIDDELDE_UITSLAG"),
        ),
        Mutation(
            "eind:score-negative",
            EIND,
            set_cell(EIND, e_row, "GEMIDDELDE_UITSLAG", "-535"),
            "error",
            (f"row {e_row}",),
        ),
        Mutation(
            "eind:cet-score-on-iep-scale",
            EIND,
            set_cell(EIND, e_row, "GEMIDDELDE_UITSLAG", "80,5"),
            "error",
            (f"row {e_row}", "scale"),
        ),
        Mutation(
            "eind:iep-score-on-cet-scale",
            EIND,
            set_cell(EIND, ieprow, "GEMIDDELDE_UITSLAG", "535"),
            "error",
            (f"row {ieprow}", "scale"),
        ),
        Mutation(
            "eind:unknown-test",
            EIND,
            set_cell(EIND, e_row, "DOORSTROOMTOETS_PO", "FOOTOETS"),
            "error",
            (f"row {e_row}", "TEST_SCALES"),
        ),
        Mutation(
            "eind:empty-test",
            EIND,
            set_cell(EIND, e_row, "DOORSTROOMTOETS_PO", ""),
            "error",
            (f"row {e_row}", "DOORSTROOMTOETS_PO"),
        ),
        Mutation(
            "eind:exempt-above-tested",
            EIND,
            set_cell(EIND, e_row, "AANTAL_ONTHEFFINGEN", "400"),
            "accept",
        ),
        Mutation("eind:grade-7", EIND, set_cell(EIND, e_row, "LEERJAAR", "7"), "error", (f"row {e_row}",)),
        Mutation(
            "eind:test-name-with-spaces-lowercase",
            EIND,
            set_cell(EIND, e_row, "DOORSTROOMTOETS_PO", " cet "),
            "accept",
        ),
        Mutation("eind:tested-suppressed", EIND, set_cell(EIND, small, "AANTAL_LEERLINGEN", "<5"), "accept"),
        Mutation(
            "eind:tested-suppressed-with-space",
            EIND,
            set_cell(EIND, small, "AANTAL_LEERLINGEN", "< 5"),
            "accept",
        ),
        Mutation(
            "eind:tested-suppressed-below-eligible",
            EIND,
            set_cell(EIND, big, "AANTAL_LEERLINGEN", "<5"),
            "error",
            ("eligible", "row "),
            names=(HER, EIND),
        ),
        Mutation("eind:mean-missing", EIND, set_cell(EIND, e_row, "GEMIDDELDE_UITSLAG", ""), "accept"),
        Mutation(
            "eind:school-gone-but-eligible",
            EIND,
            edit_lines(EIND, lambda ls: [ln for ln in ls if not ln.startswith("04QN;")]),
            "error",
            ("eligible", "row "),
            names=(HER, EIND),
        ),
        # heroverweging
        Mutation(
            "her:raised-above-eligible",
            HER,
            set_cell(HER, her_raised, "AANTAL_LEERLINGEN", "900"),
            "error",
            (f"row {her_raised}", "raised"),
        ),
        Mutation(
            "her:eligible-above-tested",
            HER,
            set_cell(HER, her_eligible, "AANTAL_LEERLINGEN", "900"),
            "error",
            (f"row {her_eligible}", "tested"),
            names=(HER, EIND),
        ),
        Mutation(
            "her:unknown-category",
            HER,
            set_cell(HER, her_eligible, "TOETSEN_EN_ADVIEZEN", "Iets anders"),
            "error",
            (f"row {her_eligible}", "HEROVERWEGING_CATEGORIES"),
        ),
        Mutation(
            "her:label-upper-case",
            HER,
            set_cell(HER, her_eligible, "TOETSEN_EN_ADVIEZEN", "TOETSADVIES HOGER DAN SCHOOLADVIES"),
            "accept",
        ),
        Mutation(
            "her:eligible-suppressed", HER, set_cell(HER, her_eligible, "AANTAL_LEERLINGEN", "<5"), "accept"
        ),
        # advies
        Mutation(
            "advies:unknown-advice",
            ADVIES,
            set_cell(ADVIES, 3, "ADVIES", "MAVO+"),
            "error",
            ("row 3", "features/advice.py"),
        ),
        Mutation("advies:empty-advice", ADVIES, set_cell(ADVIES, 3, "ADVIES", ""), "error", ("row 3",)),
        Mutation(
            "advies:label-variant",
            ADVIES,
            set_cell(ADVIES, 3, "ADVIES", cell(ADVIES, 3, "ADVIES").lower()),
            "accept",
        ),
        Mutation(
            "advies:bad-brin", ADVIES, set_cell(ADVIES, 3, "INSTELLINGSCODE", "0#QN"), "error", ("row 3",)
        ),
        Mutation("advies:year-1999", ADVIES, set_cell(ADVIES, 3, "PEILJAAR", "1999"), "error", ("row 3",)),
        Mutation(
            "advies:year-range-written",
            ADVIES,
            set_cell(
                ADVIES,
                3,
                "PEILJAAR",
                cell(ADVIES, 3, "PEILJAAR") + "-" + str(int(cell(ADVIES, 3, "PEILJAAR")) + 1),
            ),
            "accept",
        ),
        Mutation(
            "advies:unknown-school",
            ADVIES,
            set_cell(ADVIES, 3, "INSTELLINGSCODE", "99ZZ"),
            "error",
            ("row 3", "register"),
        ),
        # wide advice
        Mutation(
            "wide:future-file-year",
            WIDE19,
            rename(WIDE19, "04-leerlingen-bo-sbo-schooladviezen-2099-2100.csv"),
            "error",
            ("2099",),
            names=("04-leerlingen-bo-sbo-schooladviezen-2099-2100.csv",),
        ),
        Mutation("wide:used-when-long-file-absent", ADVIES, remove(ADVIES), "accept", extra={"note": "wide"}),
        Mutation(
            "wide:bad-cell-used-when-long-absent",
            WIDE19,
            both(remove(ADVIES), set_cell(WIDE19, 2, "VWO", "x")),
            "error",
            ("row 2", "VWO"),
        ),
        # StatLine 84780NED
        Mutation(
            "statline:leavers-above-pupils",
            STATLINE,
            set_cell(STATLINE, stat_total, "VoortijdigeSchoolverlaters_2", "5476"),
            "error",
            (f"row {stat_total}",),
        ),
        Mutation(
            "statline:percentage-547",
            STATLINE,
            set_cell(STATLINE, stat_total, "VoortijdigeSchoolverlatersPercentage_4", "547.6"),
            "error",
            (f"row {stat_total}",),
        ),
        Mutation(
            "statline:unknown-sex",
            STATLINE,
            set_cell(STATLINE, stat_total, "Geslacht", "9999"),
            "error",
            (f"row {stat_total}", "Geslacht"),
        ),
        Mutation(
            "statline:unknown-gemeente",
            STATLINE,
            set_cell(STATLINE, stat_total, "RegioS", "GM9999"),
            "error",
            (f"row {stat_total}", "gemeente"),
            names=(STATLINE, HIST),
        ),
        Mutation(
            "statline:region-garbage",
            STATLINE,
            set_cell(STATLINE, stat_total, "RegioS", "Ameland"),
            "error",
            (f"row {stat_total}",),
        ),
        Mutation(
            "statline:secret-dot",
            STATLINE,
            set_cell(STATLINE, stat_total, "VoortijdigeSchoolverlaters_2", "."),
            "accept",
        ),
        Mutation(
            "statline:national-rows-removed",
            STATLINE,
            edit_lines(STATLINE, lambda ls: [ln for ln in ls if "NL01" not in ln]),
            "accept",
        ),
        Mutation(
            "statline:national-huge-is-fine",
            STATLINE,
            set_cell(STATLINE, stat_nl, "Leerlingen_1", "1400000"),
            "accept",
        ),
        Mutation(
            "statline:only-national-rows",
            STATLINE,
            edit_lines(STATLINE, lambda ls: [ls[0], *(ln for ln in ls[1:] if "NL01" in ln)]),
            "error",
            ("RegioS",),
        ),
        # VSV per school
        Mutation(
            "vsv:parts-do-not-add-up",
            VSV,
            set_cell(VSV, vsv_row, "vsv_vmbo", "7"),
            "error",
            (f"row {vsv_row}", "add up"),
        ),
        Mutation(
            "vsv:leavers-above-pupils",
            VSV,
            both(set_cell(VSV, vsv_row, "vsv_totaal", "500"), set_cell(VSV, vsv_row, "vsv_overig", "499")),
            "error",
            (f"row {vsv_row}", "more early"),
        ),
        Mutation(
            "vsv:future-file-year",
            VSV,
            rename(VSV, "vsv-per-swv-2099.csv"),
            "error",
            ("2098",),
            names=("vsv-per-swv-2099.csv",),
        ),
        Mutation(
            "vsv:no-year-in-name",
            VSV,
            rename(VSV, "vsv-per-swv-laatste.csv"),
            "error",
            ("year",),
            names=("vsv-per-swv-laatste.csv",),
        ),
        Mutation(
            "vsv:suppressed-parts",
            VSV,
            both(set_cell(VSV, vsv_row, "vsv_totaal", "<5"), set_cell(VSV, vsv_row, "vsv_vmbo", "<5")),
            "accept",
        ),
        Mutation(
            "vsv:closed-school-noted",
            VSV,
            set_cell(VSV, vsv_row, "brin_nummer", "99ZZ"),
            "accept",
            extra={"note": "not in"},
        ),
        # wide eindscores (reference)
        Mutation(
            "ewide:month-13",
            EWIDE,
            set_cell(EWIDE, wide_row, "PEILDATUM_LEERLINGEN", "20191317"),
            "error",
            (f"row {wide_row}", "PEILDATUM"),
        ),
        Mutation(
            "ewide:cet-mean-99999",
            EWIDE,
            set_cell(EWIDE, wide_row, "CET_GEM", "99999"),
            "error",
            (f"row {wide_row}", "CET_GEM"),
        ),
        Mutation(
            "ewide:unknown-gemeente",
            EWIDE,
            set_cell(EWIDE, wide_row, "GEMEENTENUMMER", "9999"),
            "error",
            (f"row {wide_row}", "gemeente"),
            names=(EWIDE, HIST),
        ),
        Mutation(
            "ewide:no-provider-columns",
            EWIDE,
            edit_lines(EWIDE, lambda ls: [ls[0].replace("_AANTAL", "_N").replace("_GEM", "_M"), *ls[1:]]),
            "error",
            ("row 1",),
        ),
        # registers
        Mutation(
            "reg:gemeente-garbage",
            REG_PO,
            set_cell(REG_PO, 2, "GEMEENTENUMMER", "abc"),
            "error",
            ("row 2", "GEMEENTENUMMER"),
        ),
        Mutation(
            "reg:unknown-gemeente",
            REG_PO,
            set_cell(REG_PO, 2, "GEMEENTENUMMER", "9999"),
            "error",
            ("row 2", "gemeente"),
            names=(REG_PO, HIST),
        ),
        Mutation(
            "reg:postcode-garbage",
            REG_PO,
            set_cell(REG_PO, 2, "POSTCODE", "ABCD"),
            "error",
            ("row 2", "POSTCODE"),
        ),
        Mutation(
            "reg:school-missing-but-in-wide-file",
            REG_PO,
            edit_lines(REG_PO, lambda ls: [ls[0], *ls[2:]]),
            "accept",
        ),
        Mutation(
            "reg:school-missing-everywhere",
            EIND,
            set_cell(EIND, 2, "INSTELLINGSCODE", "99ZZ"),  # no register, directory or yearly file has it
            "error",
            ("register", "99ZZ"),
            names=(EIND, REG_PO),
        ),
        Mutation("reg:vo-cr-only", REG_VO, _line_ends(REG_VO, "\r"), "accept"),
        # RMC and SES
        Mutation(
            "rmc:empty-region",
            RMC,
            set_cell(RMC, 2, "RMC-regio's (Regionaal Meld- en Coördinatiepunt)", ""),
            "error",
            ("row 2",),
        ),
        Mutation(
            "rmc:unknown-gemeente",
            RMC,
            set_cell(RMC, 2, "CBS", "9999"),
            "error",
            ("row 2", "gemeente"),
            names=(RMC, HIST),
        ),
        Mutation(
            "rmc:utf8-plus-cp1252-byte",
            RMC,
            transform_bytes(RMC, lambda b: b.replace(b"Ameland", b"Am\xe9land")),
            "error",
            ("row 2", "mixes encodings"),
        ),
        Mutation("ses:score-99", SES, set_cell(SES, 2, "SES_Totaalscore", "99"), "error", ("row 2",)),
        Mutation("ses:pc4-garbage", SES, set_cell(SES, 2, "SES_PC4", "ABCD"), "error", ("row 2",)),
        Mutation("ses:absent-uses-embedded", SES, remove(SES), "accept"),
    ]
    return m + _json_cases() + _xlsx_cases() + _pc4_cases() + _folder_cases()


def _pc4_cases() -> list[Mutation]:
    g = _grid(WORLD / PC4)
    top = next(i for i, r in enumerate(g) if str(r[0]).startswith("Postcode-4"))
    first = top + 2

    def col(needle: str) -> int:
        return next(j for j in range(1, len(g[top])) if any(needle in str(g[r][j]) for r in (top - 1, top)))

    pop, urb = col("Totaal"), col("Stedelijkheid")
    sheet = "Sheet1"
    return [
        Mutation("pc4:not-xlsx", PC4, write_bytes(PC4, b"garbage\x00"), "error", ("Excel",)),
        Mutation(
            "pc4:no-header",
            PC4,
            edit_grid(PC4, lambda r: [x for x in r if not str(x[0]).startswith("Postcode-4")], sheet),
            "error",
            ("Postcode-4",),
        ),
        Mutation(
            "pc4:no-rows", PC4, edit_grid(PC4, lambda r: r[:first], sheet), "error", ("no postcode rows",)
        ),
        Mutation(
            "pc4:negative-population",
            PC4,
            edit_grid(PC4, lambda r: _cell_set(r, first, pop, -50), sheet),
            "error",
            (f"row {first + 1}", "population"),
        ),
        Mutation(
            "pc4:urbanity-9",
            PC4,
            edit_grid(PC4, lambda r: _cell_set(r, first, urb, 9), sheet),
            "error",
            (f"row {first + 1}", "urbanity"),
        ),
        Mutation(
            "pc4:secret-marker",
            PC4,
            edit_grid(PC4, lambda r: _cell_set(r, first, pop, -99997), sheet),
            "accept",
        ),
    ]


def _rows_by_eligible() -> tuple[int, int]:
    """Eindscores lines whose school-year has (a) at most '<5' eligible, (b) 5 or more eligible."""
    text, *_ = _load(WORLD / HER)
    eligible: dict[tuple[str, str], str] = {}
    for ln in text.splitlines()[1:]:
        f = _fields(ln)
        if ln and f[4].startswith("Toetsadvies hoger"):
            eligible[(f[0], f[3])] = f[5]
    text, *_ = _load(WORLD / EIND)
    small = big = None
    for i, ln in enumerate(text.splitlines()[1:], start=2):
        f = _fields(ln)
        value = eligible.get((f[0], f[3]), "0")
        if small is None and value in ("0", "<5") and f[8] == "0":
            small = i
        if big is None and value.isdigit() and int(value) >= 5:
            big = i
    assert small and big
    return small, big


def _nested(depth: int) -> bytes:
    return b'{"Gemeente": ' + b"[" * depth + b"]" * depth + b"}"


def _json_cases() -> list[Mutation]:
    gm = "GM0060"
    return [
        Mutation(
            "kern:gemeente-as-list",
            KERN,
            edit_json(KERN, lambda d: {**d, "Gemeente": []}),
            "error",
            ("column 'Gemeente'",),
        ),
        Mutation(
            "kern:gemeente-empty",
            KERN,
            edit_json(KERN, lambda d: {**d, "Gemeente": {}}),
            "error",
            ("column 'Gemeente'",),
        ),
        Mutation(
            "kern:top-level-list", KERN, edit_json(KERN, lambda d: [d]), "error", ("column 'Gemeente'",)
        ),
        Mutation(
            "kern:record-a-number",
            KERN,
            edit_json(KERN, lambda d: _set(d, ("Gemeente", gm), 5)),
            "error",
            (gm,),
        ),
        Mutation(
            "kern:group-a-string",
            KERN,
            edit_json(KERN, lambda d: _set(d, ("Gemeente", gm, "Inequality"), "x")),
            "error",
            (gm,),
        ),
        Mutation(
            "kern:value-a-string",
            KERN,
            edit_json(KERN, lambda d: _set(d, ("Gemeente", gm, "Population"), "4k")),
            "error",
            (gm,),
        ),
        Mutation(
            "kern:value-a-bool",
            KERN,
            edit_json(KERN, lambda d: _set(d, ("Gemeente", gm, "Population"), True)),
            "error",
            (gm,),
        ),
        Mutation(
            "kern:negative-population",
            KERN,
            edit_json(KERN, lambda d: _set(d, ("Gemeente", gm, "Population"), -3700)),
            "error",
            (gm,),
        ),
        Mutation(
            "kern:percentage-150",
            KERN,
            edit_json(
                KERN, lambda d: _set(d, ("Gemeente", gm, "Inequality", "Low income threshold (%)"), 150)
            ),
            "error",
            (gm,),
        ),
        Mutation(
            "kern:urbanity-7",
            KERN,
            edit_json(
                KERN, lambda d: _set(d, ("Gemeente", gm, "Services", "Degree of urbanisation (1–5)"), 7)
            ),
            "error",
            (gm,),
        ),
        Mutation(
            "kern:key-not-a-code",
            KERN,
            edit_json(KERN, lambda d: _set(d, ("Gemeente", "Ameland"), {})),
            "error",
            ("Ameland",),
        ),
        Mutation(
            "kern:unknown-code",
            KERN,
            edit_json(KERN, lambda d: _set(d, ("Gemeente", "GM9999"), d["Gemeente"][gm])),
            "error",
            ("GM9999",),
            names=(KERN, HIST),
        ),
        Mutation("kern:deeply-nested", KERN, write_bytes(KERN, _nested(100_000)), "error", ("nested",)),
        Mutation(
            "kern:truncated-json", KERN, transform_bytes(KERN, lambda b: b[: len(b) // 2]), "error", ("JSON",)
        ),
        Mutation(
            "kern:null-value-ok",
            KERN,
            edit_json(KERN, lambda d: _set(d, ("Gemeente", gm, "Inequality", "Youth welfare (%)"), None)),
            "accept",
        ),
        Mutation(
            "geo:features-empty",
            GEO,
            edit_json(GEO, lambda d: {**d, "features": []}),
            "error",
            ("column 'features'",),
        ),
        Mutation(
            "geo:features-a-dict",
            GEO,
            edit_json(GEO, lambda d: {**d, "features": {"a": 1}}),
            "error",
            ("column 'features'",),
        ),
        Mutation(
            "geo:features-strings",
            GEO,
            edit_json(GEO, lambda d: {**d, "features": ["a", "b"]}),
            "error",
            ("row 1",),
        ),
        Mutation(
            "geo:features-missing",
            GEO,
            edit_json(GEO, lambda d: {"type": "FeatureCollection"}),
            "error",
            ("column 'features'",),
        ),
        Mutation(
            "geo:not-a-collection",
            GEO,
            edit_json(GEO, lambda d: {**d, "type": "Feature"}),
            "error",
            ("column 'type'",),
        ),
        Mutation(
            "geo:no-geometry",
            GEO,
            edit_json(GEO, lambda d: _set(d, ("features", 0, "geometry"), None)),
            "error",
            ("row 1", "geometry"),
        ),
        Mutation(
            "geo:point-geometry",
            GEO,
            edit_json(
                GEO,
                lambda d: _set(d, ("features", 1, "geometry"), {"type": "Point", "coordinates": [5.1, 52.0]}),
            ),
            "error",
            ("row 2", "geometry"),
        ),
        Mutation(
            "geo:empty-coordinates",
            GEO,
            edit_json(GEO, lambda d: _set(d, ("features", 0, "geometry", "coordinates"), [])),
            "error",
            ("row 1", "geometry"),
        ),
        Mutation(
            "geo:properties-missing",
            GEO,
            edit_json(GEO, lambda d: _set(d, ("features", 0, "properties"), None)),
            "error",
            ("row 1",),
        ),
        Mutation(
            "geo:code-missing",
            GEO,
            edit_json(GEO, lambda d: _set(d, ("features", 0, "properties"), {"x": 1})),
            "error",
            ("row 1",),
        ),
        Mutation(
            "geo:jaar-not-a-number",
            GEO,
            edit_json(GEO, lambda d: _set(d, ("features", 0, "properties", "jaar"), "twintig")),
            "error",
            ("row 1", "jaar"),
        ),
        Mutation(
            "geo:duplicate-feature",
            GEO,
            edit_json(GEO, lambda d: {**d, "features": d["features"] * 2}),
            "error",
            ("twice",),
        ),
        Mutation("geo:deeply-nested", GEO, write_bytes(GEO, _nested(100_000)), "error", ("nested",)),
        Mutation(
            "geo:utf16",
            GEO,
            transform_bytes(GEO, lambda b: b.decode("utf-8").encode("utf-16")),
            "error",
            ("JSON",),
        ),
    ]


def _grid(path: Path) -> list[list[object]]:
    import pandas as pd

    g = pd.read_excel(path, header=None, engine="calamine", dtype=object)
    return [[None if (isinstance(v, float) and v != v) else v for v in row] for row in g.to_numpy().tolist()]


def edit_grid(name: str, fn: Callable[[list[list[object]]], list[list[object]]], sheet: str) -> Callable:
    def apply(folder: Path) -> None:
        write_xlsx(folder / name, fn(_grid(folder / name)), sheet)

    return apply


def _cell_set(rows: list[list[object]], r: int, c: int, v: object) -> list[list[object]]:
    rows[r][c] = v
    return rows


def _xlsx_cases() -> list[Mutation]:
    rows = _grid(WORLD / ACH)
    top = next(i for i, r in enumerate(rows) if str(r[0]).startswith("School"))
    first = top + 2  # 0-based index of the first school row (a blank row follows the header)
    while rows[first][0] is None:
        first += 1
    line = first + 1
    return [
        Mutation(
            "ach:one-column",
            ACH,
            edit_grid(ACH, lambda g: [r[:1] for r in g], "Tabel 1"),
            "error",
            ("column(s)",),
        ),
        Mutation(
            "ach:no-header",
            ACH,
            edit_grid(ACH, lambda g: [r for r in g if not str(r[0]).startswith("School")], "Tabel 1"),
            "error",
            ("column 'School'",),
        ),
        Mutation("ach:wrong-sheet", ACH, edit_grid(ACH, lambda g: g, "Blad1"), "error", ("Tabel 1",)),
        Mutation("ach:not-xlsx", ACH, write_bytes(ACH, b"PK\x03\x04 not really a zip"), "error", ("Excel",)),
        Mutation("ach:csv-renamed", ACH, write_bytes(ACH, b"School;Score\n00AP00;3\n"), "error", ("Excel",)),
        Mutation(
            "ach:negative-score",
            ACH,
            edit_grid(ACH, lambda g: _cell_set(g, first, 2, -12.5), "Tabel 1"),
            "error",
            (f"row {line}", "Achterstandsscore"),
        ),
        Mutation(
            "ach:score-99999",
            ACH,
            edit_grid(ACH, lambda g: _cell_set(g, first, 2, 99999.0), "Tabel 1"),
            "error",
            (f"row {line}",),
        ),
        Mutation(
            "ach:pupils-huge",
            ACH,
            edit_grid(ACH, lambda g: _cell_set(g, first, 1, 999999), "Tabel 1"),
            "error",
            (f"row {line}",),
        ),
        Mutation(
            "ach:score-text",
            ACH,
            edit_grid(ACH, lambda g: _cell_set(g, first, 2, "hoog"), "Tabel 1"),
            "error",
            (f"row {line}",),
        ),
        Mutation(
            "ach:duplicate-school",
            ACH,
            edit_grid(ACH, lambda g: [*g[: first + 1], g[first], *g[first + 1 :]], "Tabel 1"),
            "error",
            ("twice",),
        ),
        Mutation(
            "ach:secret-marker",
            ACH,
            edit_grid(ACH, lambda g: _cell_set(g, first, 2, "-99997"), "Tabel 1"),
            "accept",
        ),
        Mutation(
            "ach:no-school-rows",
            ACH,
            edit_grid(ACH, lambda g: g[: top + 1], "Tabel 1"),
            "error",
            ("column 'School'",),
        ),
        Mutation(
            "hist:garbage-cell",
            HIST,
            edit_grid(HIST, lambda g: _cell_set(g, 1, len(g[0]) - 2, "abc"), "Sheet1"),
            "error",
            ("row 2", "GM2021"),
        ),
        Mutation(
            "hist:empty-cell",
            HIST,
            edit_grid(HIST, lambda g: _cell_set(g, 1, 4, None), "Sheet1"),
            "error",
            ("row 2",),
        ),
        Mutation(
            "hist:no-gm2021",
            HIST,
            edit_grid(HIST, lambda g: [[c for c in r[:-2]] for r in g], "Sheet1"),
            "error",
            ("GM2021",),
        ),
        Mutation("hist:header-only", HIST, edit_grid(HIST, lambda g: g[:1], "Sheet1"), "error", ("row 2",)),
        Mutation("hist:not-xlsx", HIST, write_bytes(HIST, b"\x00\x01garbage"), "error", ("Excel",)),
        Mutation("hist:absent-uses-embedded", HIST, remove(HIST), "accept"),
        Mutation(
            "hist:rows-reversed",
            HIST,
            edit_grid(HIST, lambda g: [g[0], *reversed(g[1:])], "Sheet1"),
            "accept",
        ),
    ]


def _folder_cases() -> list[Mutation]:
    under = frozenset(("under_advice", lv) for lv in ("school", "pc4", "gemeente"))
    attainment = frozenset(("under_advice_attainment", lv) for lv in ("school", "pc4", "gemeente"))
    dropout = frozenset({("dropout", "school"), ("dropout", "gemeente"), ("dropout", "rmc")})

    def symlink_dangling(folder: Path) -> None:
        (folder / ADVIES).unlink()
        os.symlink(folder / "nergens.csv", folder / ADVIES)

    def symlink_dir(folder: Path) -> None:
        (folder / ADVIES).unlink()
        (folder / "map").mkdir()
        os.symlink(folder / "map", folder / ADVIES)

    def symlink_ok(folder: Path) -> None:
        (folder / "echt").mkdir()
        shutil.move(folder / ADVIES, folder / "echt" / ADVIES)
        os.symlink(folder / "echt" / ADVIES, folder / ADVIES)

    return [
        Mutation(
            "folder:unknown-file-listed",
            None,
            write_bytes("aantekeningen.txt", b"hallo"),
            "accept",
            unrecognised=("aantekeningen.txt",),
        ),
        Mutation(
            "folder:misspelt-file-recognised-by-header",
            None,
            rename(HER, "brin6-heroverweging.csv"),
            "accept",
            extra={"note": "brin6-heroverweging.csv: recognised by its header"},
        ),
        Mutation(
            "folder:misspelt-headerless-file-listed",
            None,
            both(
                rename(HER, "brin6-heroverweging.csv"),
                edit_lines("brin6-heroverweging.csv", lambda ls: ls[1:]),
            ),
            "accept",
            skipped=under,
            unrecognised=("brin6-heroverweging.csv",),
        ),
        Mutation(
            "folder:only-vsv",
            None,
            remove(ADVIES, EIND, HER, WIDE19, WIDE23),
            "accept",
            skipped=under | attainment,
        ),
        Mutation(
            "folder:only-under-advice",
            None,
            remove(VSV, "vsv-per-swv-2015.csv", "vsv-per-swv-2025.csv", STATLINE),
            "accept",
            skipped=dropout,
        ),
        Mutation(
            "folder:only-school-vsv",
            None,
            remove(STATLINE),
            "accept",
            skipped=frozenset({("dropout", "gemeente"), ("dropout", "rmc")}),
        ),
        Mutation(
            "folder:no-outcome-files",
            None,
            remove(
                ADVIES,
                EIND,
                HER,
                WIDE19,
                WIDE23,
                REF23,
                REF24,
                "10.-leerlingen-bo-referentieniveaus-2022-2023.csv",
                VSV,
                "vsv-per-swv-2015.csv",
                "vsv-per-swv-2025.csv",
                STATLINE,
            ),
            "error",
            ("no outcome files",),
            names=("tiny",),
        ),
        Mutation(
            "folder:two-advice-files",
            ADVIES,
            lambda f: shutil.copy(f / ADVIES, f / "brin6_advies (1).csv"),
            "error",
            ("2 files",),
            names=(ADVIES, "brin6_advies (1).csv"),
        ),
        Mutation("folder:dangling-symlink", ADVIES, symlink_dangling, "error", ("file not found",)),
        Mutation("folder:symlink-to-folder", ADVIES, symlink_dir, "error", ("file not found",)),
        Mutation("folder:symlink-to-file", ADVIES, symlink_ok, "accept", same_data=True),
        Mutation("folder:eindscores-absent", EIND, remove(EIND), "accept", skipped=under),
    ]


def _current_format_cases() -> list[Mutation]:
    """Issue 21: today's wide 05.- and 10.- files, recognition, code columns, year gaps."""
    ref_row = find_line(REF24, INSTELLINGSCODE="04QN")
    e_row = find_line(E05, INSTELLINGSCODE="04QN")
    adv_row = find_line(ADVIES, ADVIES="HAVO")
    attainment = frozenset(("under_advice_attainment", lv) for lv in ("school", "pc4", "gemeente"))
    return [
        # code columns accept only their known values (item 5 of issue 21)
        Mutation(
            "advies:type-po-formula",
            ADVIES,
            set_cell(ADVIES, adv_row, "TYPE_PO", '=HYPERLINK("http://evil","x")'),
            "error",
            (f"row {adv_row}", "TYPE_PO", "unknown code"),
        ),
        Mutation(
            "ref:soort-po-unknown",
            REF24,
            set_cell(REF24, ref_row, "SOORT_PO", "Vo"),
            "error",
            (f"row {ref_row}", "SOORT_PO"),
        ),
        Mutation(
            "e05:soort-po-unknown",
            E05,
            set_cell(E05, e_row, "SOORT_PO", "=1+1"),
            "error",
            (f"row {e_row}", "SOORT_PO"),
        ),
        # a multi-year series with a year missing in the middle: said, with what it affects
        Mutation(
            "ref:middle-year-missing",
            REF23,
            remove(REF23),
            "accept",
            extra={
                "note": "no file for 2023-24 between 2022-23 and 2024-25. Affects under_advice_attainment"
            },
        ),
        Mutation(
            "vsv:middle-year-missing",
            VSV,
            both(
                lambda f: shutil.copy(f / VSV, f / "vsv-per-swv-2019.csv"),
                lambda f: shutil.copy(f / VSV, f / "vsv-per-swv-2021.csv"),
                remove(VSV, "vsv-per-swv-2015.csv", "vsv-per-swv-2025.csv"),
            ),
            "accept",
            extra={
                "note": "DUO VSV per school: no file for 2019-20 between 2018-19 and 2020-21. Affects dropout"
            },
        ),
        # names: with and without number prefix, API name, header only
        Mutation(
            "ref:name-without-prefix",
            REF24,
            rename(REF24, "leerlingen-bo-referentieniveaus-2024-2025.csv"),
            "accept",
        ),
        Mutation(
            "e05:name-without-dot",
            E05,
            rename(E05, "05-gemiddelde-eindscores-bo-sbo-2024-2025.csv"),
            "accept",
        ),
        Mutation(
            "ref:odd-name-recognised-by-header",
            REF24,
            rename(REF24, "download (3).csv"),
            "accept",
            extra={"note": "download (3).csv: recognised by its header"},
        ),
        Mutation(
            "ref:long-api-file-not-yet-readable",
            "brin6_referentieniveau.csv",
            write_bytes(
                "brin6_referentieniveau.csv",
                b"INSTELLINGSCODE;VESTIGINGSCODE;TYPE_PO;PEILJAAR;DOORSTROOMTOETS_PO;REFERENTIENIVEAU;"
                b"AANTAL_LEERLINGEN\r\n04QN;00;BO;2024;LIB;1F;5\r\n",
            ),
            "accept",
            extra={"note": "brin6_referentieniveau.csv: recognised, not yet readable"},
        ),
        Mutation(
            "ref:only-long-api-file",
            None,
            both(
                remove(REF23, REF24, "10.-leerlingen-bo-referentieniveaus-2022-2023.csv"),
                write_bytes(
                    "brin6_referentieniveau.csv",
                    b"INSTELLINGSCODE;VESTIGINGSCODE;TYPE_PO;PEILJAAR;DOORSTROOMTOETS_PO;REFERENTIENIVEAU;"
                    b"AANTAL_LEERLINGEN\r\n04QN;00;BO;2024;LIB;1F;5\r\n",
                ),
            ),
            "accept",
            skipped=attainment,
        ),
        # readers: years, providers, scales, text
        Mutation(
            "ref:peildatum-other-year-than-name",
            REF24,
            set_cell(REF24, ref_row, "PEILDATUM", "20231001"),
            "error",
            (f"row {ref_row}", "PEILDATUM", "2024-2025"),
        ),
        Mutation(
            "ref:count-not-a-number",
            REF24,
            set_cell(REF24, ref_row, "LV_2F", "veel"),
            "error",
            (f"row {ref_row}", "LV_2F"),
        ),
        Mutation(
            "e05:lib-mean-off-scale",
            E05,
            set_cell(E05, e_row, "LIB_GEM", "999,5"),
            "error",
            (f"row {e_row}", "LIB_GEM", "scale"),
        ),
        Mutation(
            "e05:unknown-provider-pair-read-and-said",
            E05,
            edit_lines(
                E05,
                lambda ls: [
                    ls[0] + ';"XYZ_AANTAL";"XYZ_GEM"',
                    *(ln + ';"0";"0,000000000000"' for ln in ls[1:]),
                ],
            ),
            "accept",
            extra={"note": "unknown test provider(s) XYZ"},
        ),
        Mutation(
            "e05:exempt-above-tested",
            E05,
            set_cell(E05, e_row, "ONTHEFFING_REDEN_ND", "40"),
            "accept",
        ),
        Mutation(
            "ref:mojibake-repaired-and-said",
            REF24,
            set_cell(REF24, ref_row, "GEMEENTENAAM", "FryslÃ¢n"),
            "accept",
            extra={"note": "'FryslÃ¢n' → 'Fryslân'"},
        ),
    ]


def all_mutations() -> list[Mutation]:
    out = [m for name, spec in CSV_FILES.items() for m in _generic_csv(name, spec)]
    out += _specific()
    out += _current_format_cases()
    ids = [m.id for m in out]
    assert len(ids) == len(set(ids)), "mutation ids must be unique"
    return out
