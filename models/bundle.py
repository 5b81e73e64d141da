"""The scoring bundle: everything one registered model version shows, written once, read everywhere.

The main job writes one bundle per registered model version (``<output root>/<name>/v<version>/``):
the tables the app, the CLI and serving show (scores, contributions, history, audit, evaluation),
the HTML model card and a typed :class:`BundleMeta`. Interfaces only *read* bundles — they never
train or recompute explanations — and only through this module, so the file layout is known in
one place. Tables are Parquet (types survive, no index columns to patch).

The bundle is a cache for display, not a source of truth: whether a version may be champion is
decided by the fairness gate and recorded in the MLflow registry (:mod:`models.registry`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import pandas as pd

from features.provenance import DataOrigin
from features.suppression import STATUS_COLUMN, publish
from models.lookback import with_emerging_alarms
from models.scoring import published_history, suppressed_scores, with_emerging

BUNDLE_FORMAT = 2  # bump when the layout changes; older bundles are refused with a clear message
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
)

EMERGING_TABLES = ("emerging", "emerging_years", "emerging_audit", "early_warning")
"""Tables the emerging detector adds to the experiment's bundle (older bundles lack them)."""
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
        """One of :data:`TABLES`, as written (internal: not yet suppressed for display)."""
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
        """The emerging signal per place-year, publishable (rates in percent).

        A place-year the disclosure rules hide (its own cell, :mod:`features.suppression`) shows
        neither its rate, nor its expectation, nor its state.
        """
        if not self.has_emerging:
            return None
        frame = self.table("emerging")
        history = self.table("history")
        if STATUS_COLUMN in history and STATUS_COLUMN not in frame:
            status = history[["place_id", "school_year", STATUS_COLUMN]]
            frame = frame.merge(status, on=["place_id", "school_year"], how="left")
        for col in ("rate", "expected_rate", "expected_lower", "expected_upper"):
            frame[col] = frame[col] * 100
        numbers = [c for c in frame.columns if c.startswith(("z_", "emerging_score", "exceedance"))]
        figures = ["rate", "expected_rate", "expected_lower", "expected_upper", *numbers]
        return publish(frame, figures, text_columns=["state", "alarm", "years_above_expected"])

    def scores(self) -> pd.DataFrame:
        """Publishable scores, with the emerging signal, for display and export."""
        emerging = self.table("emerging") if self.has_emerging else None
        return suppressed_scores(with_emerging(self.table("scores"), emerging))

    def lookback(self) -> pd.DataFrame:
        """How past flags of both signals turned out, per place and held-out year (publishable rows)."""
        emerging = self.table("emerging") if self.has_emerging else None
        return with_emerging_alarms(self.table("lookback"), emerging)

    def history(self) -> pd.DataFrame:
        """Publishable rate history in percent: hidden place-years keep only their label."""
        return published_history(self.table("history"))


def bundle_dir(root: Path, name: str, version: str) -> Path:
    return root / name / f"v{version}"


def write_bundle(
    root: Path, meta: BundleMeta, tables: dict[str, pd.DataFrame], reports: dict[str, str]
) -> Path:
    """Write a complete bundle; the meta file goes last, so a bundle with meta is whole."""
    missing = set(TABLES) - set(tables)
    if missing:
        raise ValueError(f"bundle tables missing: {', '.join(sorted(missing))}")
    path = bundle_dir(root, meta.name, meta.version)
    path.mkdir(parents=True, exist_ok=True)
    for lang, html in reports.items():
        (path / REPORT_FILES[lang]).write_text(html, encoding="utf-8")
    for name in TABLES:
        tables[name].reset_index(drop=True).to_parquet(path / f"{name}.parquet")
    (path / META_FILE).write_text(meta.to_json(), encoding="utf-8")
    return path


def write_emerging(path: Path, tables: dict[str, pd.DataFrame], meta: dict) -> None:
    """Add the emerging detector's tables and facts to an existing bundle."""
    missing = set(EMERGING_TABLES) - set(tables)
    if missing:
        raise ValueError(f"emerging tables missing: {', '.join(sorted(missing))}")
    for name in EMERGING_TABLES:
        tables[name].reset_index(drop=True).to_parquet(path / f"{name}.parquet")
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
