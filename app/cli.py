"""``kansenradar`` command line: every stage, and all of them at once.

Exit codes: 0 ok · 1 usage error · 2 a data file is wrong (the message says which file, row
and column) · 3 no champion model (run ``kansenradar train`` first) · 4 promotion refused ·
5 unexpected error (a short message; the traceback is in the log file it names).

Imports are lazy on purpose: ``--help``, a usage error or ``kansenradar app`` must answer at once,
so this module loads only typer, rich and the light ``features.paths`` / ``features.vocabulary``;
each command imports the heavy libraries (pandas, scikit-learn, MLflow, LightGBM, fairlearn)
it needs inside its body. ``tests/app/test_cli.py`` counts the modules ``--help`` imports.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from features.paths import APP_ENTRY, DATA_ROOT_ENV, HOME_ENV, default_data_dir, home, output_root

if TYPE_CHECKING:
    from models.bundle import Bundle


def _quiet_libraries() -> None:
    """MLflow and friends log chatty INFO lines and warnings; a CLI user wants the summary.

    Called when the CLI starts (not on import), so importing this module changes nothing for
    tests or other callers.
    """
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "ERROR")
    for module in ("mlflow", "lightgbm", "sklearn", "fairlearn", "pydantic"):
        warnings.filterwarnings("ignore", module=module)
    for name in ("mlflow", "alembic", "lightgbm", "urllib3"):
        logging.getLogger(name).setLevel(logging.ERROR)


app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="kansenradar — early warning of unequal opportunity in Dutch education. "
    "Flags places (schools, postcode areas, gemeenten, RMC regions), never persons.",
    epilog="Exit codes: 0 ok · 1 usage · 2 a data file is wrong (file, row, column "
    "named) · 3 no champion yet · 4 promotion refused by the fairness gate · 5 unexpected "
    "error (the traceback is written to a log file under <home>/outputs/logs).",
)


@app.callback()
def _working_folder(
    home_dir: Path = typer.Option(
        None,
        "--home",
        help="Working folder for data, outputs, logs and the MLflow store (default: "
        "KANSENRADAR_HOME, else the checkout when run from one, else a per-user data folder).",
        show_default=False,
    ),
) -> None:
    """Set the working folder for this command and every process it starts (app, serving)."""
    if home_dir is not None:
        os.environ[HOME_ENV] = str(home_dir.expanduser().resolve())


def _home() -> Path:
    """The working folder, created on first use (a command that writes needs it)."""
    folder = home()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


console = Console()
if not console.is_terminal:  # logs and CI: do not squeeze tables into 80 columns
    console = Console(width=160)
err = Console(stderr=True)

DataDir = typer.Option(
    None,
    "--data-dir",
    "-d",
    help="Folder with DUO/CBS files (default: the embedded national data, <home>/data/generated).",
    show_default=False,
)


def _data(data_dir: Path | None) -> Path:
    return default_data_dir() if data_dir is None else data_dir


Target = typer.Option("under_advice", "--target", "-t", help="under_advice or dropout.")
Level = typer.Option("gemeente", "--level", "-l", help="school, pc4, gemeente or rmc.")
Retrain = typer.Option(
    False, "--retrain", help="Train and register again even when data, code and settings are unchanged."
)


def _fail(message: str, code: int) -> None:
    err.print(f"[bold red]error:[/] {message}", soft_wrap=True)  # a path is never broken in two
    raise typer.Exit(code)


def _check_place_kind(target: str, level: str) -> None:
    """Unknown target or level: a usage error (exit 1) before any data is read or trained."""
    from features.vocabulary import TARGET_LEVELS

    if target not in TARGET_LEVELS:
        _fail(f"unknown target {target!r}; choose one of {', '.join(TARGET_LEVELS)}", 1)
    if level not in TARGET_LEVELS[target]:
        _fail(f"unknown level {level!r} for {target}; choose one of {', '.join(TARGET_LEVELS[target])}", 1)


def _check_reason(force: bool, reason: str | None, flag: str) -> None:
    """An override needs a written reason: blank or whitespace is a usage error (exit 1)."""
    if force and not (reason and reason.strip()):
        _fail(f"{flag} needs --reason '...' with words in it (the override is recorded in MLflow)", 1)


@contextlib.contextmanager
def _stages(total: int, first: str) -> Iterator[Callable[[str], None]]:
    """Report long work stage by stage: a rich progress bar on a terminal, and one plain line per
    stage with the elapsed time otherwise (CI logs, ``make run > log``), so nothing is silent."""
    t0 = time.perf_counter()
    if not console.is_terminal:

        def line(msg: str) -> None:
            print(f"[{time.perf_counter() - t0:6.1f} s] {msg}", flush=True)

        line(first)
        yield line
        line("done")
        return
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    with bar:
        task = bar.add_task(first, total=total)
        yield lambda msg: bar.update(task, advance=1, description=msg)
        bar.update(task, completed=total, description="done")


def ensure_default_data(data_dir: Path, seed: int = 20241) -> None:
    """Generate the embedded default on first use (deterministic, ~5 s) or when it is stale.

    A folder written by an older generator describes another world: the default folder is
    regenerated, any other folder is refused rather than silently reused.
    """
    from features.synthetic import GENERATOR_VERSION, manifest_status

    status = manifest_status(data_dir)
    if data_dir == default_data_dir() and (status == "stale" or not (data_dir / "MANIFEST.json").is_file()):
        if status == "stale":
            console.print(f"[yellow]{data_dir} was made by an older generator: regenerating[/]")
        generate(out=data_dir, seed=seed, scale=1.0)
    elif status == "stale":
        _fail(
            f"{data_dir} was generated by an older kansenradar generator (this one is version "
            f"{GENERATOR_VERSION}); regenerate it with `kansenradar generate --out {data_dir}`",
            2,
        )


@app.command()
def generate(
    out: Path = typer.Option(
        None, help="Where to write the files (default: <home>/data/generated).", show_default=False
    ),
    seed: int = typer.Option(20241, help="Same seed → byte-identical files."),
    scale: float = typer.Option(1.0, help="Multiply pupil numbers (benchmarks)."),
) -> None:
    """Write the embedded national default: semi-synthetic DUO/CBS files on the real skeleton."""
    from features.synthetic import generate as generate_default

    out = _data(out)
    with _stages(12, "simulating pupils") as step:
        manifest = generate_default(out, seed=seed, scale=scale, progress=lambda m: step(f"simulating {m}"))
    console.print(
        f"[green]✓[/] {len(manifest['files'])} files, "
        f"{manifest['n_pupil_records']:,} simulated pupil records → {out}"
    )
    _print_realism(out)


def _print_realism(out: Path) -> None:
    """The realism report written with the data: real figure beside simulated figure."""
    import pandas as pd

    from features.synthetic import REALISM_FILE
    from features.synthetic.realism import format_table

    table = Table("figure", "real", "simulated", "target", "", title="Realism (truth/realism.csv)")
    for figure, real, sim, target, verdict in format_table(pd.read_csv(out / REALISM_FILE)):
        colour = {"ok": "green", "MISSED": "red"}.get(verdict, "white")
        table.add_row(figure, real, sim, target, f"[{colour}]{verdict}[/]")
    console.print(table)


@app.command()
def validate(data_dir: Path = DataDir) -> None:
    """Check a folder of DUO/CBS files the way `run` reads it (a dry run up to the panels)."""
    from features.dryrun import check_folder

    data_dir = _data(data_dir)
    if not data_dir.is_dir():
        _fail(f"folder {data_dir} does not exist", 1)
    report = check_folder(data_dir)
    table = Table("source", "file", "recognised by", "rows", "status")
    for c in report.files:
        table.add_row(
            c.label,
            c.file,
            c.rule,
            f"{c.rows:,}",
            "[green]ok[/]"
            if c.ok and c.rows and c.present
            else (f"[yellow]{c.message}[/]" if c.ok else f"[red]{c.message}[/]"),
        )
    console.print(table)
    for name in report.unrecognised:
        console.print(f"[yellow]not recognised, not read:[/] {name}")
    for (target, level), why in report.skipped.items():
        console.print(f"[yellow]skipped {target} × {level}:[/] {why}")
    for note in report.notes:
        console.print(f"note: {note}")
    _print_previews(report.previews)
    if not report.ok:
        _fail(str(report.error()), 2)
    console.print("[green]✓[/] the folder can be used by `kansenradar run`")


def _print_previews(previews: dict) -> None:
    """The attainment target per place: O, E, O/E and its shrunken 90 % interval. A place on
    fewer than 10 pupils shows "<10" (the disclosure rule of every output)."""
    from features.suppression import MIN_PUPILS

    for (target, level), frame in previews.items():
        if len(frame) > 50:  # a national folder: the figures are in `kansenradar features`
            console.print(
                f"{target} × {level}: O/E built for {len(frame):,} place-years "
                f"({frame['place_id'].nunique():,} places); `kansenradar features` writes them"
            )
            continue
        table = Table(
            "place",
            "name",
            "year",
            "pupils",
            "O (HAVO+)",
            "E",
            "O/E",
            "shrunk O/E",
            "90 % interval",
            title=f"{target} × {level}: observed / expected HAVO+ advices",
        )
        for _, r in frame.head(50).iterrows():
            small = r["n_pupils"] < MIN_PUPILS
            figures = (
                ["<10"] * 6
                if small
                else [
                    f"{r['n_pupils']:.1f}",
                    f"{r['n_events']:.1f}",
                    f"{r['n_expected']:.2f}",
                    f"{r['ratio']:.2f}",
                    f"{r['shrunk_ratio']:.2f}",
                    f"{r['ratio_lower']:.2f}–{r['ratio_upper']:.2f}",
                ]
            )
            table.add_row(
                str(r["place_id"]), str(r.get("place_name", "")), str(int(r["school_year"])), *figures
            )
        console.print(table)


@app.command()
def features(
    data_dir: Path = DataDir,
    out: Path = typer.Option(
        None,
        help="Where to write panel and feature tables (Parquet; default: <outputs>/features).",
        show_default=False,
    ),
) -> None:
    """Build the place × year panels and the registered indicators for every target and level."""
    from features.catalog import load_sources
    from features.errors import DataError
    from features.indicators import feature_names
    from features.pipeline import build_features

    data_dir, out = _data(data_dir), out or output_root() / "features"
    ensure_default_data(data_dir)
    try:
        t0 = time.perf_counter()
        built = build_features(load_sources(data_dir))
    except DataError as exc:
        _fail(str(exc), 2)
    _say_skipped(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = Table("target", "level", "places", "years", "features", "elevated share")
    for (target, level), (panel, feats) in built.items():
        panel.to_parquet(out / f"panel_{target}_{level}.parquet")
        feats.to_parquet(out / f"features_{target}_{level}.parquet")
        table.add_row(
            target,
            level,
            f"{panel['place_id'].nunique():,}",
            f"{panel['school_year'].min()}–{panel['school_year'].max()}",
            str(len(feature_names(target, level))),
            f"{panel['elevated'].mean():.1%}",
        )
    console.print(table)
    console.print(f"[green]✓[/] written to {out} in {time.perf_counter() - t0:.1f} s")


def _say_skipped(data_dir: Path) -> dict[tuple[str, str], str]:
    """Print which (target, level) cannot be built from the folder and why; return them."""
    from features.catalog import locate, skipped_targets

    skipped = skipped_targets(locate(data_dir)) if data_dir.is_dir() else {}
    for (target, level), why in skipped.items():
        console.print(f"[yellow]skipped {target} × {level}:[/] {why} in {data_dir}")
    return skipped


def _run(
    data_dir: Path | None,
    only: list[str] | None,
    force: bool,
    reason: str | None,
    fail_on_refusal: bool = True,
    retrain: bool = False,
) -> None:
    from experiments.config import load_configs
    from experiments.runner import run_all
    from features.errors import DataError

    data_dir = _data(data_dir)
    only = [name.strip() for part in only or [] for name in part.split(",") if name.strip()]
    configs = load_configs()
    unknown = sorted(set(only) - {c.name for c in configs})
    if unknown:  # a typo answers before any data is generated or read
        _fail(
            f"no experiment named {', '.join(unknown)}; choose from {', '.join(c.name for c in configs)}", 1
        )
    configs = [c for c in configs if not only or c.name in only]
    _home()  # the MLflow store's folder
    ensure_default_data(data_dir)
    skipped = _say_skipped(data_dir)
    configs = [c for c in configs if (c.target, c.level) not in skipped]
    if not configs:
        _fail("no experiment has its outcome files in " + str(data_dir), 2)
    with _stages(len(configs) + 3, "starting") as step:
        try:
            # MLflow prints registry chatter to stderr; keep the terminal for the summary
            with contextlib.redirect_stderr(io.StringIO()):
                outcomes = run_all(
                    data_dir,
                    configs=configs,
                    force=force,
                    force_reason=reason,
                    progress=step,
                    retrain=retrain,
                )
        except DataError as exc:
            _fail(str(exc), 2)
    table = Table(
        "experiment",
        "version",
        "model",
        "champion",
        "AUC",
        "AP",
        "prec@top",
        "Brier",
        "ECE",
        "ΔAP vs best baseline",
    )
    for o in outcomes:
        comp = o.comparison
        cand = comp.loc[o.candidate_row]
        best_base = comp.loc[list(o.config.baselines), "average_precision"].max()
        table.add_row(
            o.config.name,
            f"{o.version} (unchanged)" if o.reused else o.version,
            o.candidate_row,
            "[green]yes[/]" if o.promoted else "[red]no[/]",
            f"{cand['roc_auc']:.3f}",
            f"{cand['average_precision']:.3f}",
            f"{cand['precision_at_top']:.3f}",
            f"{cand['brier']:.3f}",
            f"{cand['calibration_error']:.3f}",
            f"{cand['average_precision'] - best_base:+.3f}",
        )
    console.print(table)
    for o in outcomes:
        console.print(("[green]✓[/] " if o.promoted else "[red]✗[/] ") + o.promotion_message)
    if not all(o.promoted for o in outcomes):
        console.print(
            "[yellow]Models refused by the fairness gate keep no champion; their "
            "audit report says why (kansenradar audit / the app's Fairness page).[/]"
        )
        if fail_on_refusal:
            raise typer.Exit(4)


@app.command()
def train(
    data_dir: Path = DataDir,
    only: list[str] = typer.Option(
        None, "--only", help="Experiment name(s) to run (repeat, or separate with commas)."
    ),
    force_promote: bool = typer.Option(False, help="Promote even if the gate refuses."),
    reason: str = typer.Option(None, help="Required with --force-promote; recorded."),
    retrain: bool = Retrain,
) -> None:
    """Train, validate, log to MLflow, audit, and promote through the fairness gate."""
    _check_reason(force_promote, reason, "--force-promote")
    _run(data_dir, only, force_promote, reason, retrain=retrain)


@app.command()
def run(
    data_dir: Path = DataDir,
    only: list[str] = typer.Option(
        None,
        "--only",
        help="Run only these experiments (e.g. --only dropout_rmc,under_advice_gemeente); default all.",
    ),
    retrain: bool = Retrain,
) -> None:
    """The main job: data (generated on first use) → features → models → audit → champions.

    Exits 0 when a model is refused by the fairness gate (that is an outcome, reported);
    ``train`` exits 4 in that case, for scripts that need to know. On unchanged data, code and
    settings nothing is trained or registered again (``--retrain`` does).
    """
    _run(data_dir, only, False, None, fail_on_refusal=False, retrain=retrain)


def _bundle(target: str, level: str) -> Bundle:
    _check_place_kind(target, level)
    from app.bundles import champion_bundle, champion_from_registry, registered_name
    from models.bundle import BundleError

    try:
        name = registered_name(target, level)
    except KeyError as exc:
        _fail(str(exc.args[0]), 1)
    try:
        b = champion_bundle(target, level, champion_from_registry(name))
    except BundleError as exc:
        _fail(str(exc), 3)
    if b is None:
        _fail(f"no champion for {name}: run `kansenradar train` first", 3)
    return b


def _audit_bundle(target: str, level: str, version: str | None) -> Bundle:
    """The champion's bundle, or the bundle of ``version`` (any registered version)."""
    if version is None:
        return _bundle(target, level)
    from app.bundles import registered_name, versions
    from models.bundle import BundleError, read_bundle

    path = next((p for p in versions(target, level) if p.name == f"v{version}"), None)
    if path is None:
        _fail(f"{registered_name(target, level)} v{version} has no bundle; run `kansenradar run` first", 3)
    try:
        return read_bundle(path)
    except BundleError as exc:
        _fail(str(exc), 3)


