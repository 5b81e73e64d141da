"""Readers for DUO open-data files on primary education, school registers and VSV.

Each reader is ``path -> DataFrame`` with canonical English snake_case columns. Published Dutch
column names appear only here. Index = the line number in the file (for error messages).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from features.advice import ADVICE_CODES, normalise_advice_label
from features.errors import DataError
from features.sources._checks import MAX_PO_COHORT, MAX_VO_SCHOOL, Problems, bounds, check_counts
from features.sources._csv import (
    brin6,
    check_file_year,
    check_school_year,
    gemeente_code,
    parse_choice,
    parse_count,
    parse_decimal,
    parse_year,
    read_published_csv,
)
from features.sources._notes import note
from features.sources._schema import unique_keys, validated
from features.vocabulary import denomination_name

TEST_PROVIDERS: tuple[str, ...] = ("CET", "IEP", "ROUTE8", "DIA", "AMN", "DOE", "LIB", "DOORSTROOMTOETS")
"""Test providers the wide files are known to carry (``{P}_AANTAL`` / ``{P}_GEM``): CET … AMN up
to 2022-23, from 2023-24 the doorstroomtoetsen IEP, ROUTE8, DIA, AMN, DOE and LIB (2024-25
file). Any other ``X_AANTAL``/``X_GEM`` pair is read as a provider too and reported."""

SCHOOL_TYPES: tuple[str, ...] = ("BO", "SBO")
"""``TYPE_PO`` / ``SOORT_PO`` codes of primary schools (case as published varies: ``Bo``, ``BO``)."""

TEST_SCALES: dict[str, tuple[float, float]] = {
    "CET": (501.0, 550.0),
    "IEP": (50.0, 100.0),
    "ROUTE8": (100.0, 300.0),
    "DIA": (200.0, 400.0),
    "AMN": (100.0, 600.0),
    "DOE": (100.0, 400.0),
    "LIB": (100.0, 300.0),
    "DOORSTROOMTOETS": (50.0, 600.0),
    "LEERLINGINBEELD": (50.0, 600.0),
    "IEPDOORSTROOMTOETS": (50.0, 600.0),
    "DIADOORSTROOMTOETS": (50.0, 600.0),
    "AMNDOORSTROOMTOETS": (50.0, 600.0),
    "ROUTE8DOORSTROOMTOETS": (50.0, 600.0),
}
"""Accepted test names (upper case, no spaces) → the range a school's mean score can take.

Eindtoets scales as published (CET 501–550, IEP 50–100, Route 8 and DIA on their own scales);
AMN is widened to 600 because the real 2018-19 file has school means up to 458. The
doorstroomtoetsen (2023-24 on) are accepted on a wide range until DUO documents their scales;
DOE and LIB (new in the 2024-25 file, school means 222 and 172–174 in the sample) on ranges
around what was seen (100–400, 100–300): plausibility, not the publisher's scale. A provider
not listed here is read without a range check and reported.
A mean outside its test's range (99999, a negative score, a CET score under IEP) is an error."""

_SCHOOL_ID_ALIASES = {"BRIN_NUMMER": ["INSTELLINGSCODE"], "VESTIGINGSNUMMER": ["VESTIGINGSCODE"]}

HEROVERWEGING_CATEGORIES: dict[str, str] = {
    "TOETSADVIES HOGER DAN SCHOOLADVIES": "eligible",
    "IN AANMERKING VOOR HEROVERWEGING": "eligible",
    "SCHOOLADVIES BIJGESTELD": "raised",
    "ADVIES BIJGESTELD": "raised",
    "TOETSADVIES GELIJK AAN SCHOOLADVIES": "equal",
    "TOETSADVIES LAGER DAN SCHOOLADVIES": "lower",
    "GEEN TOETSADVIES": "no_test",
}
"""``TOETSEN_EN_ADVIEZEN`` labels → canonical categories. *eligible*: test advice above the
school advice (eligible for reconsideration); *raised*: of those, advice actually raised."""


def _count_nonneg(nullable: bool = True) -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(0), nullable=nullable)


def _pc4(postcode: pd.Series) -> pd.Series:
    return postcode.str.replace(" ", "", regex=False).str[:4].where(postcode.str.match(r"^\s*\d{4}"), pd.NA)


def _check_scale(problems: Problems, means: pd.Series, test: object, column: str, shown: pd.Series) -> None:
    """A school's mean score must lie on its test's scale (:data:`TEST_SCALES`)."""
    if isinstance(test, str):
        low, high = TEST_SCALES.get(test, (-np.inf, np.inf))
        lo, hi = pd.Series(low, index=means.index), pd.Series(high, index=means.index)
    else:
        scale = test.map(TEST_SCALES)
        lo = scale.map(lambda x: x[0] if isinstance(x, tuple) else -np.inf)
        hi = scale.map(lambda x: x[1] if isinstance(x, tuple) else np.inf)
    bad = means.notna() & ((means < lo) | (means > hi))
    problems.flag(
        bad,
        "mean score outside the test's scale",
        column,
        shown,
        "a mean on the provider's own scale (TEST_SCALES in features/sources/duo.py, e.g. CET 501–550)",
    )


