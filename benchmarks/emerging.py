"""``python -m benchmarks.emerging [--seeds 20241,7,3,5,11] [--level-models]``: early warning
over many generated worlds, against its limit.

For every seed it generates two worlds at full scale — the embedded default (planted hot spots)
and the same world with planting switched off — and measures, per experiment:

* the **detector** (:func:`models.emerging.detect`), the plain **binomial z** of this year against
  the place's own past (:func:`models.emerging.binomial_z`) and the **oracle**
  (:func:`experiments.emerging_eval.oracle_scores`: knows the planted rise, not the baseline),
  the last two put at the detector's false-alarm rate among scored never-planted places each
  year; recall within 1 / 2 / 3 years of onset, false-alarm rate among *scored* never-planted
  places and the share not scored;
* on the null world: the detector's false-alarm rate per level (every scored place-year is a
  false alarm there), per fifth of the expected rate for levels with ≥ 200 places, per number of
  baseline years (the minimum history), and the binomial z at its own nominal line.

Figures are mean and range (min–max) over the seeds. ``--level-models`` adds the level models
and persistence (rolling-origin cross-validation) on the first seed only (≈ minutes). The table
is printed and written to ``benchmarks/emerging.md``. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

EXPERIMENTS = (
    ("under_advice", "school"),
    ("under_advice", "gemeente"),
    ("dropout", "school"),
    ("dropout", "gemeente"),
)
NULL_LEVELS = (
    ("under_advice", "school"),
    ("under_advice", "pc4"),
    ("under_advice", "gemeente"),
    ("dropout", "school"),
    ("dropout", "gemeente"),
    ("dropout", "rmc"),
)
SEEDS = (20241, 7, 3, 5, 11, 13, 17, 19)
EVAL_YEARS = (2019, 2020, 2021, 2022, 2023)  # the held-out years of every experiment config
FIFTHS_MIN_PLACES = 200
OUT_FILE = Path(__file__).with_name("emerging.md")
FIGURES = (
    "planted_recall_1y",
    "planted_recall_2y",
    "planted_recall_3y",
    "false_alarm_rate",
    "not_scored_share",
)


def _panels(data_dir: Path) -> dict[tuple[str, str], pd.DataFrame]:
    """Panels with targets and disclosure status: what the main job hands the detector."""
    from features.catalog import load_sources
    from features.panel import build_panels
    from features.suppression import protect_panels
    from features.targets import add_targets

    return {key: add_targets(p) for key, p in protect_panels(build_panels(load_sources(data_dir))).items()}


def _alarms(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[frame["school_year"].isin(EVAL_YEARS)]
    return pd.DataFrame(
        {
            "place_id": out["place_id"].astype(str).to_numpy(),
            "school_year": out["school_year"].to_numpy(),
            "alarm": out["alarm"].fillna(False).astype(bool).to_numpy(),
            "scored": (out["state"] != "insufficient_history").to_numpy(),
            "score": out["emerging_score"].to_numpy() if "emerging_score" in out else out["score"].to_numpy(),
        }
    )


def planted_rows(seed: int, data_dir: Path) -> list[dict]:
    """Detector, binomial z and oracle per experiment on the planted world of ``seed``."""
    from experiments.emerging_eval import (
        affected_places,
        at_false_alarm_rate,
        load_onsets,
        load_rise,
        oracle_scores,
        rise_shape,
    )
    from models.emerging import binomial_z, detect
    from models.metrics import early_warning_metrics

    panels = _panels(data_dir)
    rows = []
    for target, level in EXPERIMENTS:
        panel = panels[(target, level)]
        onsets = load_onsets(data_dir, target, level)
        exclude = affected_places(panel, data_dir, target, level)
        detector = _alarms(detect(panel, target).frame)
        never = detector[~detector["place_id"].isin(onsets.index) & ~detector["place_id"].isin(exclude)]
        rate = never[never["scored"]].groupby("school_year")["alarm"].mean()
        methods = {"detector": detector}
        baseline = _alarms(binomial_z(panel))
        methods["binomial_z"] = at_false_alarm_rate(baseline, onsets, rate, exclude)
        shape = rise_shape(load_rise(data_dir, target, level), onsets)
        methods["oracle"] = at_false_alarm_rate(
            oracle_scores(panel, shape, EVAL_YEARS), onsets, rate, exclude
        )
        for method, alarms in methods.items():
            m = early_warning_metrics(alarms, onsets, exclude=exclude)
            rows.append(
                {
                    "seed": seed,
                    "experiment": f"{target}_{level}",
                    "method": method,
                    "n_planted": m["n_planted"],
                }
                | {k: m[k] for k in FIGURES}
            )
    return rows


def level_model_rows(seed: int, data_dir: Path) -> list[dict]:
    """Persistence and the level models at the detector's alarm rate (one seed: minutes)."""
    from experiments.config import load_configs
    from experiments.emerging_eval import affected_places, evaluate_methods, load_onsets
    from features.catalog import load_sources
    from features.pipeline import build_features
    from models.emerging import detect
    from models.train import cross_validate

    built = build_features(load_sources(data_dir))
    rows = []
    for config in load_configs():
        if (config.target, config.level) not in EXPERIMENTS:
            continue
        panel, features = built[(config.target, config.level)]
        scores = {}
        for kind in ("persistence", *config.candidates):
            scores[kind] = cross_validate(kind, features, config).oof[["place_id", "school_year", "score"]]
        for r in evaluate_methods(
            config.name,
            detect(panel, config.target),
            scores,
            load_onsets(data_dir, config.target, config.level),
            eval_years=config.test_years,
            top_share=config.top_share,
            exclude=affected_places(panel, data_dir, config.target, config.level),
        ):
            if r["model"] != "detector":
                rows.append(
                    {
                        "seed": seed,
                        "experiment": config.name,
                        "method": r["model"],
                        "n_planted": r.get("n_planted"),
                    }
                    | {k: r.get(k) for k in FIGURES}
                )
    return rows


