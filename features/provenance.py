"""Where the data behind every figure come from: simulated (the embedded default) or a user's folder.

One function, :func:`data_origin`, decides it from the data folder's manifest — not from whether
a truth file happens to exist — and everything that shows or exports a figure carries its answer:
bundles, exports, the REST response, the model card and a fixed notice on every app page. A
screenshot or a CSV of simulated flags at real, named schools must never travel without saying so.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST = "MANIFEST.json"
GENERATOR = "kansenradar.features.synthetic"
SIMULATED = "simulated"


@dataclass(frozen=True)
class DataOrigin:
    """``label`` is ``"simulated"`` or the user's folder name (never a server path)."""

    simulated: bool
    label: str
    fingerprint: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _generator_manifest(data_dir: Path) -> dict | None:
    path = data_dir / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("generator") == GENERATOR else None


def data_origin(data_dir: Path) -> DataOrigin:
    """Simulated when the folder's manifest says the embedded generator wrote it; else the user's.

    The fingerprint (12 hex digits) identifies the exact files: for generated data the hashes the
    manifest lists (truth files excluded), for a user's folder the name and bytes of every file.
    """
    digest = hashlib.sha256()
    manifest = _generator_manifest(data_dir)
    if manifest is not None:
        files = {k: v for k, v in dict(manifest.get("files", {})).items() if not k.startswith("truth/")}
        digest.update(json.dumps(files, sort_keys=True).encode())
        return DataOrigin(True, SIMULATED, digest.hexdigest()[:12])
    return DataOrigin(False, data_dir.name, files_digest(data_dir)[:12])


def files_digest(data_dir: Path, *, recursive: bool = False) -> str:
    """The name and bytes of every file in ``data_dir`` (with ``recursive``, subfolders too)."""
    digest = hashlib.sha256()
    if not data_dir.is_dir():
        return digest.hexdigest()
    found = data_dir.rglob("*") if recursive else data_dir.iterdir()
    for path in sorted(p for p in found if p.is_file()):
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