# --------------------------------------------------------------------------- eindscores (wide)
EINDSCORES_WIDE_SCHEMA = pa.DataFrameSchema(
    {
        "brin6": pa.Column(str, pa.Check.str_length(6, 6)),
        "school_year": pa.Column(int, pa.Check.in_range(2000, 2100)),
        "gemeente_code": pa.Column(str, pa.Check.str_matches(r"^GM\d{4}$")),
        "n_grade8": _count_nonneg(),
    },
    **unique_keys("brin6", "school_year"),
)


def _check_school_type(problems: Problems, raw: pd.Series, column: str) -> None:
    """``TYPE_PO`` / ``SOORT_PO`` is a code column: only primary-school types are accepted."""
    problems.flag(
        ~raw.str.strip().str.upper().isin(SCHOOL_TYPES),
        "unknown code",
        column,
        raw,
        "one of " + ", ".join(SCHOOL_TYPES) + " (any case)",
    )


_PROVIDER_PAIR = re.compile(r"^([A-Z0-9]+)_AANTAL$")


def _provider_pairs(path: Path, columns: list[str]) -> list[str]:
    """Providers with both ``X_AANTAL`` and ``X_GEM`` in the header; unknown ones are reported."""
    found = [m.group(1) for c in columns if (m := _PROVIDER_PAIR.match(c)) and f"{m.group(1)}_GEM" in columns]
    unknown = [p for p in found if p not in TEST_SCALES]
    if unknown:
        note(
            path,
            "unknown test provider(s) "
            + ", ".join(unknown)
            + " read as their own provider (standardised within provider; no scale check): "
            "add them to TEST_SCALES in features/sources/duo.py when DUO documents their scale",
        )
    return found


def read_eindscores_wide(path: str | Path) -> pd.DataFrame:
    """DUO *Gemiddelde eindscores per vestiging* (wide, one row per school).

    Both editions: 2018-19 (``PRIKDATUM_SCORES``, ``LEERJAAR_8``, CET … AMN) and the current
    ``05.-gemiddelde-eindscores-bo-sbo-YYYY-YYYY.csv`` (``PRIKDATUM``, no ``LEERJAAR_8``,
    doorstroomtoetsen incl. DOE and LIB, every field quoted, an unquoted ``NA`` mean over ``<5``
    pupils, ``0,000…`` over 0 pupils).

    Returns one row per school with ``{provider}_n`` (``Int64``, pupils tested with that
    provider; a ``<5`` cell is 0 here and flagged in ``{provider}_suppressed``) and
    ``{provider}_mean`` (``float``, mean score on the provider's own scale; NaN when nobody or
    fewer than 5 took that test). ``n_exempt`` is ``ONTHEFFING_REDEN_ND`` where published.
    ``school_year`` is derived from PEILDATUM_LEERLINGEN (``20190417`` → 2018, i.e. 2018-19).
    ``gemeente_code`` is the code *as published* in that year; harmonise with
    :func:`features.sources.harmonise_gemeente`.
    """
    path = Path(path)
    base = [
        "PEILDATUM_LEERLINGEN",
        "BRIN_NUMMER",
        "VESTIGINGSNUMMER",
        "INSTELLINGSNAAM_VESTIGING",
        "POSTCODE_VESTIGING",
        "GEMEENTENUMMER",
        "GEMEENTENAAM",
        "PROVINCIE",
        "SOORT_PO",
        "DENOMINATIE_VESTIGING",
    ]
    raw = read_published_csv(path, base, aliases=_SCHOOL_ID_ALIASES, all_columns=True)
    providers = _provider_pairs(path, list(raw.columns))
    if not providers:
        raise DataError(
            path,
            "no test-provider columns found",
            row=1,
            column="CET_AANTAL",
            expected="columns such as CET_AANTAL/CET_GEM, IEP_AANTAL/IEP_GEM",
        )
    problems = Problems(path)
    peil = raw["PEILDATUM_LEERLINGEN"]
    date = pd.to_datetime(peil.where(peil.str.fullmatch(r"\d{8}")), format="%Y%m%d", errors="coerce")
    problems.flag(
        date.isna(), "value cannot be read", "PEILDATUM_LEERLINGEN", peil, "a real date written YYYYMMDD"
    )
    year = (date.dt.year - (date.dt.month < 8).astype(int)).fillna(-1).astype(int)
    check_school_year(path, year.where(date.notna()), "PEILDATUM_LEERLINGEN", peil, problems)
    _check_school_type(problems, raw["SOORT_PO"], "SOORT_PO")
    grade8 = raw["LEERJAAR_8"] if "LEERJAAR_8" in raw else pd.Series("", index=raw.index)
    out = pd.DataFrame(
        {
            "brin6": brin6(path, raw["BRIN_NUMMER"], raw["VESTIGINGSNUMMER"], "VESTIGINGSNUMMER", problems),
            "school_year": year,
            "school_name": raw["INSTELLINGSNAAM_VESTIGING"],
            "postcode": raw["POSTCODE_VESTIGING"].str.replace(" ", "", regex=False),
            "gemeente_code": gemeente_code(path, raw["GEMEENTENUMMER"], "GEMEENTENUMMER", problems),
            "gemeente_name": raw["GEMEENTENAAM"],
            "province": raw["PROVINCIE"],
            "school_type": raw["SOORT_PO"].str.title(),
            "denomination": raw["DENOMINATIE_VESTIGING"].map(denomination_name),
            "n_grade8": parse_count(path, grade8, "LEERJAAR_8", problems=problems)[0],
        },
        index=raw.index,
    )
    check_counts(problems, out["n_grade8"], "LEERJAAR_8", MAX_PO_COHORT)
    if "ONTHEFFING_REDEN_ND" in raw:
        out["n_exempt"], out["n_exempt_suppressed"] = parse_count(
            path,
            raw["ONTHEFFING_REDEN_ND"],
            "ONTHEFFING_REDEN_ND",
            empty_is_suppressed=False,
            problems=problems,
        )
        check_counts(problems, out["n_exempt"], "ONTHEFFING_REDEN_ND", MAX_PO_COHORT)
    out["pc4"] = _pc4(out["postcode"])
    for p in providers:
        n, suppressed = parse_count(
            path, raw[f"{p}_AANTAL"], f"{p}_AANTAL", empty_is_suppressed=False, problems=problems
        )
        check_counts(problems, n, f"{p}_AANTAL", MAX_PO_COHORT)
        out[f"{p.lower()}_n"] = n.fillna(0)
        out[f"{p.lower()}_suppressed"] = suppressed
        mean = parse_decimal(path, raw[f"{p}_GEM"], f"{p}_GEM", missing=_MEAN_MISSING, problems=problems)
        nobody = n.fillna(0).eq(0) & ~suppressed & mean.fillna(0).eq(0)
        out[f"{p.lower()}_mean"] = mean.where(~nobody.to_numpy())  # 0,000… over 0 pupils = no mean
        _check_scale(problems, out[f"{p.lower()}_mean"], p, f"{p}_GEM", raw[f"{p}_GEM"])
    return validated(out, EINDSCORES_WIDE_SCHEMA, path, problems, {"n_grade8": "LEERJAAR_8"})