def _table_file(path: Path, option: str) -> None:
    if path.suffix.lower() not in (".csv", ".parquet"):
        _fail(f"{option} {path}: write .csv or .parquet", 1)


def _print_audit_table(table, confidence: float) -> None:
    gated = table[table["metric"].isin(["recall", "false_positive_rate", "calibration_gap"])]
    show = Table(
        "grouping",
        "group",
        "metric",
        "value",
        f"{confidence:.0%} CI",
        "diff vs ref",
        "limit",
        "elevated places",
    )
    for r in gated.itertuples():
        judged = bool(getattr(r, "judged", True))
        show.add_row(
            r.grouping,
            str(r.group),
            r.metric,
            f"{r.value:.3f}" if judged else "too few elevated places to judge",
            f"{r.ci_low:.3f}–{r.ci_high:.3f}" if judged else "",
            f"{r.difference:+.3f}" if judged else "",
            "" if r.limit != r.limit else f"{r.limit:.2f}",
            str(getattr(r, "n_positive_places", "")),
        )
    console.print(show)


@app.command()
def audit(
    target: str = Target,
    level: str = Level,
    version: str = typer.Option(None, "--version", help="Registered version (default: the champion)."),
    export: Path = typer.Option(
        None,
        "--export",
        help="Write the version's audit dataset (audited rows; .csv or .parquet) and, beside it, "
        "<name>.not_audited.<ext>: per group the rows not audited and why.",
    ),
    groups: Path = typer.Option(
        None,
        "--groups",
        help="CSV with place_id (optionally school_year) and one column per grouping of your own: "
        "the audit re-run on those groups, same limits and intervals.",
    ),
    out: Path = typer.Option(
        None, "--out", help="Folder for the audit tables the card shows (audit.csv, audit_groups.csv)."
    ),
) -> None:
    """Show a version's fairness audit; export its audit dataset; re-run it on your own groups."""
    _check_place_kind(target, level)  # usage errors answer before the heavy imports
    if export is not None:
        _table_file(export, "--export")
    if groups is not None and (groups.suffix.lower() != ".csv" or not groups.is_file()):
        _fail(f"--groups {groups}: needs an existing .csv file", 1)
    from experiments.config import load_fairness_limits

    b = _audit_bundle(target, level, version)
    limits = load_fairness_limits()
    console.print(f"[bold]{b.name} v{b.version}[/] — {b.meta.gate_summary}")
    if export is not None:
        try:
            _export_audit(b, export)
        except OSError as exc:  # a folder that is a file, no permission, a full disk
            _fail(f"--export {export}: cannot write there ({exc.strerror or exc})", 1)
    table, sizes = b.table("audit"), b.table("audit_groups")
    if groups is not None:
        from experiments.api import audit as audit_on

        try:
            result = audit_on(predictions=_audit_rows(b), groupings=groups, limits=limits)
        except (ValueError, OSError) as exc:
            _fail(str(exc), 1)
        table, sizes = result.table, result.groups
        if sizes.empty:
            _fail(f"--groups {groups}: no audited place has a group in this file", 1)
        console.print(f"re-audited on {', '.join(sizes['grouping'].unique())} from {groups}")
        if table.empty:
            console.print(
                f"[yellow]no grouping of {groups.name} has two groups of at least "
                f"{limits.min_group_size} places: nothing to compare[/]"
            )
    if out is not None:
        from features.export import write_table

        try:
            out.mkdir(parents=True, exist_ok=True)
            write_table(table, out / "audit.csv")
            write_table(sizes, out / "audit_groups.csv")
        except OSError as exc:
            _fail(f"--out {out}: cannot write the audit tables there ({exc.strerror or exc})", 1)
        console.print(f"[green]✓[/] audit.csv and audit_groups.csv → {out}")
    if not table.empty:
        _print_audit_table(table, limits.confidence)
    typer.echo(f"report: {b.report_path('nl')} (English: {b.report_path('en')})")


