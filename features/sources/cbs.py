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
from features.sources._checks import (
    MAX_GEMEENTE_PUPILS,
    MAX_HOUSEHOLDS_PC4,
    MAX_NATIONAL_PUPILS,
    MAX_POPULATION,
    Problems,
    bounds,
    check_counts,
)
from features.sources._csv import parse_count, parse_decimal, parse_year, read_published_csv
from features.sources._schema import unique_keys, validated


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


def _numeric_cells(
    path: Path, values: pd.Series, column: str, lines: pd.Index, problems: Problems | None = None
) -> pd.Series:
    """Cells of one column as numbers; ``lines`` are the 1-based spreadsheet rows (for messages)."""
    s = values.astype(str).str.strip().replace({"nan": "", "None": ""})
    s.index = lines
    return parse_decimal(path, s, column, missing=("", ".", "x", "-99997", "-99 997"), problems=problems)


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
    if grid.shape[1] < 3:
        raise DataError(
            path,
            f"the sheet has {grid.shape[1]} column(s)",
            row=top + 1,
            expected="columns School, Aantal bekostigde leerlingen, Achterstandsscore (and a footnote)",
        )
    title = " ".join(grid.iloc[:top, 0].dropna().astype(str))
    m = re.search(r"(20\d\d)", title)
    body = grid.iloc[top + 1 :]
    body = body[body.iloc[:, 0].astype(str).str.fullmatch(r"[0-9A-Z]{6}")]
    problems = Problems(path)
    lines = pd.Index(body.index.to_numpy() + 1, name="line")
    funded = _numeric_cells(path, body.iloc[:, 1], "Aantal bekostigde leerlingen", lines, problems)
    score = _numeric_cells(path, body.iloc[:, 2], "Achterstandsscore", lines, problems)
    check_counts(problems, funded, "Aantal bekostigde leerlingen", MAX_ACHTERSTAND_PUPILS)
    problems.flag(
        (score < 0) | (score > funded.fillna(np.inf) * MAX_ACHTERSTAND_PER_PUPIL),
        "achterstandsscore out of range",
        "Achterstandsscore",
        score,
        f"0 … {MAX_ACHTERSTAND_PER_PUPIL} per funded pupil (the score sums pupils' expected disadvantage)",
    )
    out = pd.DataFrame(
        {
            "brin6": body.iloc[:, 0].astype(str).to_numpy(),
            "n_funded_pupils": funded.to_numpy(),
            "achterstandsscore": score.to_numpy(),
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
    return validated(out, ACHTERSTAND_SCHEMA, path, problems, {"brin6": "School"})


MAX_ACHTERSTAND_PUPILS = 5_000
"""Funded pupils of one PO school location (the largest have about 1,800)."""
MAX_ACHTERSTAND_PER_PUPIL = 10
"""The CBS score adds up pupils' expected disadvantage; per pupil it stays far below 10
(the real 2019 maximum is about 5 per funded pupil)."""


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
    problems = Problems(path)
    sex = raw["GESLACHT"].str.strip()
    problems.flag(
        ~sex.isin(_SEX_CODES),
        "unknown code",
        "Geslacht",
        raw["GESLACHT"],
        "a StatLine Geslacht code: " + ", ".join(f"{k} ({v})" for k, v in _SEX_CODES.items()),
    )
    region = raw["REGIOS"].str.strip()
    problems.flag(
        ~region.str.fullmatch(r"(GM|NL|PV|LD|CR|RM|RE)\d{2,4}"),
        "value cannot be read",
        "RegioS",
        raw["REGIOS"],
        "a StatLine region code such as GM0363 or NL01",
    )
    out = pd.DataFrame(
        {
            "region_code": region,
            "school_year": parse_year(path, raw["PERIODEN"], "Perioden", problems),
            "sex": sex.map(_SEX_CODES).fillna("unknown"),
        },
        index=raw.index,
    )
    for name, col in cols.items():
        if name == "vsv_pct":
            out[name] = parse_decimal(path, raw[col], col, problems=problems)
            problems.flag(
                (out[name] < 0) | (out[name] > 100), "percentage out of range", col, raw[col], "0 … 100"
            )
        else:
            out[name], out[f"{name}_suppressed"] = parse_count(
                path, raw[col].replace({".": "", "x": ""}), col, problems=problems
            )
            gm = out["region_code"].str.startswith("GM")
            check_counts(problems, out[name].where(gm), col, MAX_GEMEENTE_PUPILS)
            check_counts(problems, out[name].where(~gm), col, MAX_NATIONAL_PUPILS)
    events_lo = bounds(out["n_vsv"], out["n_vsv_suppressed"])[0]
    pupils_hi = bounds(out["n_pupils"], out["n_pupils_suppressed"])[1]
    problems.flag(
        events_lo > pupils_hi,
        "more early school leavers than pupils",
        cols["n_vsv"],
        raw[cols["n_vsv"]],
        f"{cols['n_vsv']} no larger than {cols['n_pupils']}",
    )
    problems.raise_if_any()
    out = validated(
        out, STATLINE_VSV_SCHEMA, path, problems, {"region_code": "RegioS", "school_year": "Perioden"}
    )
    if gemeenten_only:
        out = out[out["region_code"].str.startswith("GM")]
    if out.empty:
        raise DataError(
            path,
            "no gemeente rows (RegioS codes GM….)" if gemeenten_only else "no data rows",
            column="RegioS",
            expected="rows per gemeente of residence, as exported from StatLine 84780NED",
        )
    return out.rename(columns={"region_code": "gemeente_code"}) if gemeenten_only else out


# --------------------------------------------------------------------- gemeente context (JSON)
def _load_json(path: Path) -> object:
    if not path.is_file():
        raise DataError(path, "file not found", expected="an existing JSON file")
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(path, f"not valid JSON: {exc}", expected="UTF-8 JSON") from None
    except RecursionError:
        raise DataError(
            path,
            "the JSON is nested far too deeply to be a CBS file",
            expected="UTF-8 JSON as CBS publishes it",
        ) from None


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
    if not isinstance(doc, dict) or not isinstance(doc.get("Gemeente"), dict) or not doc["Gemeente"]:
        raise DataError(
            path,
            "no non-empty 'Gemeente' object at the top level",
            column="Gemeente",
            value=type(doc.get("Gemeente")).__name__ if isinstance(doc, dict) else type(doc).__name__,
            expected='{"Gemeente": {"GM0363": {...}}, ...}',
        )
    problems = Problems(path)
    rows = []
    for code, rec in doc["Gemeente"].items():
        if not re.fullmatch(r"GM\d{4}", code):
            problems.add(
                "a gemeente key is not a CBS code", column="Gemeente", value=code, expected="GM + 4 digits"
            )
            continue
        if not isinstance(rec, dict):
            problems.add(
                "a gemeente record is not an object",
                column=f"Gemeente.{code}",
                value=type(rec).__name__,
                expected='{"Naam": ..., "Population": ..., "Demographics": {...}, ...}',
            )
            continue
        row: dict[str, object] = {
            "gemeente_code": code,
            "gemeente_name": rec.get("Naam") if isinstance(rec.get("Naam"), str) else None,
            "province": rec.get("Provincie") if isinstance(rec.get("Provincie"), str) else None,
        }
        for name, (group, key) in KERNCIJFERS_FIELDS.items():
            holder = rec if not group else rec.get(group)
            if holder is None:
                holder = {}
            if not isinstance(holder, dict):
                problems.add(
                    "a group of figures is not an object",
                    column=f"{code}.{group}",
                    value=type(holder).__name__,
                    expected="an object of named figures",
                )
                holder = {}
            v = holder.get(key)
            low, high = KERNCIJFERS_RANGES.get(name, (0, np.inf))
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                problems.add(
                    "value is not a number",
                    column=f"{code}.{group}.{key}",
                    value=v,
                    expected="a number or null",
                )
                v = None
            elif v is not None and not low <= v <= high:
                problems.add(
                    "value out of range",
                    column=f"{code}.{group}.{key}",
                    value=v,
                    expected=f"{low:,} … {high:,}",
                )
                v = None
            row[name] = np.nan if v is None else float(v)
        rows.append(row)
    problems.raise_if_any()
    out = pd.DataFrame(rows)
    if out["population"].isna().all():
        raise DataError(
            path,
            "no gemeente has a population figure",
            column="Population",
            expected="inhabitants per gemeente",
        )
    out["reference_year"] = 2021
    return out


KERNCIJFERS_RANGES: dict[str, tuple[float, float]] = {
    "population": (0, MAX_POPULATION),
    "urbanity": (1, 5),
    "bijstand_per_1k": (0, 1000),
    "avg_income_k": (0, 1000),
    "land_area_km2": (0, 2_000),
    **{name: (0, 100) for name in KERNCIJFERS_FIELDS if name.startswith("pct_")},
}
"""Plausible range per kerncijfer: percentages 0–100, stedelijkheid 1–5, no negative counts."""


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
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise DataError(
            path,
            "'features' is not a non-empty list",
            column="features",
            value=type(features).__name__,
            expected="a list of gemeente features",
        )
    problems = Problems(path)
    rows = []
    for i, feat in enumerate(features):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            problems.add(
                "an entry is not a GeoJSON Feature", row=i + 1, column="features", expected="Feature"
            )
            continue
        p = feat.get("properties")
        if not isinstance(p, dict):
            problems.add(
                "a feature has no properties object", row=i + 1, column="properties", expected="{...}"
            )
            continue
        code = p.get("gemeentecode") or p.get("statcode")
        if not code or not re.fullmatch(r"GM\d{4}", str(code)):
            problems.add(
                "a feature has no gemeente code",
                row=i + 1,
                column="properties.gemeentecode/statcode",
                value=code,
                expected="GM followed by 4 digits",
            )
            continue
        geometry = feat.get("geometry")
        if not _valid_geometry(geometry):
            problems.add(
                "a feature has no usable geometry",
                row=i + 1,
                column="geometry",
                value=code,
                expected="a Polygon or MultiPolygon with coordinates (WGS84)",
            )
        year = p.get("jaar") or str(p.get("jrstatcode", ""))[:4] or None
        if year is not None and not re.fullmatch(r"(19|20)\d\d", str(year)):
            problems.add(
                "value cannot be read", row=i + 1, column="properties.jaar", value=year, expected="a year"
            )
            year = None
        extra = {}
        for name, key in (
            ("pct_born_outside_europe", "percentageMetHerkomstlandBuitenEuropa"),
            ("address_density", "omgevingsadressendichtheid"),
        ):
            v = p.get(key)
            top = 100 if name.startswith("pct_") else np.inf
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= top):
                problems.add(
                    "value out of range",
                    row=i + 1,
                    column=f"properties.{key}",
                    value=v,
                    expected="a number from 0" + (" to 100" if top == 100 else ""),
                )
                v = None
            extra[name] = np.nan if v is None else float(v)
        rows.append(
            {
                "gemeente_code": code,
                "gemeente_name": p.get("gemeentenaam") or p.get("statnaam"),
                "boundary_year": int(year) if year else pd.NA,
                **extra,
            }
        )
        feat["id"] = code
    problems.raise_if_any()
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


def _valid_geometry(geometry: object) -> bool:
    """A (Multi)Polygon whose first ring holds at least three [lon, lat] pairs."""
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return False
    coords = geometry.get("coordinates")
    depth = 3 if geometry["type"] == "Polygon" else 4
    try:
        ring = coords
        for _ in range(depth - 2):
            ring = ring[0]
        return len(ring) >= 3 and all(
            isinstance(pt, list) and len(pt) >= 2 and all(isinstance(c, int | float) for c in pt[:2])
            for pt in ring
        )
    except (TypeError, IndexError, KeyError):
        return False


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
    if body.empty:
        raise DataError(
            path, "no postcode rows found under the header", column="Postcode-4", expected="rows per PC4"
        )
    problems = Problems(path)
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
        out[name] = _numeric_cells(
            path, body.iloc[:, idx], needles[0], pd.Index(body.index.to_numpy() + 1), problems
        ).to_numpy()
    out["pct_non_european"] = out["pct_born_nl_non_european"] + out["pct_born_abroad_non_european"]
    out["reference_year"] = int(m.group(1)) if m else pd.NA
    out.index = pd.Index(body.index.to_numpy() + 1, name="line")
    _check_ranges(problems, out, _PC4_RANGES)
    problems.raise_if_any()
    return out.reset_index(drop=True)


_PC4_RANGES = {
    "population": (0, 200_000),
    "pct_dutch_origin": (0, 100),
    "pct_born_nl_non_european": (0, 100),
    "pct_born_abroad_non_european": (0, 100),
    "urbanity": (1, 5),
    "woz_k": (0, 10_000),
    "n_benefits": (0, 200_000),
}


def _check_ranges(problems: Problems, frame: pd.DataFrame, ranges: dict[str, tuple[float, float]]) -> None:
    """Each numeric column within its plausible range (percentages 0–100, urbanity 1–5 …)."""
    for col, (low, high) in ranges.items():
        if col in frame:
            v = pd.to_numeric(frame[col], errors="coerce")
            problems.flag(
                v.notna() & ((v < low) | (v > high)),
                "value out of range",
                col,
                frame[col],
                f"a value from {low:,} to {high:,}",
            )


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
    problems = Problems(path)
    out = pd.DataFrame(
        {
            "pc4": raw["SES_PC4"].str.zfill(4),
            "year": parse_year(path, raw["SES_VERSLAGJAAR"], "SES_Verslagjaar", problems),
        },
        index=raw.index,
    )
    out["n_households"], _ = parse_count(
        path,
        raw["SES_AANTAL_HUISHOUDENS"],
        "SES_Aantal_huishoudens",
        empty_is_suppressed=False,
        problems=problems,
    )
    check_counts(problems, out["n_households"], "SES_Aantal_huishoudens", MAX_HOUSEHOLDS_PC4, "households")
    for src, dst in [
        ("SES_DEELSCORE_WELVAART", "ses_welfare"),
        ("SES_DEELSCORE_ARBEID", "ses_labour"),
        ("SES_TOTAALSCORE", "ses_total"),
    ]:
        out[dst] = parse_decimal(path, raw[src], src, missing=("", "NA", "."), problems=problems)
        problems.flag(
            out[dst].abs() > 5,
            "SES score out of range",
            src,
            raw[src],
            "a standardised score between -5 and 5",
        )
    return validated(out, SES_SCHEMA, path, problems, {"pc4": "SES_PC4", "year": "SES_Verslagjaar"})