_MEAN_MISSING = ("", ".", "x", "-99997", "NA")
"""A mean DUO does not publish: empty, or ``NA`` over fewer than 5 pupils (current files)."""


def eindscores_long(wide: pd.DataFrame) -> pd.DataFrame:
    """Wide eindscores → one row per school × year × provider (tested pupils only).

    ``n_pupils_suppressed`` marks a ``<5`` cell (``n_pupils`` then ``<NA>``), as in the long
    ``brin6_eindscores.csv``, so both feed the panels the same way. The index is the wide
    table's (a school's row, repeated per provider), so problems still name its line."""
    providers = [c[:-2] for c in wide.columns if c.endswith("_n") and c != "n_grade8"]
    parts = [
        pd.DataFrame(
            {
                "brin6": wide["brin6"],
                "school_year": wide["school_year"],
                "test": p.upper(),
                "n_pupils": wide[f"{p}_n"].astype("Float64").fillna(0).astype("Int64"),
                "n_pupils_suppressed": wide[f"{p}_suppressed"].fillna(False).astype(bool)
                if f"{p}_suppressed" in wide
                else pd.Series(False, index=wide.index),
                "mean_score": wide[f"{p}_mean"],
            }
        )
        for p in providers
    ]
    long = pd.concat(parts)
    long["n_pupils"] = long["n_pupils"].mask(long["n_pupils_suppressed"])
    keep = (long["n_pupils"].fillna(0) > 0) | long["n_pupils_suppressed"]
    return long[keep]


# --------------------------------------------------------------------- schooladviezen (wide)
ADVICE_LONG_SCHEMA = pa.DataFrameSchema(
    {
        "brin6": pa.Column(str, pa.Check.str_length(6, 6)),
        "school_year": pa.Column(int, pa.Check.in_range(2000, 2100)),
        "advice": pa.Column(str, pa.Check.isin(ADVICE_CODES)),
        "n_pupils": _count_nonneg(),
        "suppressed": pa.Column(bool),
    },
    **unique_keys("brin6", "school_year", "advice"),
)