def _audit_rows(b: Bundle):
    """The version's audit dataset (exit 3 for a bundle written before it existed)."""
    try:
        return b.table("audit_rows")
    except OSError:
        _fail(
            f"{b.name} v{b.version} has no audit dataset (written by an older kansenradar): "
            "rerun `kansenradar run`",
            3,
        )


def _export_audit(b: Bundle, export: Path) -> None:
    from features.export import write_table

    rows = _audit_rows(b)
    groups = b.table("audit_groups")
    export.parent.mkdir(parents=True, exist_ok=True)
    write_table(rows, export)
    beside = export.with_name(f"{export.stem}.not_audited{export.suffix}")
    columns = ["grouping", "group", "n_rows", "n_not_served", "n_outcome_hidden"]
    write_table(groups[[c for c in columns if c in groups]], beside)
    console.print(f"[green]✓[/] {len(rows):,} audited place-years → {export} (rows not audited → {beside})")


@app.command()
def promote(
    target: str = Target,
    level: str = Level,
    version: str = typer.Option(..., help="Registered model version to promote."),
    force: bool = typer.Option(False, help="Override a refusing gate (recorded)."),
    reason: str = typer.Option(None, help="Why the override is justified (required)."),
) -> None:
    """Promote a version to champion through the fairness gate (the registry's record decides)."""
    _check_place_kind(target, level)  # usage errors answer before the heavy imports
    _check_reason(force, reason, "--force")
    from app.bundles import registered_name, versions
    from models.bundle import read_bundle, record_promotion
    from models.registry import promote as promote_version

    try:
        name = registered_name(target, level)
    except KeyError as exc:
        _fail(str(exc.args[0]), 1)
    path = next((p for p in versions(target, level) if p.name == f"v{version}"), None)
    if path is None:
        _fail(f"{name} v{version} has no audit bundle; train it first", 1)
    try:
        result = promote_version(
            name, version, force=force, reason=reason, actor=os.environ.get("USER", "cli")
        )
    except ValueError as exc:
        _fail(str(exc), 1)
    console.print(("[green]✓[/] " if result.promoted else "[red]✗[/] ") + result.message)
    for r in result.reasons:
        console.print("  • " + r)
    if not result.promoted:
        raise typer.Exit(4)
    record_promotion(read_bundle(path))


