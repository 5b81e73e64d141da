"""Skip what has not changed: a run on the same data, code and settings reuses what it made.

Before 0.3 every ``kansenradar run`` trained, registered and audited everything again, so the same
data gave a new registry version each time and a rerun took as long as the first run. Now each
experiment's finished outcome carries a *run key* — a hash of the data fingerprint, the source
code, the experiment spec and the fairness limits — stored twice: as a tag on the registered model
version (the registry is the authority, as for promotion) and in ``outputs/<name>/rerun.json``
(what the CLI prints). A rerun reuses an experiment only when both agree and the version's bundle
is still on disk; anything else (edited data, code or config, a deleted bundle, a tampered
``rerun.json``) trains it again. ``kansenradar run --retrain`` ignores the keys.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from functools import cache
from pathlib import Path

import pandas as pd

from features.provenance import DataOrigin, files_digest
from models.spec import ExperimentSpec, FairnessLimits

RERUN_FILE = "rerun.json"
RUN_KEY_TAG = "run_key"
_SOURCE_PACKAGES = ("features", "models", "experiments")


@cache
def code_digest() -> str:
    """A hash of every file of the packages that make a model: sources, templates, configs and
    the embedded registers in ``features/skeleton`` (about 11 MB, hashed in well under a second).

    ``app/`` does not change what a run computes, so it is left out.
    """
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for package in _SOURCE_PACKAGES:
        files = sorted(
            p
            for p in (root / package).rglob("*")
            if p.is_file() and p.suffix != ".pyc" and "__pycache__" not in p.parts
        )
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def folder_digest(data_dir: Path) -> str:
    """The bytes of every file in the data folder, subfolders included (``truth/`` feeds the
    early-warning evaluation).

    The data fingerprint of generated data comes from its manifest; a file edited after it was
    generated must still count as changed data here (about 0.2 s for the national default).
    """
    return files_digest(data_dir, recursive=True)


_WHERE_NOT_WHAT = {
    "KANSENRADAR_HOME",
    "KANSENRADAR_OUTPUT_DIR",
    "KANSENRADAR_LOG_DIR",
    "KANSENRADAR_DATA_ROOT",
}


def behaviour_settings() -> dict[str, str]:
    """``KANSENRADAR_*`` variables that may change what a run computes (e.g. the last school
    year); the ones that only say where files live, or how many workers train, are left out."""
    skip = _WHERE_NOT_WHAT | {"KANSENRADAR_WORKERS"}
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith("KANSENRADAR_") and k not in skip}


def run_key(spec: ExperimentSpec, origin: DataOrigin, limits: FairnessLimits, data_bytes: str = "") -> str:
    """What one experiment's result depends on, as 16 hex digits (``data_bytes``:
    :func:`folder_digest` of the data folder)."""
    payload = {
        "data": origin.fingerprint,
        "data_bytes": data_bytes,
        "code": code_digest(),
        "spec": asdict(spec),
        "limits": asdict(limits),
        "settings": behaviour_settings(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _plain(value: object) -> object:
    """numpy scalars as Python numbers (so a reused outcome writes the same CSV), else text."""
    return value.item() if hasattr(value, "item") else str(value)


def remember(output_dir: Path, key: str, outcome_fields: dict) -> None:
    """Write ``rerun.json`` beside the experiment's bundles, after the version is registered."""
    folder = output_dir / outcome_fields["registered_name"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RERUN_FILE).write_text(
        json.dumps({"key": key, **outcome_fields}, indent=1, default=_plain), encoding="utf-8"
    )


_STORED_TEXT = ("registered_name", "version", "run_id", "candidate_row")


def recall(output_dir: Path, spec: ExperimentSpec, key: str, registry: object) -> dict | None:
    """The stored outcome of ``spec`` when it may be reused, else ``None`` (train again).

    ``registry(name, version)`` returns ``(run key tagged on that version, champion version)``
    — either ``None`` when missing — so this module needs no MLflow import of its own. What the
    registry says wins over the file: whether the version is the champion is asked, not read.
    Any field missing or of the wrong kind, or any table of the bundle missing, means: train again.
    """
    path = output_dir / spec.registered_name / RERUN_FILE
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    if not all(isinstance(stored.get(f), str) and stored[f] for f in _STORED_TEXT):
        return None
    early, emerging = stored.get("early_warning", []), stored.get("emerging", {})
    if not (
        isinstance(early, list) and all(isinstance(r, dict) for r in early) and isinstance(emerging, dict)
    ):
        return None
    if stored["registered_name"] != spec.registered_name:
        return None
    bundle = output_dir / spec.registered_name / f"v{stored['version']}"
    from models.bundle import REPORT_FILES, TABLES  # light: no MLflow

    needed = [bundle / "meta.json", *(bundle / f"{t}.parquet" for t in TABLES)]
    if not all(p.is_file() for p in [*needed, *(bundle / f for f in REPORT_FILES.values())]):
        return None
    tagged, champion = registry(spec.registered_name, stored["version"])  # type: ignore[operator]
    if tagged != key:
        return None
    try:
        comparison = pd.read_parquet(bundle / "comparison.parquet").set_index("model").rename_axis(None)
    except (OSError, ValueError, KeyError):
        return None
    if stored["candidate_row"] not in comparison.index:
        return None
    stored.update(bundle=bundle, comparison=comparison, champion=champion)
    stored["promoted"] = champion == stored["version"]
    return stored