def read_schooladviezen_wide(path: str | Path, school_year: int | None = None) -> pd.DataFrame:
    """DUO *Schooladviezen per vestiging* (``04-leerlingen-bo-sbo-schooladviezen-2019-2020.csv``).

    Returns the long form: one row per school × advice with ``n_pupils`` (``Int64``; ``<NA>``
    with ``suppressed=True`` for a ``<5`` cell). These are *final* advices, after revision.
    The school year comes from the file name unless given.
    """
    path = Path(path)
    if school_year is None:
        m = re.search(r"(20\d\d)[-_](20\d\d)", path.name)
        if not m:
            raise DataError(
                path,
                "cannot tell the school year from the file name",
                expected="a name like 04-leerlingen-bo-sbo-schooladviezen-2019-2020.csv or pass school_year",
            )
        school_year = int(m.group(1))
    check_file_year(path, school_year)
    problems = Problems(path)
    raw = read_published_csv(
        path,
        ["BRIN_NUMMER", "VESTIGINGSNUMMER", *ADVICE_CODES],
        aliases=_SCHOOL_ID_ALIASES,
        optional=["SOORT_PO"],
    )
    if "SOORT_PO" in raw:
        _check_school_type(problems, raw["SOORT_PO"], "SOORT_PO")
    ids = brin6(path, raw["BRIN_NUMMER"], raw["VESTIGINGSNUMMER"], "VESTIGINGSNUMMER", problems)
    codes = list(ADVICE_CODES)
    # one pass over all advice cells (stacked); only a file with bad cells is parsed per column,
    # so that each problem names its own column
    stacked = pd.concat([raw[c] for c in codes])
    trial = Problems(path)
    n, sup = parse_count(path, stacked, "advice", problems=trial)
    if trial:
        parsed = [parse_count(path, raw[c], c, problems=problems) for c in codes]
        n = pd.concat([p[0] for p in parsed])
        sup = pd.concat([p[1] for p in parsed])
    too_many = n.astype("Float64").astype(float) > MAX_PO_COHORT
    if too_many.any():
        for c in codes:
            check_counts(problems, pd.to_numeric(raw[c], errors="coerce"), c, MAX_PO_COHORT)
    out = pd.DataFrame(
        {
            "brin6": pd.concat([ids] * len(codes)),
            "school_year": school_year,
            "advice": np.repeat(codes, len(raw)),
            "n_pupils": n,
            "suppressed": sup,
        },
        index=stacked.index,
    )
    return validated(out, ADVICE_LONG_SCHEMA, path, problems)


# ------------------------------------------------------------------ referentieniveaus (wide)
REFERENCE_LEVEL_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("REKENEN_LAGER1F", "maths", "below_1F"),
    ("REKENEN_1F", "maths", "1F"),
    ("REKENEN_1S", "maths", "1S"),
    ("REKENEN_2F", "maths", "2F"),
    ("LV_LAGER1F", "reading", "below_1F"),
    ("LV_1F", "reading", "1F"),
    ("LV_2F", "reading", "2F"),
    ("TV_LAGER1F", "spelling", "below_1F"),
    ("TV_1F", "spelling", "1F"),
    ("TV_2F", "spelling", "2F"),
)
"""Columns of ``10.-leerlingen-bo-referentieniveaus-YYYY-YYYY.csv``, subject, attained level:
pupils per level reached in maths (rekenen), reading (lezen, LV) and taalverzorging (TV,
``spelling`` here). Counts per subject, not a level per pupil."""

REFERENCE_LEVELS_SCHEMA = pa.DataFrameSchema(
    {
        "brin6": pa.Column(str, pa.Check.str_length(6, 6)),
        "school_year": pa.Column(int, pa.Check.in_range(2000, 2100)),
        "subject": pa.Column(str, pa.Check.isin(["maths", "reading", "spelling"])),
        "level": pa.Column(str, pa.Check.isin(["below_1F", "1F", "1S", "2F"])),
        "n_pupils": _count_nonneg(),
        "suppressed": pa.Column(bool),
    },
    **unique_keys("brin6", "school_year", "subject", "level"),
)


def _school_year_from_date(path: Path, raw: pd.Series, column: str, problems: Problems) -> pd.Series:
    """``20241001`` → 2024 (2024-25): a peildatum from August on belongs to that school year."""
    date = pd.to_datetime(raw.where(raw.str.fullmatch(r"\d{8}")), format="%Y%m%d", errors="coerce")
    problems.flag(date.isna(), "value cannot be read", column, raw, "a real date written YYYYMMDD")
    year = (date.dt.year - (date.dt.month < 8).astype(int)).fillna(-1).astype(int)
    check_school_year(path, year.where(date.notna()), column, raw, problems)
    return year


def read_referentieniveaus_wide(path: str | Path) -> pd.DataFrame:
    """DUO *Leerlingen bo per vestiging naar referentieniveau* (``10.-…-2024-2025.csv``, wide).

    Returns the long form: one row per school × subject × attained level with ``n_pupils``
    (``Int64``; ``<NA>`` with ``suppressed=True`` for a ``<5`` cell). The school year comes from
    PEILDATUM (``20241001`` → 2024, i.e. 2024-25); a file name with another year is an error.
    """
    path = Path(path)
    problems = Problems(path)
    raw = read_published_csv(
        path,
        [
            "PEILDATUM",
            "BRIN_NUMMER",
            "VESTIGINGSNUMMER",
            "SOORT_PO",
            *(c for c, _, _ in REFERENCE_LEVEL_COLUMNS),
        ],
        aliases={**_SCHOOL_ID_ALIASES, "PEILDATUM": ["PEILDATUM_LEERLINGEN"]},
        optional=["INSTELLINGSNAAM_VESTIGING", "POSTCODE_VESTIGING", "GEMEENTENUMMER"],
    )
    year = _school_year_from_date(path, raw["PEILDATUM"], "PEILDATUM", problems)
    named = re.search(r"(20\d\d)[-_](20\d\d)", path.name)
    if named:
        problems.flag(
            (year != int(named.group(1))) & (year >= 0),
            f"the school year differs from the file name's {named.group(1)}-{named.group(2)}",
            "PEILDATUM",
            raw["PEILDATUM"],
            f"a peildatum in school year {named.group(1)}-{named.group(2)}",
        )
    _check_school_type(problems, raw["SOORT_PO"], "SOORT_PO")
    ids = brin6(path, raw["BRIN_NUMMER"], raw["VESTIGINGSNUMMER"], "VESTIGINGSCODE", problems)
    place = pd.DataFrame(index=raw.index)
    if {"INSTELLINGSNAAM_VESTIGING", "POSTCODE_VESTIGING", "GEMEENTENUMMER"} <= set(raw.columns):
        place["school_name"] = raw["INSTELLINGSNAAM_VESTIGING"]
        place["pc4"] = _pc4(raw["POSTCODE_VESTIGING"])
        place["gemeente_code"] = gemeente_code(path, raw["GEMEENTENUMMER"], "GEMEENTENUMMER", problems)
    parts = []
    for column, subject, level in REFERENCE_LEVEL_COLUMNS:
        n, sup = parse_count(path, raw[column], column, problems=problems)
        check_counts(problems, n, column, MAX_PO_COHORT)
        parts.append(
            pd.DataFrame(
                {
                    "brin6": ids,
                    "school_year": year,
                    "subject": subject,
                    "level": level,
                    "n_pupils": n,
                    "suppressed": sup,
                },
                index=raw.index,
            ).join(place)
        )
    out = pd.concat(parts)
    return validated(out, REFERENCE_LEVELS_SCHEMA, path, problems, {"brin6": "VESTIGINGSCODE"})


def read_brin6_referentieniveau(path: str | Path) -> pd.DataFrame:
    """The long ``brin6_referentieniveau.csv`` (API portal) is recognised but not read: how its
    ``REFERENTIENIVEAU`` codes subject and level is not documented in what kansenradar holds,
    and guessing would turn a wrong guess into a wrong signal. Use the wide ``10.-…`` files."""
    raise NotImplementedError(read_brin6_referentieniveau.__doc__)


