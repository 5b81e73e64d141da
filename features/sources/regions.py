"""Gemeente code harmonisation and regional lookups (RMC, advice rule matrix).

Municipal mergers change gemeente codes almost every year. Everything in kansenradar is
expressed in the codes of one **target year** (:data:`TARGET_YEAR`, the year of the boundary
map), so panels of different years add up. CBS's history table covers 1981–2021; the mergers
after 2021 are listed in :data:`MERGERS_AFTER_2021` (source: CBS *Gemeentelijke indelingen per
jaar*).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from features.errors import DataError
from features.sources._checks import Problems
from features.sources._csv import gemeente_code, read_published_csv
from features.sources.cbs import _read_excel

TARGET_YEAR = 2023

MERGERS_AFTER_2021: dict[int, dict[str, str]] = {
    2022: {
        "GM0756": "GM1982",
        "GM1684": "GM1982",
        "GM0786": "GM1982",
        "GM0815": "GM1982",
        "GM1702": "GM1982",  # Land van Cuijk
        "GM1685": "GM1991",
        "GM0856": "GM1991",  # Maashorst
        "GM0398": "GM1980",
        "GM0416": "GM1980",  # Dijk en Waard
        "GM0370": "GM0439",  # Beemster → Purmerend
        "GM0457": "GM0363",  # Weesp → Amsterdam (24 March 2022)
    },
    2023: {"GM0501": "GM1992", "GM0530": "GM1992", "GM0614": "GM1992"},  # Voorne aan Zee
}


def read_gemeente_history(path: str | Path) -> pd.DataFrame:
    """CBS *Gemeenten en COROP vanaf 1981* → ``(year, code, code_2021)`` for every code in use.

    Each row of the sheet follows one gemeente through the years; a code of year *y* maps to
    the code in the 2021 column of its row (the gemeente that received most of its
    inhabitants). The year matters: CBS has reused a few codes (e.g. 0788).
    """
    path = Path(path)
    grid = _read_excel(path, 0)
    header = grid.iloc[0].astype(str).tolist()
    if "GM2021" not in header:
        raise DataError(
            path,
            "no GM2021 column",
            row=1,
            column="GM2021",
            expected="columns GM1981 … GM2021 as CBS publishes them",
        )

    if len(grid) < 2:
        raise DataError(
            path, "the sheet has a header but no gemeente rows", row=2, expected="one row per gemeente"
        )
    problems = Problems(path)

    def codes(j: int) -> pd.Series:
        cells = grid.iloc[1:, j].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
        cells.index = pd.Index(grid.index[1:] + 1, name="line")
        problems.flag(
            ~cells.str.fullmatch(r"\d{1,4}"),
            "value cannot be read",
            header[j],
            cells,
            "a gemeente number (CBS code without GM) in every cell",
        )
        return "GM" + cells.str.zfill(4)

    target = codes(header.index("GM2021"))
    pairs = [
        pd.DataFrame({"year": int(name[2:]), "code": codes(j), "code_2021": target})
        for j, name in enumerate(header)
        if name.startswith("GM") and name[2:].isdigit()
    ]
    problems.raise_if_any()
    table = pd.concat(pairs).drop_duplicates(["year", "code"]).reset_index(drop=True)
    return table


def harmonise_gemeente(
    codes: pd.Series, history: pd.DataFrame, source_year: int, target_year: int = TARGET_YEAR
) -> pd.Series:
    """Map gemeente codes in use in ``source_year`` to the codes of ``target_year``.

    Years after 2021 use the 2021 codes plus :data:`MERGERS_AFTER_2021`; codes unknown to the
    history (created after 2021) pass through unchanged.
    """
    year = min(max(source_year, int(history["year"].min())), 2021)
    table = history[history["year"] == year]
    to_2021 = dict(zip(table["code"], table["code_2021"], strict=True))
    out = codes.map(lambda c: to_2021.get(c, c))
    for merge_year in sorted(MERGERS_AFTER_2021):
        if merge_year <= target_year:
            out = out.replace(MERGERS_AFTER_2021[merge_year])
    return out


def read_rmc_lookup(path: str | Path) -> pd.DataFrame:
    """Regioatlas (BZK, 2016) gemeente → RMC region (*Regionaal Meld- en Coördinatiepunt*)."""
    path = Path(path)
    raw = read_published_csv(
        path,
        ["GEMEENTE", "CBS", "RMC_REGIO'S_(REGIONAAL_MELD_EN_COÖRDINATIEPUNT)"],
        aliases={"RMC_REGIO'S_(REGIONAAL_MELD_EN_COÖRDINATIEPUNT)": ["RMC_REGIO"]},
    )
    problems = Problems(path)
    rmc_name = raw.iloc[:, 2].str.strip()
    problems.flag(
        rmc_name == "",
        "value missing",
        "RMC-regio's (Regionaal Meld- en Coördinatiepunt)",
        rmc_name,
        "the RMC region of each gemeente",
    )
    out = pd.DataFrame(
        {
            "gemeente_code": gemeente_code(path, raw["CBS"], "CBS", problems),
            "gemeente_name": raw["GEMEENTE"],
            "rmc_name": rmc_name,
        },
        index=raw.index,
    )
    dup = out["gemeente_code"].duplicated(keep=False) & out.duplicated(keep="first")
    problems.flag(dup, "the same gemeente appears twice", "CBS", raw["CBS"], "one row per gemeente")
    problems.raise_if_any()
    return out


def read_advice_matrix(path: str | Path) -> pd.DataFrame:
    """Kansenkaart's under-advice rule (``vo_advisering.xlsx``, sheet ``table``).

    Returns the long form ``teacher_code, test_code, verdict`` with verdict in
    ``under``/``correct``/``over`` and codes as the two-digit prefixes (``'60'`` = HAVO).
    """
    path = Path(path)
    grid = _read_excel(path, "table")
    col0 = grid.iloc[:, 0].astype(str)
    top = col0[col0.str.strip() == "Teacher"].index
    if not len(top):
        raise DataError(
            path,
            "no 'Teacher' header row in sheet 'table'",
            column="Teacher",
            expected="the Kansenkaart advice matrix layout",
        )
    r = top[0]
    tests = [str(x)[:2] for x in grid.iloc[r, 1:]]
    rows = []
    for i in range(r + 1, len(grid)):
        teacher = str(grid.iat[i, 0])
        if teacher == "nan":
            continue
        for j, test in enumerate(tests, start=1):
            verdict = str(grid.iat[i, j]).strip()
            if verdict not in {"under", "correct", "over"}:
                raise DataError(
                    path,
                    "unknown verdict",
                    row=i + 1,
                    column=str(grid.iat[r, j]),
                    value=verdict,
                    expected="under, correct or over",
                )
            rows.append({"teacher_code": teacher[:2], "test_code": test, "verdict": verdict})
    if not rows:
        raise DataError(
            path, "no rows under the 'Teacher' header", row=r + 2, expected="one row per teacher advice"
        )
    return pd.DataFrame(rows)
