"""Find and read every source file of a data folder: the user's downloads or the embedded default.

A folder is matched by file-name patterns (:data:`SOURCE_PATTERNS`), so users can drop DUO/CBS
downloads in with their published names. Reference files that rarely change (registers,
boundaries, code history, the advice rule) fall back to the embedded real skeleton when the
folder lacks them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from features import sources as src
from features.errors import DataError
from features.paths import DEFAULT_DATA_DIR, SKELETON_DIR


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


def locate(data_dir: Path) -> dict[str, list[Path]]:
    """Files per source kind; reference kinds fall back to the embedded skeleton."""
    found: dict[str, list[Path]] = {}
    for kind in SOURCE_KINDS:
        paths = sorted(data_dir.glob(kind.pattern))
        if not paths and kind.reference:
            paths = sorted(SKELETON_DIR.glob(kind.pattern))
        found[kind.key] = paths
    return found


@dataclass
class Sources:
    """Every table the panel needs, read and validated."""

    data_dir: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    geojson: dict | None = None
    files: dict[str, list[Path]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> pd.DataFrame:
        return self.tables[key]


def _read(kind: SourceKind, paths: list[Path]) -> tuple[pd.DataFrame, dict | None]:
    if not paths:
        raise DataError(
            kind.pattern, f"no file for {kind.label} found", expected=f"a file matching {kind.pattern}"
        )
    geo = None
    frames = []
    for path in paths if kind.multi_year else paths[:1]:
        result = kind.reader(path)
        if isinstance(result, tuple):
            result, geo = result
        frames.append(result)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0], geo


def load_sources(data_dir: Path = DEFAULT_DATA_DIR) -> Sources:
    """Read all sources of ``data_dir``; the first bad file raises its :class:`DataError`."""
    files = locate(data_dir)
    out = Sources(data_dir=data_dir, files=files)
    for kind in SOURCE_KINDS:
        table, geo = _read(kind, files[kind.key])
        out.tables[kind.key] = table
        if geo is not None:
            out.geojson = geo
    return out


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


def validate_folder(data_dir: Path) -> list[FileCheck]:
    """Read every recognised file of a folder and report, never raise, per file."""
    checks = []
    for kind in SOURCE_KINDS:
        paths = sorted(data_dir.glob(kind.pattern))
        if not paths:
            checks.append(
                FileCheck(
                    kind.key,
                    kind.label,
                    kind.pattern,
                    kind.reference,
                    0,
                    "not present" + (" — the embedded reference is used" if kind.reference else ""),
                    present=False,
                )
            )
            continue
        for path in paths:
            try:
                result = kind.reader(path)
                table = result[0] if isinstance(result, tuple) else result
                checks.append(FileCheck(kind.key, kind.label, path.name, True, len(table), "ok"))
            except DataError as exc:
                checks.append(FileCheck(kind.key, kind.label, path.name, False, 0, str(exc)))
    return checks