@app.command()
def score(
    target: str = Target,
    level: str = Level,
    data_dir: Path = DataDir,
    year: int = typer.Option(None, help="Feature year t (predicts t + 1); default latest."),
    out: Path = typer.Option(None, help="Output .csv or .parquet (default: outputs/)."),
) -> None:
    """Batch-score places with the champion (risk, interval, flag, drivers); suppressed."""
    _check_place_kind(target, level)  # a usage error answers before the heavy imports
    from app.bundles import registered_name
    from features.catalog import load_sources
    from features.errors import DataError
    from features.export import write_table
    from features.pipeline import build_features
    from features.provenance import data_origin
    from models.emerging import detect
    from models.registry import load_champion
    from models.scoring import export_frame, score_year, suppressed_scores, with_emerging

    data_dir = _data(data_dir)
    ensure_default_data(data_dir)
    name = registered_name(target, level)
    try:
        model, facts = load_champion(name)
    except Exception:
        _fail(f"no champion for {name}: run `kansenradar train` first", 3)
    try:
        built = build_features(load_sources(data_dir))
    except DataError as exc:
        _fail(str(exc), 2)
    if (target, level) not in built:
        _fail(f"{target} × {level}: {_say_skipped(data_dir).get((target, level), 'not built')}", 2)
    panel, feats = built[(target, level)]
    year = year or int(feats["school_year"].max())
    if year not in set(feats["school_year"]):
        _fail(f"no data for year {year}; available {sorted(set(feats['school_year']))}", 1)
    scores, _ = score_year(model, feats, panel, year)
    emerging = detect(panel, target).frame  # pure and fast: computed on the same data
    public = export_frame(
        suppressed_scores(with_emerging(scores, emerging)).assign(model=name, model_version=facts["version"]),
        data_origin(data_dir),
    )
    out = out or output_root() / f"scores_{target}_{level}_{year + 1}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_table(public, out)  # Parquet as is; CSV text cells neutralised against formula injection
    console.print(
        f"[green]✓[/] {len(public):,} places ({int(public['flag'].sum())} flagged, "
        f"{int(public['emerging_alarm'].fillna(False).sum())} emerging, "
        f"{int(public['suppressed'].sum())} suppressed) → {out}"
    )


@app.command()
def report(
    target: str = Target,
    level: str = Level,
    lang: str = typer.Option("nl", "--lang", help="nl (Dutch, default) or en."),
) -> None:
    """Print the path of the champion's HTML audit report / model card in one language."""
    from features.vocabulary import LANGUAGES

    if lang not in LANGUAGES:
        _fail(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}", 1)
    path = _bundle(target, level).report_path(lang)
    if not path.is_file():
        _fail(f"this model version has no model card in {lang!r} (written by an older version): {path}", 3)
    typer.echo(str(path))


@app.command()
def brief(
    gemeente: str = typer.Option(
        None,
        "--gemeente",
        "-g",
        help="Gemeente code, e.g. GM0363 (a merged gemeente's code → its successor).",
    ),
    every: bool = typer.Option(False, "--all", help="One brief per gemeente, into --out-dir."),
    lang: str = typer.Option("nl", "--lang", help="nl (Dutch, default) or en."),
    year: int = typer.Option(None, help="Feature year t (signals for t + 1); default the champions' year."),
    out: Path = typer.Option(
        None, help="brief.pdf or brief.html (default: outputs/briefs/<code>_<name>.pdf)."
    ),
    out_dir: Path = typer.Option(None, "--out-dir", help="Folder for --all (default: outputs/briefs)."),
    fmt: str = typer.Option(
        "pdf", "--format", help="pdf or html (for --all; --out's suffix decides otherwise)."
    ),
    workers: int = typer.Option(
        0, help="PDFs printed at once with --all when Playwright is absent (default: one per CPU)."
    ),
) -> None:
    """Write the gemeente brief: both signals, places, peers, look-back, limits — A4 PDF or HTML."""
    from features.vocabulary import LANGUAGES

    if lang not in LANGUAGES:
        _fail(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}", 1)
    if every == (gemeente is not None):
        _fail("give either --gemeente CODE or --all", 1)
    if fmt not in ("pdf", "html"):
        _fail(f"--format must be pdf or html, not {fmt!r}", 1)
    if out is not None and out.suffix.lower() not in (".pdf", ".html"):
        _fail(f"--out {out}: the brief is written as .pdf or .html", 1)
    from models.brief import BriefError, load_published, pdf_engine, render_brief
    from models.bundle import BundleError

    try:
        published = load_published()
    except BundleError as exc:
        _fail(str(exc), 3)
    if published.gemeenten.empty:
        _fail("no published gemeente tables: run `kansenradar run` first", 3)
    pdf = (out.suffix.lower() == ".pdf") if out is not None else fmt == "pdf"
    engine = pdf_engine() if pdf else None
    try:
        if every:
            _briefs_for_all(published, lang, year, out_dir or output_root() / "briefs", engine, pdf, workers)
            return
        made = render_brief(published, gemeente, lang, year)
    except BriefError as exc:
        _fail(str(exc), 1)
    if made.merged_from:
        console.print(
            f"[yellow]{made.merged_from} merged into {made.name} ({made.code}): brief for {made.code}[/]"
        )
    target = out or output_root() / "briefs" / made.filename(".pdf" if pdf else ".html")
    _write_one(made, target, engine)


def _no_engine(html: Path) -> None:
    _fail(
        "no PDF engine found (Chromium, Chrome or Edge; `make browser-deps` installs Chromium on "
        f"Debian/Ubuntu, KANSENRADAR_CHROMIUM names another). The brief is written as HTML: {html} — "
        "open it in a browser and print it to PDF (A4).",
        1,
    )


def _write_one(made, target: Path, engine: str | None) -> None:
    from models.brief import html_to_pdf

    target.parent.mkdir(parents=True, exist_ok=True)
    html = target.with_suffix(".html")
    html.write_text(made.html, encoding="utf-8")
    if target.suffix.lower() == ".html":
        console.print(f"[green]✓[/] {made.name} ({made.code}) → {html}")
        return
    if engine is None:
        _no_engine(html)
    html_to_pdf(html, target, engine)
    console.print(f"[green]✓[/] {made.name} ({made.code}) → {target} (HTML beside it)")


def _briefs_for_all(
    published, lang: str, year: int | None, folder: Path, engine, pdf: bool, workers: int
) -> None:
    """Every gemeente's brief: HTML rendered in this process, PDFs printed ``workers`` at a time."""
    from models.brief import htmls_to_pdfs, render_brief

    t0 = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for code in published.gemeenten["code"]:
        made = render_brief(published, code, lang, year)
        html = folder / made.filename(".html")
        html.write_text(made.html, encoding="utf-8")
        pages.append(html)
    console.print(f"{len(pages)} HTML briefs in {time.perf_counter() - t0:.1f} s → {folder}")
    if not pdf:
        return
    if engine is None:
        _no_engine(folder)
    htmls_to_pdfs(pages, engine, workers)
    console.print(f"[green]✓[/] {len(pages)} PDF briefs in {time.perf_counter() - t0:.1f} s → {folder}")


