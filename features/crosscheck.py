"""Checks across source files: numbers that must agree between two downloads.

A file can be fine on its own and still contradict another one: more pupils eligible for
reconsideration (``brin6_heroverweging``) than took the test (``brin6_eindscores``), schools in
the outcome files that no register places, gemeente codes no code list knows. Each problem
names both files, so the user knows which download to look at. A ``<5`` cell takes part as the
interval 1–4: a problem is raised only when no reading of the suppressed cells can agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from features.errors import DataError
from features.sources._checks import Problems, bounds
from features.sources.regions import MERGERS_AFTER_2021

if TYPE_CHECKING:  # the catalog calls these checks; it is not imported at run time (no circle)
    from features.catalog import Sources


def _name(sources: Sources, key: str) -> str:
    paths = sources.files.get(key) or []
    if not paths:
        return key
    return paths[0].name if len(paths) == 1 else f"{paths[0].name} … ({len(paths)} files)"


def _path(sources: Sources, key: str) -> Path:
    paths = sources.files.get(key) or [Path(key)]
    return paths[0]


def _per_file(sources: Sources, key: str) -> list[tuple[Path, pd.DataFrame]]:
    """A table split back into the files it was read from (line numbers are per file)."""
    table = sources[key]
    paths = sources.files.get(key) or [Path(key)]
    rows = getattr(sources, "row_files", {}).get(key)
    if len(paths) == 1 or rows is None or len(rows) != len(table):
        return [(paths[0], table)]
    lines = sources.row_lines.get(key, list(table.index))
    table = table.set_axis(pd.Index(lines, name=table.index.name))
    codes = pd.Series(rows, index=table.index).to_numpy()
    return [(paths[i], table[codes == i]) for i in sorted(set(rows))]


def check_across_files(sources: Sources, notes: list[str]) -> list[DataError]:
    """Every cross-file problem as a :class:`DataError` per file; notes for what is only odd."""
    errors = []
    for check in (_eligible_within_tested, _registers_cover_po_schools, _known_gemeenten):
        err = check(sources)
        if err is not None:
            errors.append(err)
    note = _registers_cover_vo_schools(sources)
    if note:
        notes.append(note)
    return errors


def _eligible_within_tested(sources: Sources) -> DataError | None:
    """Pupils eligible for reconsideration ≤ pupils tested, per school and year."""
    if not {"heroverweging", "eindscores"} <= set(sources.tables):
        return None
    h, e = sources["heroverweging"], sources["eindscores"]
    tested_hi = (
        bounds(e["n_pupils"], e["n_pupils_suppressed"])[1]
        .fillna(0)
        .groupby([e["brin6"], e["school_year"]])
        .sum()
    )
    eligible = h[h["category"] == "eligible"]
    eligible_lo = bounds(eligible["n_pupils"], eligible["suppressed"])[0]
    key = pd.MultiIndex.from_arrays([eligible["brin6"], eligible["school_year"]])
    tested = pd.Series(tested_hi.reindex(key).fillna(0).to_numpy(), index=eligible.index)
    problems = Problems(_path(sources, "heroverweging"))
    problems.flag(
        eligible_lo > tested,
        f"more pupils eligible for reconsideration than pupils tested in {_name(sources, 'eindscores')} "
        "for this school and year",
        "AANTAL_LEERLINGEN",
        eligible["n_pupils"].astype("string").where(~eligible["suppressed"], "<5"),
        "eligible ≤ tested (the sum of AANTAL_LEERLINGEN over tests; a '<5' cell counts as 1–4)",
    )
    return problems.error()


def _register_ids(sources: Sources, keys: tuple[str, ...]) -> set[str]:
    return set().union(*(set(sources[k]["brin6"]) for k in keys if k in sources.tables))


def _registers_cover_po_schools(sources: Sources) -> DataError | None:
    """Every school in the PO outcome files must be placed by a register (gemeente, PC4)."""
    registers = ("register_po", "eindscores_wide", "register_vo", "eindscores_year", "reference_levels")
    known = _register_ids(sources, registers)
    if not known:
        return None
    reg_names = ", ".join(_name(sources, k) for k in registers if k in sources.tables)
    for key in ("eindscores", "heroverweging", "advice"):
        if key not in sources.tables:
            continue
        for path, table in _per_file(sources, key):
            problems = Problems(path)
            problems.flag(
                ~table["brin6"].isin(known),
                f"school not found in the school registers ({reg_names})",
                "VESTIGINGSCODE",
                table["brin6"],
                "every school of the outcome files listed in a register (its gemeente and postcode)",
            )
            if problems:
                return problems.error()
    return None


def _registers_cover_vo_schools(sources: Sources) -> str | None:
    """VSV files list schools that have since closed; they keep their own history but get no
    gemeente or context. Said plainly, not raised (the real 2014-15 file has 99 of them)."""
    if "vsv_school" not in sources.tables:
        return None
    known = _register_ids(sources, ("register_vo", "register_po"))
    ids = pd.Series(sources["vsv_school"]["brin6"].unique())
    missing = ids[~ids.isin(known)]
    if missing.empty:
        return None
    return (
        f"{len(missing)} of {len(ids)} schools in {_name(sources, 'vsv_school')} are not in "
        f"{_name(sources, 'register_vo')} (closed or renumbered): they are modelled without gemeente "
        f"or context (e.g. {', '.join(missing.head(3))})"
    )


def _known_gemeenten(sources: Sources) -> DataError | None:
    """Gemeente codes must exist in the CBS code history or the boundary file."""
    if "history" not in sources.tables:
        return None
    known = set(sources["history"]["code"])
    for merges in MERGERS_AFTER_2021.values():
        known |= set(merges) | set(merges.values())
    if "boundaries" in sources.tables:
        known |= set(sources["boundaries"]["gemeente_code"])
    where = f"the CBS code list ({_name(sources, 'history')}) or {_name(sources, 'boundaries')}"
    columns = {
        "vsv_gemeente": "RegioS",
        "register_po": "GEMEENTENUMMER",
        "register_vo": "GEMEENTENUMMER",
        "eindscores_year": "GEMEENTENUMMER",
        "reference_levels": "GEMEENTENUMMER",
        "rmc": "CBS",
        "kerncijfers": "Gemeente",
    }
    errors = []
    for key, column in columns.items():
        if key not in sources.tables:
            continue
        if "gemeente_code" not in sources[key]:
            continue
        if len(_per_file(sources, key)) > 1:
            for path, table in _per_file(sources, key):
                problems = Problems(path)
                codes = table["gemeente_code"]
                problems.flag(
                    ~codes.isin(known), "unknown gemeente code", column, codes, f"a code listed in {where}"
                )
                if problems:
                    errors.append(problems.error())
            continue
        codes = sources[key]["gemeente_code"]
        problems = Problems(_path(sources, key))
        if key == "kerncijfers":  # JSON: no lines; the code is the key
            for code in codes[~codes.isin(known)]:
                problems.add(
                    "unknown gemeente code",
                    column=f"Gemeente.{code}",
                    value=code,
                    expected=f"a code in {where}",
                )
            if problems:
                errors.append(problems.error())
            continue
        problems.flag(
            ~codes.isin(known),
            "unknown gemeente code",
            column,
            codes,
            f"a code listed in {where}",
        )
        if problems:
            errors.append(problems.error())
    return DataError.combine(errors) if errors else None
