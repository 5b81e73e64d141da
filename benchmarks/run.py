"""``make bench``: time and peak memory of every stage at national scale; prints a table.

Nothing here is asserted: machines are noisy. Each stage runs in its own process so its peak
RSS is its own. The app stage measures the bundles of the last ``kansenradar run``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ORDER = [
    "generate",
    "main_job",
    "main_job_rerun",
    "cli_help",
    "read",
    "features",
    "emerging",
    "train",
    "audit",
    "score",
    "pupils",
    "generate_10m",
    "app",
    "briefs",
]
LABELS = {
    "generate": "generate national default (6,579 schools × 11 years)",
    "main_job": "main job after the data exist (kansenradar run, parallel training)",
    "main_job_rerun": "main job again on unchanged data, code and settings (goal ≤ 15 s)",
    "cli_help": "kansenradar --help, fresh process, median of 5 (goal ≤ 0.5 s)",
    "read": "read all source files through the readers",
    "features": "panels + features, all targets and levels",
    "emerging": "emerging detector: all places, levels and years (goal ≤ 2 s)",
    "train": "train 6 experiments × 4 model kinds, rolling-origin CV",
    "audit": "fairness audit, school level, 1,000 bootstraps",
    "score": "score 2024 + TreeSHAP contributions (school level)",
    "pupils": "10 M pupil records → school-year panel (DuckDB)",
    "generate_10m": "generate at scale 5.5 (≈10.9 M pupil records)",
    "app": "overview page warm render (AppTest)",
    "briefs": "kansenradar brief --all: every gemeente, HTML + A4 PDF",
    "browser": "Chromium: Overview first load (median of 10; more figures →)",
}


def main() -> None:
    only = sys.argv[1:] or ORDER
    root = Path(__file__).resolve().parents[1]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for stage in only:
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.stages", stage, tmp],
                cwd=root,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONWARNINGS": "ignore"},
            )
            line = next((x for x in reversed(out.stdout.splitlines()) if x.startswith("{")), None)
            if out.returncode != 0 or line is None:
                print(f"{stage}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
                continue
            rows.append(json.loads(line))
            r = rows[-1]
            print(f"{LABELS[stage]:<58} {r['seconds']:8.2f} s {r['peak_mb']:8.0f} MB", flush=True)
    print()
    when = time.strftime("%Y-%m-%d %H:%M")
    print(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, {when}")
    print("| stage | seconds | peak MB | other figures |")
    print("|---|---:|---:|---|")
    for r in rows:
        extra = ", ".join(
            f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in r.items()
            if k not in ("stage", "seconds", "peak_mb")
        )
        print(f"| {LABELS[r['stage']]} | {r['seconds']:.2f} | {r['peak_mb']:.0f} | {extra} |")


if __name__ == "__main__":
    main()