def _compare_json(root: Path) -> None:
    """Print the early-warning evaluation of both signals (see experiments.emerging_eval)."""
    import json

    import pandas as pd

    from experiments.emerging_eval import COMPARE_KEYS
    from experiments.runner import EARLY_WARNING_FILE

    path = root / EARLY_WARNING_FILE
    if not path.is_file():
        _fail("no early-warning evaluation yet: run `kansenradar run` first", 3)
    frame = pd.read_csv(path)
    rows = [
        {k: (None if pd.isna(r.get(k)) else r.get(k)) for k in COMPARE_KEYS} for r in frame.to_dict("records")
    ]
    typer.echo(json.dumps(rows, indent=1))


@app.command()
def compare(
    markdown: bool = typer.Option(False, help="Print a Markdown table (README)."),
    as_json: bool = typer.Option(
        False, "--json", help="One JSON object per experiment × signal (elevated, emerging) × method."
    ),
) -> None:
    """Comparison table of the last run: candidates vs baselines per experiment."""
    import pandas as pd

    from models.metrics import COMPARISON_METRICS

    path = output_root() / "comparison.csv"
    if not path.is_file():
        _fail("no comparison yet: run `kansenradar run` first", 3)
    if as_json:
        _compare_json(output_root())
        return
    frame = pd.read_csv(path)
    cols = ["experiment", "model", *COMPARISON_METRICS]
    frame = frame[[c for c in cols if c in frame]].round(3)
    if not markdown:
        console.print(frame.to_string(index=False))
        return
    heads = [
        "experiment",
        "model",
        "AUC",
        "AP",
        "P@top",
        "R@top",
        "P@budget",
        "Brier",
        "ECE",
    ][: frame.shape[1]]
    typer.echo("| " + " | ".join(heads) + " |")
    typer.echo("|" + "---|" * len(heads))
    for row in frame.itertuples(index=False):
        typer.echo(
            "| "
            + " | ".join("–" if pd.isna(v) else (f"{v:.3f}" if isinstance(v, float) else str(v)) for v in row)
            + " |"
        )


