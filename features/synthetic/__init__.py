"""The embedded national default: semi-synthetic outcomes on the real school/gemeente skeleton.

``generate(out_dir, seed)`` writes DUO/CBS-format files (``brin6_*.csv``, wide schooladviezen,
``vsv-per-swv-YYYY.csv``, CBS 84780NED) plus ``truth/`` (planted hot spots and calibration
figures) that only tests and benchmarks read. Same seed → byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

from features.synthetic.parameters import SimulationParameters
from features.synthetic.publish import write_published_files, write_truth_files
from features.synthetic.world import SKELETON_DIR, World, load_skeleton, simulate

__all__ = ["SimulationParameters", "World", "generate", "load_skeleton", "simulate"]


def generate(
    out_dir: Path,
    seed: int = SimulationParameters.seed,
    scale: float = 1.0,
    progress: Callable[[str], None] | None = None,
    params: SimulationParameters | None = None,
) -> dict:
    """Simulate and write the default data set; returns a manifest with file hashes."""
    params = replace(params or SimulationParameters(), seed=seed, pupils_scale=scale)
    world = simulate(load_skeleton(SKELETON_DIR), params, progress=progress)
    paths = write_published_files(world, out_dir, params.suppress_below)
    paths += write_truth_files(world, out_dir)
    manifest = {
        "generator": "kansenradar.features.synthetic",
        "parameters": {
            k: (v if not isinstance(v, dict) else {str(a): b for a, b in v.items()})
            for k, v in asdict(params).items()
        },
        "n_pupil_records": world.n_pupil_records,
        "files": {
            p.relative_to(out_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths
        },
    }
    (out_dir / "MANIFEST.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest
