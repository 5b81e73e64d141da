"""The scoring bundle: everything one registered model version shows, written once, read everywhere.

The main job writes one bundle per registered model version (``<output root>/<name>/v<version>/``):
the tables the app, the CLI and serving show (scores, contributions, history, audit, evaluation),
the HTML model card and a typed :class:`BundleMeta`. Interfaces only *read* bundles — they never
train or recompute explanations — and only through this module, so the file layout is known in
one place. Tables are Parquet (types survive, no index columns to patch).

The bundle is a cache for display, not a source of truth: whether a version may be champion is
decided by the fairness gate and recorded in the MLflow registry (:mod:`models.registry`).

**A bundle holds only published tables.** Disclosure control is applied when a bundle is written,
by one function per kind of per-place table (:data:`PUBLISHERS`), and checked once more before a
file is written (:func:`check_published`); the aggregate tables (:data:`AGGREGATE_TABLES`) carry
no per-place figures. Pages, the CLI, exports and the brief read what is on disk and never mask
anything themselves. What the audit and evaluation need beyond published rows stays in the
MLflow run's artifacts, which no page reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd

from features.indicators import REGISTRY
from features.provenance import DataOrigin
from features.suppression import OWN_YEAR_COLUMNS, SHOWN, STATUS_COLUMN, is_safe, publish, status_of
from features.vocabulary import CONCEPTS
from models.explain import concept_of
from models.lookback import with_emerging_alarms
from models.scoring import FIGURES, HISTORY_FIGURES, in_percent, suppressed_scores, with_emerging

BUNDLE_FORMAT = 3  # bump when the layout changes; older bundles are refused with a clear message
# 3: tables are written published (disclosure control at write time, not at reading)
META_FILE = "meta.json"
REPORT_FILES = {"nl": "report.html", "en": "report.en.html"}
"""The model card in each language, Dutch first (the product's default language)."""
TABLES = (
    "scores",
    "contributions",
    "features_latest",
    "history",
    "audit",
    "audit_groups",
    "mitigation",
    "comparison",
    "fold_metrics",
    "explanations",
    "lookback",
    "audit_rows",
)

EMERGING_TABLES = ("emerging", "emerging_years", "emerging_audit", "early_warning")
"""Tables the emerging detector adds to the experiment's bundle (older bundles lack them)."""
AGGREGATE_TABLES = (
    "audit",
    "audit_groups",
    "mitigation",
    "comparison",
    "fold_metrics",
    "lookback",
    "emerging_years",
    "emerging_audit",
    "early_warning",
)
"""Tables of groups, years or models, not of single places' figures (``lookback`` holds only
served place-years: :func:`models.lookback.lookback_table`)."""


def published_contributions(
    contributions: pd.DataFrame, features_latest: pd.DataFrame, scores: pd.DataFrame
) -> pd.DataFrame:
    """Per-indicator contributions as they may be shown: none for a hidden place, and none for an
    indicator whose published value is hidden (its contribution would give the value back)."""
    out = contributions.copy()
    hidden_place = ~out["place_id"].isin(scores.loc[~scores["suppressed"], "place_id"]).to_numpy()
    values = features_latest.set_index("place_id").reindex(out["place_id"])
    for col in [c for c in out.columns if c not in ("place_id", "bias")]:
        hidden_value = values[col].isna().to_numpy() if col in values and col in REGISTRY else False
        out[col] = out[col].astype(float).mask(hidden_place | hidden_value)
    out["bias"] = out["bias"].astype(float).mask(hidden_place) if "bias" in out else np.nan
    return out


def published_explanations(
    explanations: pd.DataFrame, features_latest: pd.DataFrame, scores: pd.DataFrame
) -> pd.DataFrame:
    """Concept contributions as they may be shown: none for a hidden place, and no concept that
    holds an indicator whose published value is hidden (the concept would give it back)."""
    out = explanations.copy()
    shown = out["place_id"].isin(scores.loc[~scores["suppressed"], "place_id"]).to_numpy()
    values = features_latest.set_index("place_id").reindex(out["place_id"])
    numbers = [c for c in out.columns if c != "place_id" and pd.api.types.is_numeric_dtype(out[c])]
    for col in numbers:
        out[col] = out[col].astype(float).mask(~shown)
    for concept in CONCEPTS:
        members = [n for n in values.columns if n in REGISTRY and concept_of(n) == concept]
        if concept in out and members:
            out[concept] = out[concept].mask(values[members].isna().any(axis=1).to_numpy())
    return out


def published_emerging(emerging: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """The emerging signal per place-year: a place-year the disclosure rules hide (its own cell,
    :mod:`features.suppression`, as in ``history``) shows neither its rate, nor its expectation,
    nor its state."""
    frame = emerging.copy()
    if STATUS_COLUMN in history and STATUS_COLUMN not in frame:
        status = history[["place_id", "school_year", STATUS_COLUMN]]
        frame = frame.merge(status, on=["place_id", "school_year"], how="left")
    return publish(frame, emerging_figures(frame), text_columns=["state", "alarm", "years_above_expected"])


def emerging_figures(frame: pd.DataFrame) -> list[str]:
    numbers = [c for c in frame.columns if c.startswith(("z_", "emerging_score", "exceedance"))]
    return ["rate", "expected_rate", "expected_lower", "expected_upper", *numbers]


HIDDEN_VALUES = "hidden_values"
"""Column of the published ``features_latest``: the names of the row's values that disclosure
control hid (comma-separated; empty when none). A value that was missing before publishing (a lag
before the place's first year) is not hidden and not listed."""


def with_hidden_values(published: pd.DataFrame, raw: pd.DataFrame) -> pd.DataFrame:
    """``published`` with :data:`HIDDEN_VALUES`: which values it lacks because they were hidden,
    so that a row that cannot be scored says why instead of "missing in row 0"."""
    keys = ("place_id", "school_year", STATUS_COLUMN)
    columns = [c for c in published.columns if c in raw and c not in keys]
    was = raw[columns].notna().to_numpy()
    now = published[columns].notna().to_numpy()
    hidden = was & ~now
    names = np.asarray(columns, dtype=object)
    out = published.copy()
    out[HIDDEN_VALUES] = [",".join(names[row]) for row in hidden]
    return out


def published_audit_rows(audit_rows: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """The audited rows as they may be published: only rows whose flag is shown (feature year t
    shown) and whose outcome may be published (t + 1 shown) — the statistics issue's audited rows,
    :func:`features.suppression.served_rows`. A row of any other state is dropped, never masked:
    the table holds no figure of a hidden place-year, so it needs no status column."""
    if audit_rows.empty:
        return audit_rows
    shown = _shown_place_years(history)
    keep = _row_shown(audit_rows, shown, 0) & _row_shown(audit_rows, shown, 1)
    return audit_rows.loc[keep].reset_index(drop=True)


def _shown_place_years(history: pd.DataFrame) -> pd.Series:
    status = status_of(history) if "n_pupils" in history else history[STATUS_COLUMN]
    index = pd.MultiIndex.from_arrays([history["place_id"].astype(str), history["school_year"].astype(int)])
    shown = pd.Series((status == SHOWN).to_numpy(), index=index)
    return shown[~shown.index.duplicated()]


def _row_shown(rows: pd.DataFrame, shown: pd.Series, offset: int) -> np.ndarray:
    idx = pd.MultiIndex.from_arrays([rows["place_id"].astype(str), rows["school_year"].astype(int) + offset])
    return shown.reindex(idx).fillna(False).to_numpy(dtype=bool)


PUBLISHERS: dict[str, Callable[[Mapping[str, pd.DataFrame]], pd.DataFrame]] = {
    "scores": lambda t: suppressed_scores(t["scores"]),
    "contributions": lambda t: published_contributions(
        t["contributions"], t["features_latest"], suppressed_scores(t["scores"])
    ),
    "explanations": lambda t: published_explanations(
        t["explanations"], t["features_latest"], suppressed_scores(t["scores"])
    ),
    "features_latest": lambda t: t["features_latest"],  # published by the runner (see below)
    "history": lambda t: publish(t["history"], HISTORY_FIGURES),
    "audit_rows": lambda t: published_audit_rows(t["audit_rows"], t["history"]),
}
"""One function per kind of per-place table, from the raw tables of one version to what may be
shown. ``features_latest`` arrives published (:func:`features.suppression.publishable_indicators`
needs the panel); :func:`check_published` verifies it like every other table."""


def check_published(name: str, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> None:
    """Refuse to write a per-place table that shows a figure the disclosure rules hide.

    A last line of defence behind :data:`PUBLISHERS`: a new table, or a publisher that forgets a
    column, fails here instead of reaching a page.
    """
    if name in AGGREGATE_TABLES:
        return
    if name == "audit_rows":  # every row a served place-year whose outcome is published
        if frame.empty:
            return
        shown = _shown_place_years(tables["history"])
        leaked = ~(_row_shown(frame, shown, 0) & _row_shown(frame, shown, 1))
        if leaked.any():
            raise ValueError(
                f"bundle table {name!r} is not published: {int(leaked.sum())} row(s) of a hidden "
                "feature or outcome year"
            )
        return
    figures = {
        "scores": [*FIGURES, "flag", "rank"],
        "history": list(HISTORY_FIGURES),
        "emerging": None,
    }.get(name)
    if name == "features_latest":  # per value: what rests on the place's own hidden year is empty
        hidden = _hidden(frame)
        own = [
            c for c in frame.columns if c in OWN_YEAR_COLUMNS or (c in REGISTRY and 0 in REGISTRY[c].years)
        ]
        leaked = hidden & frame[own].notna().any(axis=1).to_numpy()
        if STATUS_COLUMN not in frame or leaked.any():
            raise ValueError(f"bundle table {name!r} is not published: a hidden row shows its own figures")
        return
    if name in ("contributions", "explanations"):
        hidden = set(tables["scores"].loc[_hidden(tables["scores"]), "place_id"])
        numbers = frame.drop(columns=["place_id"]).select_dtypes("number")
        leaked = frame["place_id"].isin(hidden).to_numpy() & numbers.notna().any(axis=1).to_numpy()
        if name == "contributions":
            values = tables["features_latest"].set_index("place_id").reindex(frame["place_id"])
            for col in [c for c in numbers.columns if c in values and c in REGISTRY]:
                leaked |= frame[col].notna().to_numpy() & values[col].isna().to_numpy()
        if leaked.any():
            raise ValueError(f"bundle table {name!r} shows figures of {int(leaked.sum())} hidden place(s)")
        return
    if figures is None:
        figures = emerging_figures(frame) if name == "emerging" else list(frame.select_dtypes("number"))
    if STATUS_COLUMN not in frame or not is_safe(frame, figures):
        raise ValueError(f"bundle table {name!r} is not published: a hidden row shows a figure")


def _hidden(frame: pd.DataFrame) -> np.ndarray:
    if "suppressed" in frame:
        return frame["suppressed"].to_numpy(dtype=bool)
    return (
        (frame[STATUS_COLUMN] != SHOWN).to_numpy() if STATUS_COLUMN in frame else np.zeros(len(frame), bool)
    )


EMERGING_META_FILE = "emerging.json"


class BundleError(RuntimeError):
    """A bundle on disk that this version of kansenradar cannot read."""


@dataclass(frozen=True)
class BundleMeta:
    """What a bundle is: which model version, which data, what the gate said when it was written."""

    name: str
    version: str
    run_id: str
    target: str
    level: str
    feature_year: int
    model_kind: str
    threshold: float
    calibration: str
    features: list[str]
    mitigation: str
    gate_allowed: bool
    gate_summary: str
    gate_reasons: list[str]
    gate_codes: list[dict]
    gate_summary_code: dict
    promoted: bool
    promotion_message: str
    data_origin: str  # "simulated" or the data folder's name, never a server path
    data_simulated: bool
    data_fingerprint: str
    seconds: dict[str, float] = field(default_factory=dict)
    bundle_format: int = BUNDLE_FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, default=str)

    @classmethod
    def from_json(cls, text: str, where: Path) -> BundleMeta:
        raw = json.loads(text)
        if raw.get("bundle_format") != BUNDLE_FORMAT:
            raise BundleError(
                f"{where} was written by an older kansenradar (bundle format "
                f"{raw.get('bundle_format', 1)}, this version reads {BUNDLE_FORMAT}): "
                "rerun `kansenradar run`"
            )
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})


@dataclass(frozen=True)
class Bundle:
    """One model version's outputs on disk."""

    path: Path
    meta: BundleMeta

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def version(self) -> str:
        return str(self.meta.version)

    def report_path(self, lang: str = "nl") -> Path:
        """Where the model card in ``lang`` is (it may be missing in a bundle of an older version)."""
        return self.path / REPORT_FILES[lang]

    def table(self, name: str) -> pd.DataFrame:
        """One of :data:`TABLES`, as written: published (see the module's docstring)."""
        if name not in TABLES + EMERGING_TABLES:
            raise KeyError(f"unknown bundle table {name!r}; known: {', '.join(TABLES + EMERGING_TABLES)}")
        return pd.read_parquet(self.path / f"{name}.parquet")

    @property
    def has_emerging(self) -> bool:
        return (self.path / "emerging.parquet").is_file()

    def emerging_meta(self) -> dict:
        """Which detector version produced the emerging signal, and what its gate said."""
        path = self.path / EMERGING_META_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def emerging(self) -> pd.DataFrame | None:
        """The emerging signal per place-year as published, rates in percent for display."""
        if not self.has_emerging:
            return None
        frame = self.table("emerging")
        for col in ("rate", "expected_rate", "expected_lower", "expected_upper"):
            frame[col] = frame[col] * 100
        return frame

    def scores(self) -> pd.DataFrame:
        """Published scores, with the emerging signal of the feature year beside them."""
        return with_emerging(self.table("scores"), self.table("emerging") if self.has_emerging else None)

    def lookback(self) -> pd.DataFrame:
        """How past flags of both signals turned out, per place and held-out year (publishable rows)."""
        emerging = self.table("emerging") if self.has_emerging else None
        return with_emerging_alarms(self.table("lookback"), emerging)

    def history(self) -> pd.DataFrame:
        """Published rate history, rates in percent: hidden place-years keep only their label."""
        return in_percent(self.table("history"))


def bundle_dir(root: Path, name: str, version: str) -> Path:
    return root / name / f"v{version}"


def write_bundle(
    root: Path, meta: BundleMeta, tables: dict[str, pd.DataFrame], reports: dict[str, str]
) -> Path:
    """Write a complete bundle; the meta file goes last, so a bundle with meta is whole."""
    missing = set(TABLES) - set(tables)
    if missing:
        raise ValueError(f"bundle tables missing: {', '.join(sorted(missing))}")
    published = {name: PUBLISHERS[name](tables) if name in PUBLISHERS else tables[name] for name in TABLES}
    for name, frame in published.items():
        check_published(name, frame, published)
    path = bundle_dir(root, meta.name, meta.version)
    path.mkdir(parents=True, exist_ok=True)
    for lang, html in reports.items():
        (path / REPORT_FILES[lang]).write_text(html, encoding="utf-8")
    for name, frame in published.items():
        frame.reset_index(drop=True).to_parquet(path / f"{name}.parquet")
    (path / META_FILE).write_text(meta.to_json(), encoding="utf-8")
    return path


def write_emerging(path: Path, tables: dict[str, pd.DataFrame], meta: dict) -> None:
    """Add the emerging detector's tables and facts to an existing bundle."""
    missing = set(EMERGING_TABLES) - set(tables)
    if missing:
        raise ValueError(f"emerging tables missing: {', '.join(sorted(missing))}")
    history = pd.read_parquet(path / "history.parquet")  # published, with each place-year's status
    published = {**tables, "emerging": published_emerging(tables["emerging"], history)}
    for name in EMERGING_TABLES:
        check_published(name, published[name], published)
        published[name].reset_index(drop=True).to_parquet(path / f"{name}.parquet")
    (path / EMERGING_META_FILE).write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")


def read_bundle(path: Path) -> Bundle:
    """The bundle at ``path`` (``BundleError`` for an unreadable or outdated one)."""
    meta_file = path / META_FILE
    try:
        return Bundle(path, BundleMeta.from_json(meta_file.read_text(encoding="utf-8"), path))
    except (OSError, ValueError, TypeError) as exc:
        raise BundleError(f"{path}: unreadable bundle ({exc}); rerun `kansenradar run`") from None


def bundle_versions(root: Path, name: str) -> list[Path]:
    """Bundle folders of one registered model, oldest version first."""
    folder = root / name
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if (p / META_FILE).is_file() and p.name[1:].isdigit()),
        key=lambda p: int(p.name[1:]),
    )


