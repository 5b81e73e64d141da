"""``python -m benchmarks.emerging [data_dir]``: the emerging signal against the level models.

Generates the embedded default (seed 20241) when no data folder is given, builds panels and
features, scores every place, level and year with the detector (timed), cross-validates the
level models and persistence on the same rolling-origin folds, and prints the side-by-side
early-warning table of the README (markdown) plus one JSON line of timings. Nothing is asserted.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from models.metrics import EARLY_WARNING_METRICS

EXPERIMENTS = ("under_advice_school", "under_advice_gemeente", "dropout_school", "dropout_gemeente")
COLUMNS = EARLY_WARNING_METRICS


def measure(data_dir: Path) -> tuple[pd.DataFrame, dict]:
    from experiments.config import load_configs
    from experiments.emerging_eval import affected_places, evaluate_methods, load_onsets
    from features.catalog import load_sources
    from features.pipeline import build_features
    from models.emerging import detect
    from models.train import cross_validate

    built = build_features(load_sources(data_dir))
    t0 = time.perf_counter()
    detected = {key: detect(panel, key[0]) for key, (panel, _features) in built.items()}
    seconds = time.perf_counter() - t0
    timings = {"detect_all_seconds": seconds, "place_years": sum(len(p) for p, _ in built.values())}
    rows = []
    for config in load_configs():
        if config.name not in EXPERIMENTS:
            continue
        panel, features = built[(config.target, config.level)]
        scores, metrics = {}, {}
        for kind in ("persistence", *config.candidates):
            result = cross_validate(kind, features, config)
            scores[kind] = result.oof[["place_id", "school_year", "score"]]
            metrics[kind] = result.mean_metrics
        rows += evaluate_methods(
            config.name,
            detected[(config.target, config.level)],
            scores,
            load_onsets(data_dir, config.target, config.level),
            eval_years=config.test_years,
            top_share=config.top_share,
            exclude=affected_places(panel, data_dir, config.target, config.level),
            level_metrics=metrics,
        )
    return pd.DataFrame(rows), timings


def markdown(table: pd.DataFrame) -> str:
    lines = [
        "| experiment | signal | method | " + " | ".join(COLUMNS) + " |",
        "|---|---|---|" + "---:|" * len(COLUMNS),
    ]
    for r in table.itertuples(index=False):
        cells = [getattr(r, c) for c in COLUMNS]
        text = [
            "–" if v is None or pd.isna(v) else f"{v:.3f}" if isinstance(v, float) else str(v) for v in cells
        ]
        lines.append(f"| {r.experiment} | {r.signal} | {r.model} | " + " | ".join(text) + " |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1:
        table, timings = measure(Path(sys.argv[1]))
    else:
        from features.synthetic import generate

        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp), seed=20241)
            table, timings = measure(Path(tmp))
    print(markdown(table))
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
