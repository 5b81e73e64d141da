"""Find and read every source file of a data folder: the user's downloads or the embedded default.

A folder is matched by file-name patterns (:data:`SOURCE_KINDS`), so users can drop DUO/CBS
downloads in with their published names. Reference files that rarely change (registers,
boundaries, code history, the advice rule) fall back to the embedded real skeleton when the
folder lacks them.

:func:`assemble` is the one path from a folder to :class:`Sources`: ``kansenradar validate``
reports what it finds and ``run``/``features`` raise it, so both give the same verdict. It
reads every recognised file (each file's problems at once), lists files it does not
recognise, says which targets cannot be built for lack of files, and runs the checks across
files (:mod:`features.crosscheck`).

Advice: the long ``brin6_advies.csv`` is used when present. Without it, the wide per-year
``04-leerlingen-bo-sbo-schooladviezen-YYYY-YYYY.csv`` files are the advice source. Both hold
final advices per school; the wide files exist only from 2019-20 on, so advice-based
indicators of earlier years are missing (NaN, never 0) when only wide files are given.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from features import sources as src
from features.errors import DataError
from features.paths import SKELETON_DIR, default_data_dir
from features.sources._notes import collecting
from features.vocabulary import ATTAINMENT_TARGET, TARGET_LEVELS


@dataclass(frozen=True)
class SourceKind:
    """One published format: how to recognise its files and which reader takes them.

    A file is recognised by its **name** (``pattern`` or one of ``names``, matched without
    case and without DUO's number prefix ``04-`` / ``04.-`` / ``05.-`` / ``10.-``), else by its
    **header** when exactly one kind's ``header`` columns are all in it (:func:`recognise`).
    """

    key: str
    pattern: str
    reader: Callable[[Path], object] | None
    label: str
    multi_year: bool = False  # several files (one per year) or a single long file
    reference: bool = False  # may fall back to the embedded skeleton
    names: tuple[str, ...] = ()  # further name patterns (the API portal's long names, old names)
    header: frozenset[str] = frozenset()  # columns that identify the format by content
    embedded_only: bool = False  # always the embedded file; a user's file of this name is another kind
    not_readable: str = ""  # recognised, but not read (why)

    @property
    def patterns(self) -> tuple[str, ...]:
        return (self.pattern, *self.names)


def _cols(*names: str) -> frozenset[str]:
    return frozenset(names)


SOURCE_KINDS: tuple[SourceKind, ...] = (
    SourceKind(
        "advice",
        "brin6_advies*.csv",
        src.read_brin6_advies,
        "DUO advies per vestiging",
        header=_cols("PEILJAAR", "ADVIES", "AANTAL_LEERLINGEN"),
    ),
    SourceKind(
        "advice_wide",
        "leerlingen-bo-sbo-schooladviezen-*.csv",
        src.read_schooladviezen_wide,
        "DUO schooladviezen per vestiging (wide, per year)",
        multi_year=True,
        header=_cols("VMBO_GT_HAVO", "HAVO_VWO", "ADVIES_NIET_MOGELIJK"),
    ),
    SourceKind(
        "eindscores",
        "brin6_eindscores*.csv",
        src.read_brin6_eindscores,
        "DUO eind-/doorstroomtoets per vestiging",
        header=_cols("DOORSTROOMTOETS_PO", "GEMIDDELDE_UITSLAG"),
    ),
    SourceKind(
        "eindscores_year",
        "gemiddelde-eindscores-bo-sbo-*.csv",
        src.read_eindscores_wide,
        "DUO gemiddelde eindscores per vestiging (wide, per year)",
        multi_year=True,
        names=("gemiddelde-eindscores-*.csv",),
        header=_cols("ONTHEFFING_REDEN_ND", "IEP_AANTAL", "IEP_GEM"),
    ),
    SourceKind(
        "heroverweging",
        "brin6_heroverweging*.csv",
        src.read_brin6_heroverweging,
        "DUO heroverwegingen",
        header=_cols("TOETSEN_EN_ADVIEZEN"),
    ),
    SourceKind(
        "reference_levels",
        "leerlingen-bo-referentieniveaus-*.csv",
        src.read_referentieniveaus_wide,
        "DUO referentieniveaus per vestiging (wide, per year)",
        multi_year=True,
        header=_cols("REKENEN_1S", "LV_2F", "TV_2F"),
    ),
    SourceKind(
        "reference_levels_long",
        "brin6_referentieniveau*.csv",
        None,
        "DUO referentieniveau per toets en vestiging (long)",
        header=_cols("REFERENTIENIVEAU", "DOORSTROOMTOETS_PO"),
        not_readable="recognised, not yet readable: how REFERENTIENIVEAU codes subject and level is "
        "not documented in what kansenradar holds; use the wide 10.-leerlingen-bo-referentieniveaus-"
        "YYYY-YYYY.csv files",
    ),
    SourceKind(
        "vsv_school",
        "vsv-per-swv-*.csv",
        src.read_vsv_per_school,
        "DUO VSV per school",
        multi_year=True,
        header=_cols("SAMENWERKINGSVERBAND_NUMMER", "VSV_TOTAAL"),
    ),
    SourceKind(
        "vsv_gemeente",
        "*84780NED*.csv",
        src.read_statline_vsv,
        "CBS 84780NED VSV per gemeente",
        header=_cols("REGIOS", "PERIODEN", "VOORTIJDIGESCHOOLVERLATERS_2"),
    ),
    SourceKind(
        "register_po", "alle-vestigingen-bo*.csv", src.read_school_register, "DUO register PO", reference=True
    ),
    SourceKind(
        "register_vo", "alle-vestigingen-vo*.csv", src.read_school_register, "DUO register VO", reference=True
    ),
    SourceKind(
        "eindscores_wide",
        "gemiddelde-eindscores-bo-sbo-2018-2019.csv",
        src.read_eindscores_wide,
        "DUO gemiddelde eindscores 2018-19 (school directory)",
        reference=True,
        embedded_only=True,
    ),
    SourceKind(
        "achterstand",
        "achterstandsscores*.xlsx",
        src.read_achterstandsscores,
        "CBS achterstandsscores",
        reference=True,
    ),
    SourceKind(
        "kerncijfers",
        "nl_data*.json",
        src.read_gemeente_kerncijfers,
        "CBS kerncijfers gemeenten",
        reference=True,
    ),
    SourceKind(
        "boundaries", "gemeenten*.json", src.read_gemeente_geojson, "CBS/PDOK gemeentegrenzen", reference=True
    ),
    SourceKind(
        "history",
        "gemeenten_corop*.xlsx",
        src.read_gemeente_history,
        "CBS gemeentelijke indelingen",
        reference=True,
    ),
    SourceKind("rmc", "rmc*.csv", src.read_rmc_lookup, "RMC-regio's", reference=True),
    SourceKind("ses_pc4", "SES_PC4*.csv", src.read_ses_pc4, "CBS SES-WOA per PC4", reference=True),
    SourceKind(
        "pc4_kerncijfers",
        "pc4_20*.xlsx",
        src.read_pc4_kerncijfers,
        "CBS kerncijfers per postcode-4",
        multi_year=True,
        reference=True,
    ),
)
KINDS = {k.key: k for k in SOURCE_KINDS}


OUTCOME_SOURCES: dict[tuple[str, str], tuple[tuple[str, ...], ...]] = {
    **{
        ("under_advice", level): (
            ("eindscores", "eindscores_year"),
            ("heroverweging",),
            ("advice", "advice_wide"),
        )
        for level in TARGET_LEVELS["under_advice"]
    },
    **{
        (ATTAINMENT_TARGET, level): (("reference_levels",), ("advice", "advice_wide"))
        for level in TARGET_LEVELS[ATTAINMENT_TARGET]
    },
    ("dropout", "school"): (("vsv_school",),),
    ("dropout", "gemeente"): (("vsv_gemeente",),),
    ("dropout", "rmc"): (("vsv_gemeente",),),
}
"""Per (target, level): the outcome files it needs; each inner tuple lists alternatives."""
NOT_SOURCES = frozenset({"MANIFEST.json"})
"""Files the generator writes next to the sources that are not sources themselves."""

NUMBER_PREFIX = re.compile(r"^(\d{1,2})\.?-")
"""DUO's open-data pages number their files: ``04-…``, ``04.-…`` (2019-20, 2020-21), ``05.-…``."""
HEADER_SNIFF_BYTES = 65_536


@dataclass(frozen=True)
class Recognised:
    """Which kind a file is, and by which rule (``validate`` says it)."""

    kind: str
    rule: str


def _name_rule(kind: SourceKind, name: str) -> str | None:
    """The rule by which ``name`` matches ``kind``'s names, or None."""
    lower = name.lower()
    prefix = NUMBER_PREFIX.match(lower)
    bare = lower[prefix.end() :] if prefix else lower
    for i, pattern in enumerate(kind.patterns):
        p = pattern.lower()
        if fnmatch.fnmatchcase(lower, p) or (prefix and fnmatch.fnmatchcase(bare, p)):
            if p.startswith("brin6_"):
                return "name: open-data portal (API) file " + pattern
            if prefix:
                return f"name: DUO download with number prefix '{name[: prefix.end()]}'"
            return "name" + ("" if i == 0 else f" ({pattern})")
    return None


def kind_of_name(name: str) -> str | None:
    """The kind whose names match ``name`` (user's files: never an embedded-only kind)."""
    for kind in SOURCE_KINDS:
        if not kind.embedded_only and _name_rule(kind, name):
            return kind.key
    return None


def _header(path: Path) -> frozenset[str] | None:
    """The normalised column names of a CSV's first line (None when it cannot be read)."""
    from features.sources._csv import normalise_header

    try:
        with path.open("rb") as fh:
            head = fh.read(HEADER_SNIFF_BYTES)
    except OSError:
        return None
    head = head.removeprefix(b"\xef\xbb\xbf")
    text = head.decode("utf-8", errors="replace").splitlines()
    if not text:
        return None
    for sep in (";", ",", "\t"):
        if sep in text[0]:
            return frozenset(normalise_header(h) for h in text[0].split(sep))
    return None


def recognise(data_dir: Path) -> tuple[dict[Path, Recognised], list[str]]:
    """Every file of ``data_dir`` that is a source (kind and rule), and notes on ambiguous ones.

    By name first (each kind's patterns, with or without DUO's number prefix); a CSV no name
    matches is recognised by its header when exactly one kind's identifying columns are all
    there. Two kinds by header: not read, and said.
    """
    found: dict[Path, Recognised] = {}
    notes: list[str] = []
    if not data_dir.is_dir():
        return found, notes
    for path in sorted(data_dir.iterdir()):
        if path.name.startswith(".") or path.name in NOT_SOURCES or (path.is_dir() and not path.is_symlink()):
            continue
        by_name = [(k, r) for k in SOURCE_KINDS if not k.embedded_only and (r := _name_rule(k, path.name))]
        if by_name:
            kind, rule = by_name[0]
            found[path] = Recognised(kind.key, rule)
            continue
        if path.suffix.lower() not in (".csv", ".txt") or not path.is_file():
            continue
        header = _header(path)
        if not header:
            continue
        by_header = [k for k in SOURCE_KINDS if k.header and k.header <= header]
        if len(by_header) == 1:
            k = by_header[0]
            found[path] = Recognised(k.key, "header: columns " + ", ".join(sorted(k.header)))
        elif len(by_header) > 1:
            notes.append(
                f"{path.name}: its header fits {' and '.join(k.label for k in by_header)}; "
                "not read (rename it as DUO publishes it)"
            )
    return found, notes


def locate(data_dir: Path) -> dict[str, list[Path]]:
    """Files per source kind; reference kinds fall back to the embedded skeleton (an
    embedded-only kind always comes from there)."""
    recognised, _ = recognise(data_dir)
    found: dict[str, list[Path]] = {}
    for kind in SOURCE_KINDS:
        paths = sorted(p for p, r in recognised.items() if r.kind == kind.key)
        if kind.embedded_only or (not paths and kind.reference):
            paths = sorted(SKELETON_DIR.glob(kind.pattern))
        found[kind.key] = paths
    return found


def unrecognised(data_dir: Path) -> list[str]:
    """Names of files in the folder that match no known format (they are not read)."""
    known = {p.name for p in recognise(data_dir)[0]}
    return sorted(
        p.name
        for p in data_dir.iterdir()
        if p.name not in known and p.name not in NOT_SOURCES and not p.name.startswith(".") and not p.is_dir()
    )


def skipped_targets(files: dict[str, list[Path]]) -> dict[tuple[str, str], str]:
    """(target, level) → why it cannot be built from these files; absent keys can be built."""
    readable = {k: v for k, v in files.items() if not KINDS[k].not_readable}
    out = {}
    for key, needs in OUTCOME_SOURCES.items():
        missing = [alts for alts in needs if not any(readable.get(k) for k in alts)]
        if missing:
            out[key] = "no " + " and no ".join(
                " or ".join(KINDS[k].pattern for k in alts) for alts in missing
            )
    return out


@dataclass
class Sources:
    """Every table the panel needs, read and validated."""

    data_dir: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    geojson: dict | None = None
    files: dict[str, list[Path]] = field(default_factory=dict)
    skipped: dict[tuple[str, str], str] = field(default_factory=dict)
    row_files: dict[str, list[int]] = field(default_factory=dict)  # per table: the file of each row …
    row_lines: dict[str, list[object]] = field(default_factory=dict)  # … and its line in that file

    def __getitem__(self, key: str) -> pd.DataFrame:
        return self.tables[key]

    def has(self, target: str, level: str) -> bool:
        """True when the folder holds the outcome files for (target, level)."""
        return (target, level) not in self.skipped


@dataclass(frozen=True)
class FileCheck:
    """Validation result of one file, for the app's data page and the CLI."""

    kind: str
    label: str
    file: str
    ok: bool
    rows: int
    message: str
    present: bool = True
    rule: str = ""  # how the file was recognised (name, number prefix, API name, header)


@dataclass
class FolderReport:
    """Everything :func:`assemble` found: per file, across files, and what cannot be built."""

    data_dir: Path
    files: list[FileCheck] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)
    skipped: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: list[DataError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    previews: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)  # validate shows them

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self) -> DataError:
        """All problems as one :class:`DataError` (what ``run`` raises, ``validate`` lists)."""
        return DataError.combine(self.errors)


