"""The app's folder validator, confined to one configured data root.

The Model & data page lets a visitor name a folder of DUO/CBS downloads to check. The app runs
on a server, so a free path would let any visitor probe the server's file system (``/``,
``/etc``, ``~``) and read the first line of whatever file matched. Hence:

* only folders **inside the data root** are accepted — ``--data-root`` of ``kansenradar app``,
  else the ``KANSENRADAR_DATA_ROOT`` environment variable, else the project's ``data/`` folder;
  the visitor types a path *relative* to it;
* the folder and every file read are resolved (symlinks followed) and must still lie inside the
  root: a symlink pointing out of it is refused, not followed;
* at most :data:`MAX_FILES` recognised files, each at most :data:`MAX_FILE_BYTES`, together at
  most :data:`MAX_TOTAL_BYTES`, are read;
* messages never echo file contents: a problem is located by file, row and column with what was
  expected — the value found is left out, and an unrecognised header is reported as such.

A path typed here is compared with the root after resolution, so ``..`` cannot climb out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from features.catalog import SOURCE_KINDS, FileCheck
from features.errors import DataError
from features.paths import DATA_ROOT_ENV, data_root

__all__ = ["DATA_ROOT_ENV", "FolderRefused", "check_folder", "data_root", "inside_root", "refused_files"]
MAX_FILES = 60
MAX_FILE_BYTES = 200 * 1024**2
MAX_TOTAL_BYTES = 1024**3


class FolderRefused(ValueError):
    """The folder may not be read (outside the root, missing, or too large)."""


def inside_root(text: str, root: Path | None = None) -> Path:
    """The folder a visitor named, resolved; refused unless it lies inside the data root."""
    root = (root or data_root()).resolve()
    raw = Path(text.strip())
    if not text.strip():
        raise FolderRefused("no folder given")
    candidate = raw if raw.is_absolute() else root / raw
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise FolderRefused("folder does not exist inside the data root") from exc
    if not resolved.is_relative_to(root):
        raise FolderRefused("only folders inside the data root can be checked")
    if not resolved.is_dir():
        raise FolderRefused("not a folder")
    return resolved


@dataclass(frozen=True)
class _Plan:
    files: list[tuple[object, Path]]
    refused: list[FileCheck]


def _plan(folder: Path, root: Path) -> _Plan:
    files, refused, total = [], [], 0
    for kind in SOURCE_KINDS:
        for path in sorted(folder.glob(kind.pattern)):
            real = path.resolve()
            if not real.is_relative_to(root):
                refused.append(
                    FileCheck(
                        kind.key,
                        kind.label,
                        path.name,
                        False,
                        0,
                        "refused: link points outside the data root",
                    )
                )
                continue
            if not real.is_file():
                continue
            size = real.stat().st_size
            if size > MAX_FILE_BYTES:
                refused.append(
                    FileCheck(
                        kind.key,
                        kind.label,
                        path.name,
                        False,
                        0,
                        f"refused: larger than {MAX_FILE_BYTES // 1024**2} MB",
                    )
                )
                continue
            total += size
            files.append((kind, real))
    if len(files) > MAX_FILES:
        raise FolderRefused(f"more than {MAX_FILES} recognised files")
    if total > MAX_TOTAL_BYTES:
        raise FolderRefused(f"recognised files together exceed {MAX_TOTAL_BYTES // 1024**3} GB")
    return _Plan(files, refused)


def refused_files(folder: Path, root: Path | None = None) -> list[str]:
    """Why recognised files of a folder may not be read (links out of the root, too large);
    raises FolderRefused when the folder as a whole is too large."""
    plan = _plan(folder, (root or data_root()).resolve())
    return [f"{c.file}: {c.message}" for c in plan.refused]


def without_values(text: str) -> str:
    """A report line without the values it quotes from the file (``(found '…')``): the page
    names file, row and column and what was expected, never the file's contents."""
    return re.sub(r" ?\(found '[^']*'\)", "", str(text))


def safe_message(exc: DataError) -> str:
    """The error located by file, row and column with what was expected — no file contents."""
    where = Path(exc.file).name
    if exc.row is not None:
        where += f", row {exc.row}"
    if exc.column is not None and exc.row is not None:
        where += f", column '{exc.column}'"
    msg = f"{where}: {exc.problem}"
    if exc.row is None and exc.value is not None:
        msg = f"{Path(exc.file).name}: header or layout not recognised"
    if exc.expected:  # our words — minus any quote of the file's own header line
        msg += f"; expected {exc.expected.split('; the header has')[0]}"
    return msg[:400]


def check_folder(text: str, root: Path | None = None) -> list[FileCheck]:
    """Validate the recognised files of a folder inside the data root; raises FolderRefused."""
    root = (root or data_root()).resolve()
    folder = inside_root(text, root)
    plan = _plan(folder, root)
    checks = list(plan.refused)
    seen = set()
    for kind, path in plan.files:
        seen.add(kind.key)
        try:
            result = kind.reader(path)
            table = result[0] if isinstance(result, tuple) else result
            checks.append(FileCheck(kind.key, kind.label, path.name, True, len(table), "ok"))
        except DataError as exc:
            checks.append(FileCheck(kind.key, kind.label, path.name, False, 0, safe_message(exc)))
        except Exception:  # a reader choking on a strange file: say so, show nothing of it
            checks.append(FileCheck(kind.key, kind.label, path.name, False, 0, "could not be read"))
    for kind in SOURCE_KINDS:
        if kind.key not in seen and not any(c.kind == kind.key for c in checks):
            note = "not present" + (" — the embedded reference is used" if kind.reference else "")
            checks.append(
                FileCheck(kind.key, kind.label, kind.pattern, kind.reference, 0, note, present=False)
            )
    return checks
