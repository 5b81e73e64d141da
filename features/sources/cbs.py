"""Readers for CBS files: achterstandsscores, StatLine CSV (84780NED VSV), regional context.

CBS marks secret or unavailable values as ``-99997``, ``.``, ``x`` or empty depending on the
table; all of them become NaN here, never 0.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from features.errors import DataError
from features.sources._csv import parse_count, parse_decimal, parse_year, read_published_csv
from features.sources._schema import unique_keys, validated

CBS_SECRET = -99997


def _read_excel(path: Path, sheet: str | int) -> pd.DataFrame:
    """CBS xlsx files carry style XML that openpyxl refuses; calamine reads the cells."""
    if not path.is_file():
        raise DataError(path, "file not found", expected="an existing .xlsx file")
    try:
        return pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine", dtype=object)
    except ValueError as exc:
        raise DataError(
            path, f"cannot read sheet {sheet!r}: {exc}", expected="an Excel workbook as CBS publishes it"
        ) from None
    except Exception as exc:  # calamine raises its own error types for non-xlsx content
        raise DataError(
            path,
            f"not a readable Excel workbook ({type(exc).__name__})",
            expected="an .xlsx file as CBS publishes it",
        ) from None


def _find_header_row(path: Path, grid: pd.DataFrame, first_cell: str) -> int:
    col0 = grid.iloc[:, 0].astype(str).str.strip()
    hits = np.flatnonzero(col0.str.startswith(first_cell).to_numpy())
    if not len(hits):
        raise DataError(
            path,
            f"no header row starting with {first_cell!r}",
            column=first_cell,
            expected="the CBS table layout (title rows, then the header)",
        )
    return int(hits[0])


def _numeric_cells(path: Path, values: pd.Series, column: str, first_row: int) -> pd.Series:
    s = values.astype(str).str.strip().replace({"nan": "", "None": ""})
    s.index = np.arange(len(s)) + first_row + 1  # 1-based spreadsheet row
    return parse_decimal(path, s, column, missing=("", ".", "x", "-99997", "-99 997"))


# ------------------------------------------------------------------------ achterstandsscores
ACHTERSTAND_SCHEMA = pa.DataFrameSchema(
    {
        "brin6": pa.Column(str, pa.Check.str_matches(r"^[0-9A-Z]{6}$"), unique=True),
        "n_funded_pupils": pa.Column(float, pa.Check.ge(0), nullable=True),
        "achterstandsscore": pa.Column(float, pa.Check.ge(0), nullable=True),
        "score_unreliable": pa.Column(bool),
    },
    report_duplicates="exclude_first",
)


def read_achterstandsscores(path: str | Path) -> pd.DataFrame:
    """CBS *Achterstandsscores per basisschoolvestiging* (sheet ``Tabel 1``).

    ``achterstandsscore``: expected educational disadvantage of the school's pupils (the OCW
    funding indicator; 0 = none above the threshold). ``score_unreliable`` is CBS's footnote
    ``a`` (based on ≤ 40 pupils). ``reference_year`` is the 1 October count date's year.
    """
    path = Path(path)
    grid = _read_excel(path, "Tabel 1")
    top = _find_header_row(path, grid, "School")
    title = " ".join(grid.iloc[:top, 0].dropna().astype(str))
    m = re.search(r"(20\d\d)", title)
    body = grid.iloc[top + 1 :]
    body = body[body.iloc[:, 0].astype(str).str.fullmatch(r"[0-9A-Z]{6}")]
    first = top + 1
    out = pd.DataFrame(
        {
            "brin6": body.iloc[:, 0].astype(str).to_numpy(),
            "n_funded_pupils": _numeric_cells(
                path, body.iloc[:, 1], "Aantal bekostigde leerlingen", first
            ).to_numpy(),
            "achterstandsscore": _numeric_cells(path, body.iloc[:, 2], "Achterstandsscore", first).to_numpy(),
            "score_unreliable": (body.iloc[:, 3].astype(str).str.strip() == "a").to_numpy()
            if body.shape[1] > 3
            else False,
        },
        index=pd.Index(body.index.to_numpy() + 1, name="line"),
    )
    out["reference_year"] = int(m.group(1)) if m else pd.NA
    if out.empty:
        raise DataError(
            path,
            "no school rows found under the header",
            column="School",
            expected="rows with a 6-character BRIN vestiging code",
        )
    return validated(out, ACHTERSTAND_SCHEMA, path)


# --------------------------------------------------------------------- StatLine CSV (84780NED)
STATLINE_VSV_SCHEMA = pa.DataFrameSchema(
    {
        "region_code": pa.Column(str),
        "school_year": pa.Column(int, pa.Check.in_range(2000, 2100)),
        "n_pupils": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "n_vsv": pa.Column("Int64", pa.Check.ge(0), nullable=True),
    },
    **unique_keys("region_code", "school_year", "sex"),
)

_SEX_CODES = {"T001038": "total", "3000": "male", "4000": "female"}


def read_statline_vsv(path: str | Path, *, gemeenten_only: bool = True) -> pd.DataFrame:
    """CBS StatLine CSV export of 84780NED *Voortijdig schoolverlaters; geslacht, woonregio*.

    One row per region of residence × school year × sex (``total``/``male``/``female``), with
    ``n_pupils`` (pupils aged 12–23 in education), ``n_vsv`` (new early school leavers) and
    ``vsv_pct`` as published. Topic columns are matched by name without StatLine's ``_1``
    suffixes. With ``gemeenten_only`` only ``GM`` regions are returned.
    """
    path = Path(path)
    raw = read_published_csv(
        path,
        ["GESLACHT", "REGIOS", "PERIODEN"],
        aliases={"REGIOS": ["REGIOKENMERKEN", "WOONREGIOS"]},
        all_columns=True,
    )
    topics = {re.sub(r"_\d+$", "", h): h for h in raw.columns}
    wanted = {
        "LEERLINGEN": "n_pupils",
        "VOORTIJDIGESCHOOLVERLATERS": "n_vsv",
        "VOORTIJDIGESCHOOLVERLATERS_PERCENTAGE": "vsv_pct",
    }
    alt = {"VOORTIJDIGESCHOOLVERLATERS_PERCENTAGE": ["VOORTIJDIGESCHOOLVERLATERSPERCENTAGE", "VSVPERCENTAGE"]}
    cols: dict[str, str] = {}
    for topic, name in wanted.items():
        found = next((topics[t] for t in [topic, *alt.get(topic, [])] if t in topics), None)
        if found is None and name != "vsv_pct":
            raise DataError(
                path,
                "a required topic column is missing",
                row=1,
                column=topic.title().replace("_", ""),
                expected="StatLine topics Leerlingen and VoortijdigeSchoolverlaters",
            )
        if found:
            cols[name] = found
    sex = raw["GESLACHT"].str.strip()
    out = pd.DataFrame(
        {
            "region_code": raw["REGIOS"].str.strip(),
            "school_year": parse_year(path, raw["PERIODEN"], "Perioden"),
            "sex": sex.map(_SEX_CODES).fillna(sex),
        },
        index=raw.index,
    )
    for name, col in cols.items():
        if name == "vsv_pct":
            out[name] = parse_decimal(path, raw[col], col)
        else:
            out[name], out[f"{name}_suppressed"] = parse_count(
                path, raw[col].replace({".": "", "x": ""}), col
            )
    if gemeenten_only:
        out = out[out["region_code"].str.startswith("GM")]
    out = validated(out, STATLINE_VSV_SCHEMA, path)
    return out.rename(columns={"region_code": "gemeente_code"}) if gemeenten_only else out


# --------------------------------------------------------------------- gemeente context (JSON)
def _load_json(path: Path) -> object:
    if not path.is_file():
        raise DataError(path, "file not found", expected="an existing JSON file")
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(path, f"not valid JSON: {exc}", expected="UTF-8 JSON") from None


KERNCIJFERS_FIELDS: dict[str, tuple[str, str]] = {
    "population": ("", "Population"),
    "pct_non_western": ("Demographics", "Non-Western background (%)"),
    "pct_western": ("Demographics", "Western background (%)"),
    "pct_low_income": ("Inequality", "Low income threshold (%)"),
    "pct_social_minimum": ("Inequality", "At-or-below social minimum (%)"),
    "bijstand_per_1k": ("Inequality", "Bijstand recipients (per 1k)"),
    "pct_youth_care": ("Inequality", "Youth welfare (%)"),
    "pct_low_education": ("HumanCapital", "Low education (%)"),
    "pct_high_education": ("HumanCapital", "High education (%)"),
    "avg_income_k": ("IncomeWealth", "Avg income per inhabitant (x€1k)"),
    "urbanity": ("Services", "Degree of urbanisation (1–5)"),
    "land_area_km2": ("Environment", "Land area (km²)"),
}
"""Canonical name → (group, published key) in the CBS kerncijfers JSON (``nl_data.json``)."""


def read_gemeente_kerncijfers(path: str | Path) -> pd.DataFrame:
    """CBS *Kerncijfers wijken en buurten* per gemeente as JSON (``nl_data.json``, 2021 codes).

    One row per gemeente. ``urbanity`` is CBS *stedelijkheid* 1 (very strongly urban) … 5
    (not urban). Percentages are of inhabitants (education: of 15–75 year-olds).
    """
    path = Path(path)
    doc = _load_json(path)
    if not isinstance(doc, dict) or "Gemeente" not in doc:
        raise DataError(
            path,
            "no 'Gemeente' object at the top level",
            column="Gemeente",
            expected='{"Gemeente": {"GM0363": {...}}, ...}',
        )
    rows = []
    for code, rec in doc["Gemeente"].items():
        if not re.fullmatch(r"GM\d{4}", code):
            raise DataError(
                path,
                "a gemeente key is not a CBS code",
                column="Gemeente",
                value=code,
                expected="GM followed by 4 digits",
            )
        row: dict[str, object] = {
            "gemeente_code": code,
            "gemeente_name": rec.get("Naam"),
            "province": rec.get("Provincie"),
        }
        for name, (group, key) in KERNCIJFERS_FIELDS.items():
            v = rec.get(key) if not group else (rec.get(group) or {}).get(key)
            if v is not None and not isinstance(v, int | float):
                raise DataError(
                    path,
                    "value is not a number",
                    column=f"{code}.{group}.{key}",
                    value=v,
                    expected="a number or null",
                )
            row[name] = np.nan if v is None else float(v)
        rows.append(row)
    out = pd.DataFrame(rows)
    out["reference_year"] = 2021
    return out


def read_gemeente_geojson(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """CBS/PDOK gemeente boundaries (GeoJSON, WGS84) with their properties.

    Returns ``(properties, feature_collection)``: one row per gemeente with ``gemeente_code``,
    ``gemeente_name``, ``boundary_year`` and, where the file carries them (the 2023 kerncijfers
    map), ``pct_born_outside_europe`` and ``address_density``; plus the collection itself with
    ``id`` set to the gemeente code, ready for a choropleth.
    """
    path = Path(path)
    doc = _load_json(path)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise DataError(
            path,
            "not a GeoJSON FeatureCollection",
            column="type",
            value=doc.get("type") if isinstance(doc, dict) else None,
            expected="FeatureCollection",
        )
    rows = []
    for i, feat in enumerate(doc.get("features", [])):
        p = feat.get("properties") or {}
        code = p.get("gemeentecode") or p.get("statcode")
        if not code or not re.fullmatch(r"GM\d{4}", str(code)):
            raise DataError(
                path,
                "a feature has no gemeente code",
                row=i + 1,
                column="properties.gemeentecode/statcode",
                value=code,
                expected="GM followed by 4 digits",
            )
        year = p.get("jaar") or str(p.get("jrstatcode", ""))[:4] or None
        rows.append(
            {
                "gemeente_code": code,
                "gemeente_name": p.get("gemeentenaam") or p.get("statnaam"),
                "boundary_year": int(year) if year else pd.NA,
                "pct_born_outside_europe": p.get("percentageMetHerkomstlandBuitenEuropa", np.nan),
                "address_density": p.get("omgevingsadressendichtheid", np.nan),
            }
        )
        feat["id"] = code
    props = pd.DataFrame(rows)
    if props["gemeente_code"].duplicated().any():
        dup = props.loc[props["gemeente_code"].duplicated(), "gemeente_code"].iloc[0]
        raise DataError(
            path,
            "a gemeente appears twice",
            column="gemeentecode",
            value=dup,
            expected="one feature per gemeente",
        )
    return props, doc


# ---------------------------------------------------------------------------- PC4 figures
PC4_COLUMNS: dict[str, tuple[str, ...]] = {
    "population": ("Totaal",),
    "pct_dutch_origin": ("Geboren in Nederland met een Nederlandse herkomst",),
    "pct_born_nl_non_european": ("Geboren in Nederland met herkomst buiten Europa",),
    "pct_born_abroad_non_european": ("Geboren buiten Nederland met een herkomst buiten Europa",),
    "woz_k": ("WOZ-waarde",),
    "n_benefits": ("Personen met WW, Bijstand en/of AO",),
    "urbanity": ("Stedelijkheid",),
}


def read_pc4_kerncijfers(path: str | Path) -> pd.DataFrame:
    """CBS *Kerncijfers per postcode-4* xlsx (header under title rows; ``-99997`` = secret).

    One row per PC4 with population, origin shares, WOZ (k€), persons on benefits and
    ``urbanity`` (1–5). Columns are found by their published labels, not by position, because
    the layout differs between years (2023: 133 columns, 2024: 37).
    """
    path = Path(path)
    grid = _read_excel(path, 0)
    top = _find_header_row(path, grid, "Postcode-4")
    labels = [
        " ".join(str(grid.iat[r, c]) for r in range(max(0, top - 1), top + 1) if str(grid.iat[r, c]) != "nan")
        for c in range(grid.shape[1])
    ]
    labels = [re.sub(r"\s+", " ", x) for x in labels]
    title = " ".join(grid.iloc[:top, 0].dropna().astype(str))
    m = re.search(r"peildatum 1 januari (20\d\d)", title)
    body = grid.iloc[top + 2 :]
    body = body[body.iloc[:, 0].astype(str).str.fullmatch(r"\d{4}(\.0)?")]
    out = pd.DataFrame({"pc4": body.iloc[:, 0].astype(str).str[:4].to_numpy()})
    for name, needles in PC4_COLUMNS.items():
        idx = next(
            (
                i
                for i, lab in enumerate(labels)
                if i > 0 and any(lab.endswith(n) or lab.startswith(n) or n in lab for n in needles)
            ),
            None,
        )
        if idx is None:
            if name in ("woz_k", "n_benefits"):
                out[name] = np.nan
                continue
            raise DataError(
                path,
                "a column is missing",
                row=top + 1,
                column=needles[0],
                expected="the CBS PC4 kerncijfers layout",
            )
        out[name] = _numeric_cells(path, body.iloc[:, idx], needles[0], top + 2).to_numpy()
    out["pct_non_european"] = out["pct_born_nl_non_european"] + out["pct_born_abroad_non_european"]
    out["reference_year"] = int(m.group(1)) if m else pd.NA
    return out


SES_SCHEMA = pa.DataFrameSchema(
    {"pc4": pa.Column(str, pa.Check.str_matches(r"^\d{4}$")), "year": pa.Column(int)},
    **unique_keys("pc4", "year"),
)


def read_ses_pc4(path: str | Path) -> pd.DataFrame:
    """CBS SES-WOA score per PC4 (``SES_PC4_2021-2022.csv``; decimal comma).

    ``ses_total`` is the standardised socio-economic status of households (welfare + labour);
    negative = below the national average.
    """
    path = Path(path)
    raw = read_published_csv(
        path,
        [
            "SES_VERSLAGJAAR",
            "SES_PC4",
            "SES_AANTAL_HUISHOUDENS",
            "SES_DEELSCORE_WELVAART",
            "SES_DEELSCORE_ARBEID",
            "SES_TOTAALSCORE",
        ],
    )
    out = pd.DataFrame(
        {
            "pc4": raw["SES_PC4"].str.zfill(4),
            "year": parse_year(path, raw["SES_VERSLAGJAAR"], "SES_Verslagjaar"),
        },
        index=raw.index,
    )
    out["n_households"], _ = parse_count(
        path, raw["SES_AANTAL_HUISHOUDENS"], "SES_Aantal_huishoudens", empty_is_suppressed=False
    )
    for src, dst in [
        ("SES_DEELSCORE_WELVAART", "ses_welfare"),
        ("SES_DEELSCORE_ARBEID", "ses_labour"),
        ("SES_TOTAALSCORE", "ses_total"),
    ]:
        out[dst] = parse_decimal(path, raw[src], src, missing=("", "NA", "."))
    return validated(out, SES_SCHEMA, path)
