"""The embedded national default: semi-synthetic outcomes on the real school/gemeente skeleton.

``generate(out_dir, seed)`` writes DUO/CBS-format files (``brin6_*.csv``, wide schooladviezen,
``vsv-per-swv-YYYY.csv``, CBS 84780NED) plus ``truth/`` (planted hot spots, calibration figures
and the realism report) that only tests and benchmarks read. Same seed → byte-identical files.
``MANIFEST.json`` records :data:`GENERATOR_VERSION`, so a folder written by an older generator
is recognised (:func:`manifest_status`) and never silently reused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

from features.provenance import GENERATOR as GENERATOR_NAME
from features.provenance import MANIFEST
from features.synthetic.files import REALISM_FILE
from features.synthetic.parameters import SimulationParameters
from features.synthetic.publish import write_published_files, write_truth_files
from features.synthetic.realism import measure
from features.synthetic.world import SKELETON_DIR, World, load_skeleton, simulate

__all__ = [
    "GENERATOR_NAME",
    "GENERATOR_VERSION",
    "REALISM_FILE",
    "SimulationParameters",
    "World",
    "generate",
    "load_skeleton",
    "manifest_status",
    "simulate",
]

GENERATOR_VERSION = 4
"""Bump whenever the same seed no longer gives the same world (2: schools anchored to real levels;
3: advice practice as persistent, wobbly and context-bound as DUO's six real years, VO dropout
wobble, gemeente dropout re-centred each year; 4: attainment and the current wide 04-/04.-, 05.-,
10.- files, issue 21)."""


def generate(
    out_dir: Path,
    seed: int = SimulationParameters.seed,
    scale: float = 1.0,
    progress: Callable[[str], None] | None = None,
    params: SimulationParameters | None = None,
) -> dict:
    """Simulate and write the default data set; returns a manifest with file hashes."""
    params = replace(params or SimulationParameters(), seed=seed, pupils_scale=scale)
    skeleton = load_skeleton(SKELETON_DIR)
    world = simulate(skeleton, params, progress=progress)
    paths = write_published_files(world, out_dir, params.suppress_below)
    paths += write_truth_files(world, out_dir)
    realism = out_dir / REALISM_FILE
    measure(world, skeleton, params.suppress_below).to_csv(realism, index=False, lineterminator="\n")
    paths.append(realism)
    manifest = {
        "generator": GENERATOR_NAME,
        "generator_version": GENERATOR_VERSION,
        "parameters": {
            k: (v if not isinstance(v, dict) else {str(a): b for a, b in v.items()})
            for k, v in asdict(params).items()
        },
        "n_pupil_records": world.n_pupil_records,
        "files": {
            p.relative_to(out_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths
        },
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def manifest_status(data_dir: Path) -> str:
    """``"user"`` (no generator manifest: the user's own files), ``"current"`` or ``"stale"``.

    A folder is stale when its ``MANIFEST.json`` names this generator with an older (or no)
    version: its files describe a different world than the code would generate today.
    """
    path = data_dir / MANIFEST
    if not path.is_file():
        return "user"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return "stale"
    if manifest.get("generator") != GENERATOR_NAME:
        return "user"
    return "current" if manifest.get("generator_version") == GENERATOR_VERSION else "stale"