@app.command(name="app")
def app_command(
    port: int = typer.Option(8501, help="Port on localhost."),
    headless: bool = typer.Option(True, help="Do not try to open a browser."),
    data_root: Path = typer.Option(
        None, help="The only folder tree the app's folder validator may read (default: <home>/data)."
    ),
) -> None:
    """Start the Streamlit front end on http://localhost:PORT (on the working folder's models)."""
    env = dict(os.environ, **{HOME_ENV: str(_home())})
    if data_root is not None:
        if not data_root.is_dir():
            _fail(f"data root {data_root} does not exist", 1)
        env[DATA_ROOT_ENV] = str(data_root.resolve())
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_ENTRY),
        "--server.port",
        str(port),
        "--server.headless",
        str(headless).lower(),
        "--browser.gatherUsageStats",
        "false",
    ]
    console.print(f"kansenradar on http://localhost:{port}  (Ctrl+C to stop)")
    raise typer.Exit(subprocess.call(cmd, cwd=_home(), env=env))


@app.command()
def serve(
    target: str = Target, level: str = Level, port: int = typer.Option(5001, help="Port on 127.0.0.1.")
) -> None:
    """Serve the champion over REST (MLflow scoring server: POST /invocations)."""
    _check_place_kind(target, level)
    from app.bundles import registered_name
    from app.serving import serve_command, serve_env

    name = registered_name(target, level)
    console.print(f"serving models:/{name}@champion on http://127.0.0.1:{port}/invocations")
    raise typer.Exit(subprocess.call(serve_command(name, port), cwd=_home(), env=serve_env()))


@app.command()
def ui(port: int = typer.Option(5000, help="Port on 127.0.0.1.")) -> None:
    """Open the MLflow UI on the working folder's store (registry, champions, gate decisions)."""
    from models.store import prepare_store, ui_command

    uri = prepare_store()
    env = dict(os.environ, MLFLOW_TRACKING_URI=uri, MLFLOW_REGISTRY_URI=uri)
    console.print(f"MLflow UI on http://127.0.0.1:{port} for {uri}  (Ctrl+C to stop)")
    raise typer.Exit(subprocess.call(ui_command(uri, port), cwd=_home(), env=env))


def main() -> None:
    """Entry point: any error that is not a data error becomes a short message + log file (exit 5)."""
    from app.unexpected import EXIT_UNEXPECTED, log_unexpected, short_message

    _quiet_libraries()
    try:
        app()
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:
        path = log_unexpected(exc, "kansenradar " + " ".join(sys.argv[1:]))
        err.print(f"[bold red]error:[/] {short_message(exc, path)}", soft_wrap=True)
        sys.exit(EXIT_UNEXPECTED)


if __name__ == "__main__":
    main()
