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

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from features import sources as src
from features.errors import DataError
from features.paths import DEFAULT_DATA_DIR, SKELETON_DIR
from features.vocabulary import TARGET_LEVELS


@dataclass(frozen=True)
class SourceKind:
    """One published format: how to recognise its files and which reader takes them."""

    key: str
    pattern: str
    reader: Callable[[Path], object]
    label: str
    multi_year: bool = False  # several files (one per year) or a single long file
    reference: bool = False  # may fall back to the embedded skeleton


SOURCE_KINDS: tuple[SourceKind, ...] = (
    SourceKind("advice", "brin6_advies*.csv", src.read_brin6_advies, "DUO advies per vestiging"),
    SourceKind(
        "advice_wide",
        "04-leerlingen-bo-sbo-schooladviezen-*.csv",
        src.read_schooladviezen_wide,
        "DUO schooladviezen per vestiging (wide, per year)",
        multi_year=True,
    ),
    SourceKind(
        "eindscores",
        "brin6_eindscores*.csv",
        src.read_brin6_eindscores,
        "DUO eind-/doorstroomtoets per vestiging",
    ),
    SourceKind(
        "heroverweging", "brin6_heroverweging*.csv", src.read_brin6_heroverweging, "DUO heroverwegingen"
    ),
    SourceKind(
        "vsv_school", "vsv-per-swv-*.csv", src.read_vsv_per_school, "DUO VSV per school", multi_year=True
    ),
    SourceKind("vsv_gemeente", "*84780NED*.csv", src.read_statline_vsv, "CBS 84780NED VSV per gemeente"),
    SourceKind(
        "register_po", "alle-vestigingen-bo*.csv", src.read_school_register, "DUO register PO", reference=True
    ),
    SourceKind(
        "register_vo", "alle-vestigingen-vo*.csv", src.read_school_register, "DUO register VO", reference=True
    ),
    SourceKind(
        "eindscores_wide",
        "gemiddelde-eindscores-*.csv",
        src.read_eindscores_wide,
        "DUO gemiddelde eindscores (wide)",
        reference=True,
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
        ("under_advice", level): (("eindscores",), ("heroverweging",), ("advice", "advice_wide"))
        for level in TARGET_LEVELS["under_advice"]
    },
    ("dropout", "school"): (("vsv_school",),),
    ("dropout", "gemeente"): (("vsv_gemeente",),),
    ("dropout", "rmc"): (("vsv_gemeente",),),
}
"""Per (target, level): the outcome files it needs; each inner tuple lists alternatives."""
NOT_SOURCES = frozenset({"MANIFEST.json"})
"""Files the generator writes next to the sources that are not sources themselves."""


def locate(data_dir: Path) -> dict[str, list[Path]]:
    """Files per source kind; reference kinds fall back to the embedded skeleton."""
    found: dict[str, list[Path]] = {}
    for kind in SOURCE_KINDS:
        paths = sorted(data_dir.glob(kind.pattern))
        if not paths and kind.reference:
            paths = sorted(SKELETON_DIR.glob(kind.pattern))
        found[kind.key] = paths
    return found


def unrecognised(data_dir: Path) -> list[str]:
    """Names of files in the folder that match no known format (they are not read)."""
    known = {p.name for kind in SOURCE_KINDS for p in data_dir.glob(kind.pattern)}
    return sorted(
        p.name
        for p in data_dir.iterdir()
        if p.name not in known and p.name not in NOT_SOURCES and not p.name.startswith(".") and not p.is_dir()
    )


def skipped_targets(files: dict[str, list[Path]]) -> dict[tuple[str, str], str]:
    """(target, level) → why it cannot be built from these files; absent keys can be built."""
    out = {}
    for key, needs in OUTCOME_SOURCES.items():
        missing = [alts for alts in needs if not any(files.get(k) for k in alts)]
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


@dataclass
class FolderReport:
    """Everything :func:`assemble` found: per file, across files, and what cannot be built."""

    data_dir: Path
    files: list[FileCheck] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)
    skipped: dict[tuple[str, str], str] = field(default_factory=dict)
    errors: list[DataError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self) -> DataError:
        """All problems as one :class:`DataError` (what ``run`` raises, ``validate`` lists)."""
        return DataError.combine(self.errors)


def _read_file(kind: SourceKind, path: Path) -> tuple[pd.DataFrame, dict | None]:
    result = kind.reader(path)
    return result if isinstance(result, tuple) else (result, None)


def assemble(data_dir: Path = DEFAULT_DATA_DIR) -> tuple[Sources, FolderReport]:
    """Read every recognised file of ``data_dir`` and check them, alone and together; never raise
    a :class:`DataError` (they are collected in the report, per file)."""
    from features.crosscheck import check_across_files

    files = locate(data_dir)
    report = FolderReport(data_dir=data_dir, unrecognised=unrecognised(data_dir) if data_dir.is_dir() else [])
    if not data_dir.is_dir():
        report.errors.append(DataError(data_dir, "folder not found", expected="a folder with DUO/CBS files"))
        return Sources(data_dir=data_dir, files=files), report
    if files["advice"]:
        report.notes.append(f"advice from {files['advice'][0].name} (wide schooladviezen files checked only)")
    elif files["advice_wide"]:
        report.notes.append(
            "advice from the wide schooladviezen files (2019-20 on): no brin6_advies.csv in the folder"
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
            try:
                table, geo = _read_file(kind, path)
            except DataError as exc:
                report.errors.append(exc)
                report.files.append(FileCheck(kind.key, kind.label, path.name, False, 0, str(exc)))
                continue
            frames.append(table)
            if geo is not None:
                sources.geojson = geo
            message = "ok" + (" (embedded reference)" if embedded else "")
            report.files.append(
                FileCheck(kind.key, kind.label, path.name, True, len(table), message, present=not embedded)
            )
        if frames and len(frames) == len(paths):
            sources.tables[kind.key] = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if "advice" not in sources.tables and "advice_wide" in sources.tables:
        sources.tables["advice"] = sources.tables["advice_wide"]
        sources.files["advice"] = files["advice_wide"]
    if len(report.skipped) == len(OUTCOME_SOURCES):
        report.errors.append(
            DataError(
                data_dir,
                "no outcome files: nothing to build",
                expected="at least brin6_eindscores.csv + brin6_heroverweging.csv + advice files, "
                "vsv-per-swv-YYYY.csv or a 84780NED StatLine export",
            )
        )
    if report.ok:
        report.errors.extend(check_across_files(sources, report.notes))
    return sources, report


def load_sources(data_dir: Path = DEFAULT_DATA_DIR) -> Sources:
    """Read all sources of ``data_dir``; raise every problem found as one :class:`DataError`."""
    sources, report = assemble(data_dir)
    if not report.ok:
        raise report.error()
    return sources