def _read_file(kind: SourceKind, path: Path) -> tuple[pd.DataFrame, dict | None]:
    result = kind.reader(path)
    return result if isinstance(result, tuple) else (result, None)


def _year_gaps(kind: SourceKind, table: pd.DataFrame) -> str | None:
    """A multi-year series with a year missing in the middle: which, and what it affects."""
    if "school_year" not in table or table.empty:
        return None
    years = sorted({int(y) for y in table["school_year"].dropna().unique()})
    missing = sorted(set(range(years[0], years[-1] + 1)) - set(years))
    if not missing:
        return None
    from features.years import format_school_year

    named = ", ".join(format_school_year(y) for y in missing)
    later = sorted({y + k for y in missing for k in (1, 2) if y + k <= years[-1]} - set(missing))
    after = ", ".join(format_school_year(y) for y in later) or "later years"
    needs = OUTCOME_SOURCES.items()
    targets = sorted({t for (t, _lv), alts in needs if any(kind.key in a for a in alts)})
    return (
        f"{kind.label}: no file for {named} between {format_school_year(years[0])} and "
        f"{format_school_year(years[-1])}. Affects {', '.join(targets) or 'no target'}: no rates "
        f"for {named}; the year-on-year indicators (last year's rate, trends, changes) of {after} "
        "are missing, and the emerging detector has a year less of baseline"
    )