def version_history(root: Path, name: str) -> pd.DataFrame:
    """Every written version of one registered model, oldest first: its mitigation, the gate's
    verdict with its stored reason codes, whether it was promoted, and the audit rules it was
    judged by (``rules``; decisions stored before the rules were versioned count as 1).

    Read leniently from each ``meta.json`` — an older bundle format still tells its history —
    so a refusal stays on the record of every later card.
    """
    rows = []
    for path in bundle_versions(root, name):
        try:
            raw = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        summary_code = raw.get("gate_summary_code") or {}
        rows.append(
            {
                "version": str(raw.get("version", path.name[1:])),
                "mitigation": raw.get("mitigation", "none"),
                "model_kind": raw.get("model_kind", ""),
                "gate_allowed": bool(raw.get("gate_allowed", False)),
                "promoted": bool(raw.get("promoted", False)),
                "summary_code": summary_code,
                "codes": list(raw.get("gate_codes") or []),
                "rules": int(summary_code.get("rules", 1)),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "version",
            "mitigation",
            "model_kind",
            "gate_allowed",
            "promoted",
            "summary_code",
            "codes",
            "rules",
        ],
    )


def find_bundle(root: Path, name: str, champion: str | None = None) -> Bundle | None:
    """The champion version's bundle (as the registry says), else the newest promoted one."""
    versions = bundle_versions(root, name)
    if champion is not None:
        chosen = next((p for p in versions if p.name == f"v{champion}"), None)
        if chosen is not None:
            return read_bundle(chosen)
    promoted = [b for b in map(read_bundle, versions) if b.meta.promoted]
    return promoted[-1] if promoted else None