# ------------------------------------------------------------------------------ long files
def _map_unique(series: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """Apply a label normaliser once per distinct label (long files repeat a dozen labels)."""
    uniques = series.unique()
    return series.map(dict(zip(uniques, (func(u) for u in uniques), strict=True)))


def _long_ids(path: Path, raw: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    _check_school_type(problems, raw["TYPE_PO"], "TYPE_PO")
    return pd.DataFrame(
        {
            "brin6": brin6(path, raw["INSTELLINGSCODE"], raw["VESTIGINGSCODE"], "VESTIGINGSCODE", problems),
            "school_type": raw["TYPE_PO"].str.title(),
            "school_year": parse_year(path, raw["PEILJAAR"], "PEILJAAR", problems),
        },
        index=raw.index,
    )


_LONG_COLUMNS = {"n_pupils": "AANTAL_LEERLINGEN", "school_year": "PEILJAAR", "brin6": "VESTIGINGSCODE"}


_LONG_ID_COLS = ["INSTELLINGSCODE", "VESTIGINGSCODE", "TYPE_PO", "PEILJAAR"]
_LONG_ALIASES = {"INSTELLINGSCODE": ["BRIN_NUMMER"], "VESTIGINGSCODE": ["VESTIGINGSNUMMER"]}


def read_brin6_advies(path: str | Path) -> pd.DataFrame:
    """DUO ``brin6_advies.csv``: final advice counts per school × year × advice (long).

    ``PEILJAAR`` is the school year's start. ``ADVIES`` labels are normalised to DUO's wide
    category codes (``VMBO-B/K`` → ``VMBO_B_K``); an unknown label is an error, never dropped.
    """
    path = Path(path)
    raw = read_published_csv(path, [*_LONG_ID_COLS, "ADVIES", "AANTAL_LEERLINGEN"], aliases=_LONG_ALIASES)
    problems = Problems(path)
    out = _long_ids(path, raw, problems)
    advice = _map_unique(raw["ADVIES"], normalise_advice_label)
    parse_choice(
        path,
        advice,
        "ADVIES",
        ADVICE_CODES,
        problems,
        where="ADVICE_CODES in features/advice.py (labels as in normalise_advice_label)",
    )
    out["advice"] = advice.where(advice.isin(ADVICE_CODES), ADVICE_CODES[-1])
    out["n_pupils"], out["suppressed"] = parse_count(
        path, raw["AANTAL_LEERLINGEN"], "AANTAL_LEERLINGEN", problems=problems
    )
    check_counts(problems, out["n_pupils"], "AANTAL_LEERLINGEN", MAX_PO_COHORT)
    return validated(out, ADVICE_LONG_SCHEMA, path, problems, _LONG_COLUMNS)


EINDSCORES_LONG_SCHEMA = pa.DataFrameSchema(
    {
        "brin6": pa.Column(str, pa.Check.str_length(6, 6)),
        "school_year": pa.Column(int, pa.Check.in_range(2000, 2100)),
        "test": pa.Column(str),
        "mean_score": pa.Column(float, nullable=True),
        "n_pupils": _count_nonneg(),
        "n_exempt": _count_nonneg(),
    },
    **unique_keys("brin6", "school_year", "test"),
)


def read_brin6_eindscores(path: str | Path) -> pd.DataFrame:
    """DUO ``brin6_eindscores.csv``: mean test result per school × year × test (long).

    ``test`` is the provider (``CET``, ``IEP``, …; from 2023-24 doorstroomtoetsen). Compare
    ``mean_score`` only within a test and year: each provider has its own scale.
    """
    path = Path(path)
    raw = read_published_csv(
        path,
        [
            *_LONG_ID_COLS,
            "LEERJAAR",
            "DOORSTROOMTOETS_PO",
            "GEMIDDELDE_UITSLAG",
            "AANTAL_LEERLINGEN",
            "AANTAL_ONTHEFFINGEN",
        ],
        aliases=_LONG_ALIASES,
    )
    problems = Problems(path)
    out = _long_ids(path, raw, problems)
    problems.flag(
        raw["LEERJAAR"] != "8", "not a grade-8 row", "LEERJAAR", raw["LEERJAAR"], "8 (the test year)"
    )
    out["test"] = raw["DOORSTROOMTOETS_PO"].str.upper().str.replace(r"[\s\-]+", "", regex=True)
    parse_choice(
        path,
        out["test"],
        "DOORSTROOMTOETS_PO",
        TEST_SCALES,
        problems,
        where="TEST_SCALES in features/sources/duo.py",
    )
    out["mean_score"] = parse_decimal(
        path, raw["GEMIDDELDE_UITSLAG"], "GEMIDDELDE_UITSLAG", problems=problems
    )
    _check_scale(problems, out["mean_score"], out["test"], "GEMIDDELDE_UITSLAG", raw["GEMIDDELDE_UITSLAG"])
    out["n_pupils"], out["n_pupils_suppressed"] = parse_count(
        path, raw["AANTAL_LEERLINGEN"], "AANTAL_LEERLINGEN", problems=problems
    )
    out["n_exempt"], _exempt_suppressed = parse_count(
        path, raw["AANTAL_ONTHEFFINGEN"], "AANTAL_ONTHEFFINGEN", problems=problems
    )
    check_counts(problems, out["n_pupils"], "AANTAL_LEERLINGEN", MAX_PO_COHORT)
    check_counts(problems, out["n_exempt"], "AANTAL_ONTHEFFINGEN", MAX_PO_COHORT)
    # More pupils exempt than tested is real, not a fault: DUO's 2018-19 eindscores file has 21
    # such school locations and the 2024-25 sample one (00UN: 17 exempt, 8 tested). Both counts
    # are read as published; only each count's own range is checked above.
    return validated(
        out, EINDSCORES_LONG_SCHEMA, path, problems, {**_LONG_COLUMNS, "test": "DOORSTROOMTOETS_PO"}
    )


HEROVERWEGING_SCHEMA = pa.DataFrameSchema(
    {
        "brin6": pa.Column(str, pa.Check.str_length(6, 6)),
        "school_year": pa.Column(int, pa.Check.in_range(2000, 2100)),
        "category": pa.Column(str, pa.Check.isin(sorted(set(HEROVERWEGING_CATEGORIES.values())))),
        "n_pupils": _count_nonneg(),
        "suppressed": pa.Column(bool),
    },
    **unique_keys("brin6", "school_year", "category"),
)


def read_brin6_heroverweging(path: str | Path) -> pd.DataFrame:
    """DUO ``brin6_heroverweging.csv``: pupils eligible for reconsideration and advices raised.

    ``category`` is ``eligible`` (test advice above the school advice — the under-advice
    signal of the DUO dashboard Kansengelijkheid), ``raised`` (of those, advice raised), and
    where published ``equal``/``lower``/``no_test``.
    """
    path = Path(path)
    raw = read_published_csv(
        path, [*_LONG_ID_COLS, "TOETSEN_EN_ADVIEZEN", "AANTAL_LEERLINGEN"], aliases=_LONG_ALIASES
    )
    problems = Problems(path)
    out = _long_ids(path, raw, problems)
    label = raw["TOETSEN_EN_ADVIEZEN"].str.upper().str.strip()
    parse_choice(
        path,
        label,
        "TOETSEN_EN_ADVIEZEN",
        HEROVERWEGING_CATEGORIES,
        problems,
        where="HEROVERWEGING_CATEGORIES in features/sources/duo.py",
    )
    out["category"] = label.map(HEROVERWEGING_CATEGORIES).fillna("no_test")
    out["n_pupils"], out["suppressed"] = parse_count(
        path, raw["AANTAL_LEERLINGEN"], "AANTAL_LEERLINGEN", problems=problems
    )
    check_counts(problems, out["n_pupils"], "AANTAL_LEERLINGEN", MAX_PO_COHORT)
    _check_raised_within_eligible(problems, out)
    return validated(out, HEROVERWEGING_SCHEMA, path, problems, _LONG_COLUMNS)


def _check_raised_within_eligible(problems: Problems, out: pd.DataFrame) -> None:
    """Advices raised are a subset of the pupils eligible: raised ≤ eligible per school-year."""
    low, high = bounds(out["n_pupils"], out["suppressed"])
    key = [out["brin6"], out["school_year"]]
    raised_lo = low.where(out["category"] == "raised", 0).groupby(key).transform("sum")
    eligible_hi = high.where(out["category"] == "eligible", 0).groupby(key).transform("sum")
    bad = (out["category"] == "raised") & (raised_lo > eligible_hi)
    problems.flag(
        bad,
        "more advices raised than pupils eligible for reconsideration at this school and year",
        "AANTAL_LEERLINGEN",
        out["n_pupils"].astype("string").where(~out["suppressed"], "<5"),
        "raised no larger than the 'toetsadvies hoger dan schooladvies' row (a '<5' cell counts as 1–4)",
    )


# ------------------------------------------------------------------------------ registers
REGISTER_SCHEMA = pa.DataFrameSchema(
    {
        "brin6": pa.Column(str, pa.Check.str_length(6, 6), unique=True),
        "gemeente_code": pa.Column(str, pa.Check.str_matches(r"^GM\d{4}$")),
        "pc4": pa.Column(str, nullable=True),
        "rmc_code": pa.Column(str, nullable=True),
    },
    report_duplicates="exclude_first",
)


def read_school_register(path: str | Path) -> pd.DataFrame:
    """DUO *Alle vestigingen* (BO or VO): school → gemeente, postcode/PC4, RMC region, COROP.

    ``sector`` is ``VO`` when the file has ONDERWIJSSTRUCTUUR (the VO register), else ``PO``.
    """
    path = Path(path)
    cols = [
        "PROVINCIE",
        "BRIN_NUMMER",
        "VESTIGINGSNUMMER",
        "VESTIGINGSNAAM",
        "POSTCODE",
        "PLAATSNAAM",
        "GEMEENTENUMMER",
        "GEMEENTENAAM",
        "DENOMINATIE",
        "RMC_REGIO_CODE",
        "RMC_REGIO_NAAM",
        "COROPGEBIED_CODE",
    ]
    raw = read_published_csv(path, cols, optional=["ONDERWIJSSTRUCTUUR"])
    structure = raw.get("ONDERWIJSSTRUCTUUR")
    problems = Problems(path)
    postcode = raw["POSTCODE"].str.replace(" ", "", regex=False)
    problems.flag(
        (postcode != "") & ~postcode.str.fullmatch(r"\d{4}[A-Z]{0,2}"),
        "value cannot be read",
        "POSTCODE",
        raw["POSTCODE"],
        "a Dutch postcode such as 2716 PH, or empty",
    )
    out = pd.DataFrame(
        {
            "brin6": brin6(path, raw["BRIN_NUMMER"], raw["VESTIGINGSNUMMER"], "VESTIGINGSNUMMER", problems),
            "school_name": raw["VESTIGINGSNAAM"],
            "postcode": raw["POSTCODE"].str.replace(" ", "", regex=False),
            "place": raw["PLAATSNAAM"].str.title(),
            "gemeente_code": gemeente_code(path, raw["GEMEENTENUMMER"], "GEMEENTENUMMER", problems),
            "gemeente_name": raw["GEMEENTENAAM"].str.title(),
            "province": raw["PROVINCIE"],
            "denomination": raw["DENOMINATIE"].map(denomination_name),
            "rmc_code": raw["RMC_REGIO_CODE"].replace("", pd.NA),
            "rmc_name": raw["RMC_REGIO_NAAM"].replace("", pd.NA),
            "corop_code": raw["COROPGEBIED_CODE"].replace("", pd.NA),
            "sector": "VO" if structure is not None else "PO",
        },
        index=raw.index,
    )
    out["pc4"] = _pc4(out["postcode"])
    if structure is not None:
        out["structure"] = structure
    return validated(out, REGISTER_SCHEMA, path, problems, {"brin6": "VESTIGINGSNUMMER"})


# ----------------------------------------------------------------------------------- VSV
VSV_SCHOOL_SCHEMA = pa.DataFrameSchema(
    {
        "brin6": pa.Column(str, pa.Check.str_length(6, 6)),
        "school_year": pa.Column(int),
        "n_pupils": _count_nonneg(),
        "n_vsv": _count_nonneg(),
    },
    **unique_keys("brin6", "school_year"),
)


def read_vsv_per_school(path: str | Path, school_year: int | None = None) -> pd.DataFrame:
    """DUO *VSV per samenwerkingsverband / school* (``vsv-per-swv-2015.csv``).

    The file year is the calendar year in which the school year *ends* (``2015`` → 2014-15), so
    ``school_year`` = file year − 1 unless given. ``n_vsv`` counts new early school leavers from
    that school location; ``<5``/empty cells are suppressed (``<NA>``), never zero.
    """
    path = Path(path)
    if school_year is None:
        m = re.search(r"(20\d\d)", path.name)
        if not m:
            raise DataError(
                path,
                "cannot tell the year from the file name",
                expected="a name like vsv-per-swv-2015.csv or pass school_year",
            )
        school_year = int(m.group(1)) - 1
    check_file_year(path, school_year)
    problems = Problems(path)
    raw = read_published_csv(
        path,
        [
            "SAMENWERKINGSVERBAND_NUMMER",
            "BRIN_NUMMER",
            "VESTIGINGS_NUMMER",
            "AANTAL_LEERLINGEN",
            "VSV_TOTAAL",
            "VSV_VMBO",
            "VSV_MBO",
            "VSV_OVERIG",
        ],
        aliases={"VESTIGINGS_NUMMER": ["VESTIGINGSNUMMER"]},
    )
    out = pd.DataFrame(
        {
            "swv_code": raw["SAMENWERKINGSVERBAND_NUMMER"],
            "brin6": brin6(path, raw["BRIN_NUMMER"], raw["VESTIGINGS_NUMMER"], "vestigings_nummer", problems),
            "school_year": school_year,
        },
        index=raw.index,
    )
    out["n_pupils"], _ = parse_count(
        path, raw["AANTAL_LEERLINGEN"], "aantal_leerlingen", empty_is_suppressed=False, problems=problems
    )
    check_counts(problems, out["n_pupils"], "aantal_leerlingen", MAX_VO_SCHOOL)
    for src, dst in _VSV_COLUMNS.items():
        out[dst], out[f"{dst}_suppressed"] = parse_count(path, raw[src], src.lower(), problems=problems)
        check_counts(problems, out[dst], src.lower(), MAX_VO_SCHOOL, "early school leavers")
    total_lo, total_hi = bounds(out["n_vsv"], out["n_vsv_suppressed"])
    pupils = out["n_pupils"].astype("Float64").astype(float)
    problems.flag(
        total_lo > pupils,
        "more early school leavers than pupils",
        "vsv_totaal",
        raw["VSV_TOTAAL"],
        "vsv_totaal no larger than aantal_leerlingen",
    )
    parts = [bounds(out[d], out[f"{d}_suppressed"]) for d in ("n_vsv_vmbo", "n_vsv_mbo", "n_vsv_other")]
    parts_lo = sum(lo for lo, _ in parts)
    parts_hi = sum(hi for _, hi in parts)
    problems.flag(
        (parts_lo > total_hi) | (parts_hi < total_lo),
        "vsv_vmbo + vsv_mbo + vsv_overig do not add up to vsv_totaal",
        "vsv_totaal",
        raw["VSV_TOTAAL"],
        "the three parts to sum to the total (a '<5' cell counts as 1–4)",
    )
    return validated(
        out, VSV_SCHOOL_SCHEMA, path, problems, {"n_pupils": "aantal_leerlingen", "n_vsv": "vsv_totaal"}
    )


_VSV_COLUMNS = {
    "VSV_TOTAAL": "n_vsv",
    "VSV_VMBO": "n_vsv_vmbo",
    "VSV_MBO": "n_vsv_mbo",
    "VSV_OVERIG": "n_vsv_other",
}