def null_rows(seed: int, data_dir: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """On a world with nothing planted: alarm rate per level, per fifth, per baseline length."""
    from models.emerging import binomial_z, detect

    panels = _panels(data_dir)
    levels, fifths, history = [], [], []
    for target, level in NULL_LEVELS:
        if (target, level) not in panels:
            continue
        panel = panels[(target, level)]
        frame = detect(panel, target).frame
        frame = frame[frame["school_year"].isin(EVAL_YEARS) & (frame["state"] != "insufficient_history")]
        z = binomial_z(panel)
        z = z[z["school_year"].isin(EVAL_YEARS) & (z["state"] != "insufficient_history")]
        key = f"{target}_{level}"
        levels.append(
            {
                "seed": seed,
                "level": key,
                "n_places": int(panel["place_id"].nunique()),
                "detector": float(frame.groupby("school_year")["alarm"].mean().mean()),
                "binomial_z": float(z.groupby("school_year")["alarm"].mean().mean()),
            }
        )
        if panel["place_id"].nunique() >= FIFTHS_MIN_PLACES:
            rank = frame.groupby("school_year")["expected_rate"].rank(pct=True, method="first")
            fifth = np.minimum((rank.to_numpy() * 5).astype(int), 4) + 1
            for q, rate in frame.groupby(fifth)["alarm"].mean().items():
                fifths.append({"seed": seed, "level": key, "fifth": int(q), "alarm_rate": float(rate)})
        for h, rate in frame.groupby("n_baseline_years")["alarm"].mean().items():
            history.append({"seed": seed, "level": key, "baseline_years": int(h), "alarm_rate": float(rate)})
    return levels, fifths, history


def _mean_range(values: pd.Series, digits: int = 3) -> str:
    v = values.dropna()
    if v.empty:
        return "–"
    if len(v) == 1:
        return f"{v.iloc[0]:.{digits}f}"
    return f"{v.mean():.{digits}f} ({v.min():.{digits}f}–{v.max():.{digits}f})"


def markdown(planted: pd.DataFrame, levels: pd.DataFrame, fifths: pd.DataFrame, history: pd.DataFrame) -> str:
    seeds = list(dict.fromkeys(planted["seed"]))
    lines = [
        f"Seeds {', '.join(map(str, seeds))}: mean (min–max) over seeds; level models (with "
        f"`--level-models`) on seed {seeds[0]} only.",
        "",
        "| experiment | method | recall 1 y | recall 2 y | recall 3 y | false alarms (scored) | not scored | "
        "2 y vs oracle |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for experiment, exp in planted.groupby("experiment", sort=False):
        oracle = exp[exp["method"] == "oracle"].set_index("seed")["planted_recall_2y"]
        for method, m in exp.groupby("method", sort=False):
            mine = m.set_index("seed")["planted_recall_2y"]
            ratio = (mine / oracle.reindex(mine.index)).replace([np.inf], np.nan)
            planted_n = f" ({m['n_planted'].mean():.0f} planted)" if method == "detector" else ""
            lines.append(
                f"| {experiment}{planted_n} | {method} | "
                + " | ".join(_mean_range(m[f]) for f in FIGURES)
                + f" | {_mean_range(ratio, 2)} |"
            )
    lines += [
        "",
        "Null world (planting off), detector's alarm rate among scored place-years 2019-20 … 2023-24 "
        "(configured 5 %); binomial z at its own nominal 5 % line:",
        "",
        "| level | places | detector | binomial z | fifths of expected rate, low → high (detector) |",
        "|---|---:|---:|---:|---|",
    ]
    for level, lv in levels.groupby("level", sort=False):
        f = fifths[fifths["level"] == level] if not fifths.empty else fifths
        per_fifth = (
            " / ".join(_mean_range(g["alarm_rate"]).split(" ")[0] for _, g in f.groupby("fifth"))
            if len(f)
            else "– (< 200 places)"
        )
        lines.append(
            f"| {level} | {lv['n_places'].iloc[0]:,} | {_mean_range(lv['detector'])} | "
            f"{_mean_range(lv['binomial_z'])} | {per_fifth} |"
        )
    lines += ["", "Null-world alarm rate by number of baseline years (mean over seeds):", ""]
    table = history.groupby(["level", "baseline_years"])["alarm_rate"].mean().unstack()
    lines.append("| level | " + " | ".join(f"{c} y" for c in table.columns) + " |")
    lines.append("|---|" + "---:|" * len(table.columns))
    for level, r in table.iterrows():
        lines.append(f"| {level} | " + " | ".join("–" if pd.isna(v) else f"{v:.3f}" for v in r) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)), help="candidate seeds, in order")
    parser.add_argument("--n-seeds", type=int, default=5, help="stop after this many measured worlds")
    parser.add_argument("--level-models", action="store_true", help="add the level models (first seed)")
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    args = parser.parse_args()
    from features.synthetic import SimulationParameters, generate

    null_params = replace(
        SimulationParameters(),
        hot_school_share=0.0,
        hot_gemeente_count=0,
        hot_vsv_school_share=0.0,
        hot_vsv_gemeente_count=0,
    )
    from features.errors import DataError

    candidates = [int(s) for s in args.seeds.split(",")]
    planted, levels, fifths, history, seeds, failed = [], [], [], [], [], []
    t0 = time.perf_counter()
    for seed in candidates:
        if len(seeds) == args.n_seeds:
            break
        try:  # a world whose files the readers refuse is reported, not measured
            with tempfile.TemporaryDirectory() as tmp:
                generate(Path(tmp), seed=seed)
                rows = planted_rows(seed, Path(tmp))
                if args.level_models and not seeds:
                    rows += level_model_rows(seed, Path(tmp))
            with tempfile.TemporaryDirectory() as tmp:
                generate(Path(tmp), seed=seed, params=null_params)
                lv, ff, hh = null_rows(seed, Path(tmp))
        except DataError as error:
            failed.append(f"seed {seed}: {error}")
            print(failed[-1], flush=True)
            continue
        planted, levels, fifths, history = planted + rows, levels + lv, fifths + ff, history + hh
        seeds.append(seed)
        print(f"seed {seed} done ({time.perf_counter() - t0:.0f} s)", flush=True)
    text = markdown(pd.DataFrame(planted), pd.DataFrame(levels), pd.DataFrame(fifths), pd.DataFrame(history))
    header = "# Early warning over many worlds\n\nMade by `python -m benchmarks.emerging` (`make bench`).\n\n"
    if failed:
        header += "Worlds the readers refused (not measured): " + "; ".join(failed) + "\n\n"
    args.out.write_text(header + text + "\n", encoding="utf-8")
    print(text)
    print(json.dumps({"seconds": time.perf_counter() - t0, "seeds": seeds}))


if __name__ == "__main__":
    main()
