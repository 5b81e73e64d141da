"""One benchmark stage per process, so peak memory (max RSS) belongs to that stage alone.

``python -m benchmarks.stages <stage> <workdir>`` prints one JSON line:
``{"stage": ..., "seconds": ..., "peak_mb": ..., ...extra figures}``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage_generate(work: Path) -> dict:
    from features.synthetic import generate

    t0 = time.perf_counter()
    manifest = generate(work / "data", seed=20241)
    return {"seconds": time.perf_counter() - t0, "records": manifest["n_pupil_records"]}


def stage_read(work: Path) -> dict:
    from features.catalog import load_sources

    t0 = time.perf_counter()
    sources = load_sources(work / "data")
    rows = sum(len(t) for t in sources.tables.values())
    return {"seconds": time.perf_counter() - t0, "rows": rows}


def stage_features(work: Path) -> dict:
    from features.catalog import load_sources
    from features.pipeline import build_features

    sources = load_sources(work / "data")
    t0 = time.perf_counter()
    built = build_features(sources)
    seconds = time.perf_counter() - t0
    import pickle

    (work / "built.pkl").write_bytes(pickle.dumps(built))
    return {"seconds": seconds, "rows": sum(len(f) for _, f in built.values())}


def stage_train(work: Path) -> dict:
    import pickle

    from experiments.config import load_configs
    from models.train import train_experiment

    built = pickle.loads((work / "built.pkl").read_bytes())
    t0 = time.perf_counter()
    results = {}
    for config in load_configs():
        _, feats = built[(config.target, config.level)]
        results[config.name] = train_experiment(feats, config)[0:2]
    seconds = time.perf_counter() - t0
    (work / "results.pkl").write_bytes(pickle.dumps(results))
    return {"seconds": seconds, "experiments": len(results)}


def stage_audit(work: Path) -> dict:
    import pickle

    from features.pipeline import place_attributes
    from models.audit import audit_predictions
    from models.spec import FairnessLimits

    built = pickle.loads((work / "built.pkl").read_bytes())
    results = pickle.loads((work / "results.pkl").read_bytes())
    panel, _ = built[("under_advice", "school")]
    per_kind, chosen = results["under_advice_school"]
    cand = per_kind[chosen]
    oof = cand.oof.merge(place_attributes(panel), on=["place_id", "school_year"], how="left")
    t0 = time.perf_counter()
    audit = audit_predictions(oof, cand.threshold, FairnessLimits(n_boot=1000))
    return {
        "seconds": time.perf_counter() - t0,
        "rows": len(oof),
        "groups": int(audit.groups["audited"].sum()),
    }


def stage_score(work: Path) -> dict:
    import pickle

    from experiments.config import load_configs
    from models.registry import build_risk_model
    from models.scoring import score_year

    built = pickle.loads((work / "built.pkl").read_bytes())
    results = pickle.loads((work / "results.pkl").read_bytes())
    config = next(c for c in load_configs() if c.name == "under_advice_school")
    per_kind, chosen = results[config.name]
    model = build_risk_model(per_kind[chosen], config)
    panel, feats = built[("under_advice", "school")]
    rows = feats[feats["school_year"] == 2024]
    t0 = time.perf_counter()
    model.score(rows)
    predict = time.perf_counter() - t0
    t0 = time.perf_counter()
    score_year(model, feats, panel, 2024)
    return {"seconds": time.perf_counter() - t0, "predict_only_seconds": predict, "places": len(rows)}


def stage_main_job(work: Path) -> dict:
    """``kansenradar run`` after the data exist: all experiments, MLflow, audit, bundles."""
    import os

    from experiments.runner import run_all

    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{work / 'bench_mlflow.db'}"
    t0 = time.perf_counter()
    outcomes = run_all(work / "data", output_dir=work / "bench_outputs")
    seconds = time.perf_counter() - t0
    train = max(o.seconds.get("train", 0.0) for o in outcomes)
    return {"seconds": seconds, "experiments": len(outcomes), "slowest_training_s": train}


def stage_main_job_rerun(work: Path) -> dict:
    """``kansenradar run`` again on unchanged data, code and settings (after ``main_job``): the
    run key says nothing changed, so nothing is trained or registered (experiments.rerun)."""
    import os

    from experiments.runner import run_all

    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{work / 'bench_mlflow.db'}"
    t0 = time.perf_counter()
    outcomes = run_all(work / "data", output_dir=work / "bench_outputs")
    return {
        "seconds": time.perf_counter() - t0,
        "experiments": len(outcomes),
        "reused": sum(o.reused for o in outcomes),
    }


def stage_cli_help(work: Path) -> dict:
    """``kansenradar --help`` and ``run --help`` as a user starts them: a fresh process each,
    median of 5 (the CLI imports no heavy library before a command needs it)."""
    import shutil
    import statistics
    import subprocess

    exe = shutil.which("kansenradar") or str(Path(sys.executable).parent / "kansenradar")
    timings = {}
    for args in (["--help"], ["run", "--help"]):
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run([exe, *args], capture_output=True, check=True)
            runs.append(time.perf_counter() - t0)
        timings[" ".join(args)] = statistics.median(runs)
    return {"seconds": timings["--help"], "run_help_s": timings["run --help"]}


def stage_pupils(work: Path) -> dict:
    """10 M pupil records aggregated to the school-year panel: pandas vs DuckDB vs NumPy."""
    import duckdb
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 10_000_000
    pupils = pd.DataFrame(
        {
            "school": rng.integers(0, 6579, n, dtype=np.int32),
            "school_year": rng.integers(2014, 2025, n, dtype=np.int16),
            "parent_education": rng.integers(0, 3, n, dtype=np.int8),
            "tested": rng.random(n) < 0.97,
            "eligible": rng.random(n) < 0.27,
            "raised": rng.random(n) < 0.1,
            "test_z": rng.normal(0, 1, n).astype(np.float32),
        }
    )
    t0 = time.perf_counter()
    pd_result = pupils.groupby(["school", "school_year"], sort=False).agg(
        n_tested=("tested", "sum"),
        n_events=("eligible", "sum"),
        n_raised=("raised", "sum"),
        sum_test_z=("test_z", "sum"),
    )
    pandas_s = time.perf_counter() - t0
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    t0 = time.perf_counter()
    dd = con.execute("""SELECT school, school_year, sum(tested::INT) n_tested,
        sum(eligible::INT) n_events, sum(raised::INT) n_raised, sum(test_z) sum_test_z
        FROM pupils GROUP BY ALL""").df()
    duck_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    key = pupils["school"].to_numpy().astype(np.int64) * 11 + (pupils["school_year"].to_numpy() - 2014)
    np.bincount(key, weights=pupils["eligible"].to_numpy(), minlength=6579 * 11)
    numpy_s = time.perf_counter() - t0
    assert len(dd) == len(pd_result)
    assert int(dd["n_events"].sum()) == int(pd_result["n_events"].sum())
    return {
        "seconds": duck_s,
        "pandas_seconds": pandas_s,
        "duckdb_seconds": duck_s,
        "numpy_bincount_one_column_seconds": numpy_s,
        "records": n,
        "ratio_pandas_over_duckdb": pandas_s / duck_s,
    }


def stage_generate_10m(work: Path) -> dict:
    from features.synthetic import generate

    t0 = time.perf_counter()
    manifest = generate(work / "data_10m", seed=20241, scale=5.5)
    return {"seconds": time.perf_counter() - t0, "records": manifest["n_pupil_records"]}


def stage_browser(work: Path) -> dict:
    """Chromium: first Overview load, page switch, drill-down, language switch (median of 10)."""
    from benchmarks.browser import measure

    figures = measure(10)
    return {"seconds": figures["first_load_median_s"], **figures}


def stage_app(work: Path) -> dict:
    """Warm render of the overview page and one filter interaction (AppTest, no browser)."""
    from streamlit.testing.v1 import AppTest

    page = str(Path(__file__).resolve().parents[1] / "app" / "pages" / "0_Overzicht.py")
    at = AppTest.from_file(page, default_timeout=120).run()  # cold: fills caches
    t0 = time.perf_counter()
    at = AppTest.from_file(page, default_timeout=120).run()
    warm = time.perf_counter() - t0
    choice = at.selectbox(key="gemeente_choice_nl")
    t0 = time.perf_counter()
    choice.select_index(1).run()
    interaction = time.perf_counter() - t0
    assert not at.exception
    return {"seconds": warm, "interaction_seconds": interaction}


def stage_emerging(work: Path) -> dict:
    import pickle

    from models.emerging import detect

    built = pickle.loads((work / "built.pkl").read_bytes())
    t0 = time.perf_counter()
    alarms = sum(int(detect(panel, key[0]).frame["alarm"].sum()) for key, (panel, _) in built.items())
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "place_years": sum(len(p) for p, _ in built.values()), "alarms": alarms}


def stage_briefs(work: Path) -> dict:
    """``kansenradar brief --all``: every gemeente's brief as HTML and A4 PDF (wall clock, CLI start
    included), on the bundles of the main job stage (else of the last ``kansenradar run``)."""
    import os
    import subprocess

    from features.paths import output_root

    bundles = work / "bench_outputs"
    env = dict(os.environ)
    if bundles.is_dir():
        env["KANSENRADAR_OUTPUT_DIR"] = str(bundles)
        env["MLFLOW_TRACKING_URI"] = f"sqlite:///{work / 'bench_mlflow.db'}"
    out = work / "briefs"
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "app.cli", "brief", "--all", "--out-dir", str(out)],
        check=True,
        env=env,
        capture_output=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    seconds = time.perf_counter() - t0
    pdfs = list(out.glob("*.pdf"))
    return {
        "seconds": seconds,
        "briefs": len(pdfs),
        "per_brief_s": seconds / max(len(pdfs), 1),
        "cli_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "bundles": "main_job" if bundles.is_dir() else str(output_root()),
    }


STAGES = {name.removeprefix("stage_"): fn for name, fn in globals().items() if name.startswith("stage_")}

if __name__ == "__main__":
    stage, work = sys.argv[1], Path(sys.argv[2])
    result = STAGES[stage](work)
    result.update({"stage": stage, "peak_mb": _peak_mb()})
    print(json.dumps(result))