def newest_bundle(root: Path, name: str) -> Bundle | None:
    """The newest version's bundle whatever the gate said — for its *data* (history) only."""
    versions = bundle_versions(root, name)
    return read_bundle(versions[-1]) if versions else None


def latest_refusal(root: Path, name: str) -> BundleMeta | None:
    """Meta of the newest version if it was not promoted (to explain a missing champion)."""
    newest = newest_bundle(root, name)
    return None if newest is None or newest.meta.promoted else newest.meta


def record_promotion(bundle: Bundle) -> Bundle:
    """Mark a bundle as promoted after the registry promoted its version (display cache only)."""
    meta = BundleMeta(**{**asdict(bundle.meta), "promoted": True})
    (bundle.path / META_FILE).write_text(meta.to_json(), encoding="utf-8")
    return Bundle(bundle.path, meta)


PROVENANCE_FILE = "provenance.json"


def write_provenance(root: Path, origin: DataOrigin) -> None:
    """Record which data the last run used, for the notice every page carries."""
    root.mkdir(parents=True, exist_ok=True)
    (root / PROVENANCE_FILE).write_text(json.dumps(origin.as_dict()), encoding="utf-8")


def read_provenance(root: Path) -> DataOrigin | None:
    """The data origin of the last run (None before any run or when unreadable)."""
    try:
        raw = json.loads((root / PROVENANCE_FILE).read_text(encoding="utf-8"))
        return DataOrigin(bool(raw["simulated"]), str(raw["label"]), str(raw["fingerprint"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


BOUNDARIES_FILE = "gemeenten.geojson"
"""The gemeente boundaries of the data the last run used (a user's own file, or the embedded one)."""


def write_boundaries(root: Path, collection: dict) -> None:
    """Keep the boundaries of the data in use beside the bundles, so the map draws those."""
    root.mkdir(parents=True, exist_ok=True)
    (root / BOUNDARIES_FILE).write_text(json.dumps(collection), encoding="utf-8")


def read_boundaries(root: Path) -> dict | None:
    """The boundaries the last run used (None before any run or when unreadable)."""
    try:
        collection = json.loads((root / BOUNDARIES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return collection if isinstance(collection, dict) and collection.get("features") else None