def assemble(data_dir: Path | None = None) -> tuple[Sources, FolderReport]:
    """Read every recognised file of ``data_dir`` (default: the working folder's generated data)
    and check them, alone and together; never raise a :class:`DataError` (they are collected in
    the report, per file)."""
    data_dir = default_data_dir() if data_dir is None else data_dir
    from features.crosscheck import check_across_files

    files = locate(data_dir)
    recognised, sniff_notes = recognise(data_dir)
    report = FolderReport(data_dir=data_dir, unrecognised=unrecognised(data_dir) if data_dir.is_dir() else [])
    report.notes.extend(sniff_notes)
    if not data_dir.is_dir():
        report.errors.append(DataError(data_dir, "folder not found", expected="a folder with DUO/CBS files"))
        return Sources(data_dir=data_dir, files=files), report
    if files["advice"]:
        report.notes.append(f"advice from {files['advice'][0].name} (wide schooladviezen files checked only)")
    elif files["advice_wide"]:
        report.notes.append(
            "advice from the wide schooladviezen files (2019-20 on): no brin6_advies.csv in the folder"
        )
    if files["eindscores"] and files["eindscores_year"]:
        report.notes.append(
            f"test results from {files['eindscores'][0].name} (wide eindscores files checked only)"
        )
    sources = Sources(data_dir=data_dir, files=files, skipped=skipped_targets(files))
    report.skipped = dict(sources.skipped)
    for kind in SOURCE_KINDS:
        paths = files[kind.key]
        if not paths:
            report.files.append(
                FileCheck(
                    kind.key,
                    kind.label,
                    kind.pattern,
                    True,
                    0,
                    "not present" + (" — the embedded reference is used" if kind.reference else ""),
                    present=False,
                )
            )
            continue
        if kind.not_readable:
            for path in paths:
                rule = recognised[path].rule if path in recognised else ""
                report.files.append(
                    FileCheck(kind.key, kind.label, path.name, True, 0, kind.not_readable, rule=rule)
                )
                report.notes.append(f"{path.name}: {kind.not_readable}")
            continue
        if len(paths) > 1 and not kind.multi_year:
            err = DataError(
                data_dir,
                f"{len(paths)} files for {kind.label}: " + ", ".join(p.name for p in paths),
                expected=f"one file matching {kind.pattern}",
            )
            report.errors.append(err)
            report.files.append(FileCheck(kind.key, kind.label, paths[0].name, False, 0, str(err)))
            continue
        frames = []
        for path in paths:
            embedded = path.parent == SKELETON_DIR and data_dir != SKELETON_DIR
            rule = recognised[path].rule if path in recognised else ("embedded reference" if embedded else "")
            try:
                with collecting() as notes:
                    table, geo = _read_file(kind, path)
            except DataError as exc:
                report.errors.append(exc)
                report.files.append(FileCheck(kind.key, kind.label, path.name, False, 0, str(exc), rule=rule))
                continue
            report.notes.extend(notes)
            if rule.startswith("header"):
                report.notes.append(
                    f"{path.name}: recognised by its {rule} (not by its name) as {kind.label}"
                )
            frames.append(table)
            if geo is not None:
                sources.geojson = geo
            message = "ok" + (" (embedded reference)" if embedded else "")
            report.files.append(
                FileCheck(
                    kind.key,
                    kind.label,
                    path.name,
                    True,
                    len(table),
                    message,
                    present=not embedded,
                    rule=rule,
                )
            )
        if frames and len(frames) == len(paths):
            sources.tables[kind.key] = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            sources.row_files[kind.key] = [i for i, f in enumerate(frames) for _ in range(len(f))]
            sources.row_lines[kind.key] = [line for f in frames for line in f.index]
            if kind.multi_year and not kind.reference:
                gap = _year_gaps(kind, sources.tables[kind.key])
                if gap:
                    report.notes.append(gap)
    if "eindscores" not in sources.tables and "eindscores_year" in sources.tables:
        # the yearly 05.- files as the test source (every provider standardised within itself)
        wide = sources.tables["eindscores_year"]
        positions = wide.reset_index(drop=True).index
        long = src.eindscores_long(wide.set_axis(positions))
        sources.tables["eindscores"] = long.reset_index(drop=True)
        sources.files["eindscores"] = files["eindscores_year"]
        for store in (sources.row_files, sources.row_lines):
            if "eindscores_year" in store:
                store["eindscores"] = [store["eindscores_year"][i] for i in long.index]
        report.notes.append(
            "test results from the wide eindscores files: no brin6_eindscores.csv in the folder"
        )
    if "advice" not in sources.tables and "advice_wide" in sources.tables:
        sources.tables["advice"] = sources.tables["advice_wide"]
        sources.files["advice"] = files["advice_wide"]
    if len(report.skipped) == len(OUTCOME_SOURCES):
        report.errors.append(
            DataError(
                data_dir,
                "no outcome files: nothing to build",
                expected="at least brin6_eindscores.csv + brin6_heroverweging.csv + advice files, "
                "10.-leerlingen-bo-referentieniveaus-YYYY-YYYY.csv + advice files, "
                "vsv-per-swv-YYYY.csv or a 84780NED StatLine export",
            )
        )
    if report.ok:
        report.errors.extend(check_across_files(sources, report.notes))
    return sources, report


def load_sources(data_dir: Path | None = None) -> Sources:
    """Read all sources of ``data_dir``; raise every problem found as one :class:`DataError`."""
    sources, report = assemble(data_dir)
    if not report.ok:
        raise report.error()
    return sources
