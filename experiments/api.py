"""A fairness researcher's workbench: the few calls needed to audit a version from Python.

Four functions, keyword-only arguments in the style of fairlearn's ``MetricFrame``:

* :func:`load_version` — a registered model version (the champion or any number): its model
  from the MLflow registry and its published bundle;
* :func:`audit_rows` — the version's tidy audit dataset: every audited place-year (flag shown,
  outcome publishable) with its held-out risk, threshold, flag, label, fold, groups and the cut
  points and limits used; :func:`not_audited` — per group, the rows not audited and why;
* :func:`audit` — the fairness audit of any predictions on any grouping (a column, a mapping
  place → group, or a CSV file), with the gate's limits, place bootstrap and intervals
  (:func:`models.audit.audit_predictions`, the function the gate itself uses);
* :func:`score_rows` — risks of published feature rows (a version's ``features_latest`` by
  default); a row that cannot be scored says why (a hidden value, a hidden place-year).

Everything here reads the store and the bundles; nothing trains. The notebook
``docs/audit_workbench.ipynb`` walks through all four on a trained national world.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from features.paths import output_root
from features.suppression import MIN_PUPILS, SHOWN, STATUS_COLUMN
from features.vocabulary import GROUPINGS, is_valid_pair, registered_name
from models.audit import Audit, audit_predictions, gate
from models.bundle import HIDDEN_VALUES, Bundle, bundle_dir, read_bundle
from models.groups import INTERSECTIONS
from models.risk_model import PUPILS_FEATURE, RiskModel, input_problem
from models.spec import FairnessLimits

CHAMPION = "champion"
BUILT_IN_GROUPINGS = (*GROUPINGS, *(f"{a}×{b}" for a, b in INTERSECTIONS))
"""The group columns of an audit dataset, in the order the gate audits them."""


@dataclass(frozen=True)
class Version:
    """One registered model version: its Python model, its registry facts and its bundle."""

    name: str
    version: str
    run_id: str
    model: RiskModel
    bundle: Bundle

    @property
    def target(self) -> str:
        return self.bundle.meta.target

    @property
    def level(self) -> str:
        return self.bundle.meta.level


def load_version(*, target: str, level: str, version: str | int | None = None) -> Version:
    """Load a registered version: ``version`` a number, or ``None`` / ``"champion"``.

    Parameters
    ----------
    target, level
        The experiment, e.g. ``"under_advice"`` and ``"school"``.
    version
        A registered version number, or ``None``/``"champion"`` for the champion.

    Returns
    -------
    Version
        ``.model`` (a :class:`models.risk_model.RiskModel`), ``.bundle`` (its published tables)
        and the registry facts.

    Examples
    --------
    >>> v = load_version(target="under_advice", level="school")  # doctest: +SKIP
    >>> v.name, v.version  # doctest: +SKIP
    ('kansenradar-under-advice-school', '2')
    """
    from models.registry import load_version as load_registered

    if not is_valid_pair(target, level):
        raise ValueError(f"no experiment for target {target!r} and level {level!r}")
    name = registered_name(target, level)
    model, facts = load_registered(name, version)
    path = bundle_dir(output_root(), name, facts["version"])
    if not path.is_dir():
        raise FileNotFoundError(f"{name} v{facts['version']} has no bundle in {path.parent}; run it first")
    return Version(name, facts["version"], facts["run_id"], model, read_bundle(path))


def _bundle(target: str, level: str, version: str | int | None) -> Bundle:
    """A version's bundle without loading its model (the champion as the registry says)."""
    from models.registry import champion_version

    name = registered_name(target, level)
    chosen = champion_version(name) if version is None or str(version) == CHAMPION else str(version)
    if chosen is None:
        raise LookupError(f"no champion for {name}: run `kansenradar run` first")
    return read_bundle(bundle_dir(output_root(), name, chosen))


def audit_rows(*, target: str, level: str, version: str | int | None = None) -> pd.DataFrame:
    """The version's audit dataset: one row per audited place-year, publishable as it is.

    The rows the gate judged, in its order: ``place_id``, ``school_year`` (feature year t),
    ``outcome_year``, ``fold``, ``y`` (elevated in t + 1), ``prob`` (held-out calibrated risk),
    ``threshold``, ``flag``, place identifiers, one column per grouping, the cut points
    (``cut_*``) and the limits (``limit_*``) used. See :func:`models.audit.audit_rows_table`.

    Examples
    --------
    >>> rows = audit_rows(target="under_advice", level="school")  # doctest: +SKIP
    >>> rows.groupby("urbanity")["flag"].mean()  # doctest: +SKIP
    """
    return _bundle(target, level, version).table("audit_rows")


def not_audited(*, target: str, level: str, version: str | int | None = None) -> pd.DataFrame:
    """Per grouping and group: audited rows and the rows not audited, by reason
    (``n_not_served``: the flag is suppressed; ``n_outcome_hidden``: the outcome year is hidden)."""
    groups = _bundle(target, level, version).table("audit_groups")
    return groups[["grouping", "group", "n_rows", "n_not_served", "n_outcome_hidden"]]


def _groups_from(predictions: pd.DataFrame, groupings: object) -> pd.DataFrame:
    """One column per grouping, one label per row of ``predictions``."""
    if groupings is None:
        found = [g for g in BUILT_IN_GROUPINGS if g in predictions]
        if not found:
            raise ValueError(
                f"predictions hold no group column ({', '.join(GROUPINGS)}); give groupings= "
                "a column, a mapping place → group or a CSV file"
            )
        return predictions[found]
    if isinstance(groupings, Mapping):
        labels = predictions["place_id"].map(groupings)
        if labels.isna().all():
            raise ValueError(
                f"groupings: none of its {len(groupings):,} places is in predictions; expected a "
                "mapping from the predictions' place_id to a group"
            )
        return pd.DataFrame({"group": labels}, index=predictions.index)
    if isinstance(groupings, str) and groupings in predictions:
        return predictions[[groupings]]
    if isinstance(groupings, Sequence) and not isinstance(groupings, str):
        missing = [g for g in groupings if g not in predictions]
        if missing:
            raise ValueError(f"groupings: no column {', '.join(map(repr, missing))} in predictions")
        return predictions[list(groupings)]
    if isinstance(groupings, str | Path) and Path(groupings).suffix.lower() == ".csv":
        return _groups_from_csv(predictions, Path(groupings))
    raise ValueError(
        f"groupings={groupings!r}: expected a column of predictions, a mapping place → group or "
        "an existing .csv file"
    )


def _read_groups_csv(path: Path) -> pd.DataFrame:
    """A researcher's grouping file as Excel or a script writes it: UTF-8 (with or without BOM)
    or Windows-1252, comma- or semicolon-separated; every failure names the file and says what
    was expected."""
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise ValueError(f"{path}: not a text file; expected a CSV with a header row 'place_id,<grouping>'")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if not text.strip():
        raise ValueError(f"{path}: the file is empty; expected a header row 'place_id,<grouping>' and rows")
    header = text.splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise ValueError(
            f"{path}: not a regular CSV ({exc}); every row needs as many fields as the header"
        ) from None
    table.columns = [str(c).strip() for c in table.columns]
    return table


def _groups_from_csv(predictions: pd.DataFrame, path: Path) -> pd.DataFrame:
    """A CSV with ``place_id`` (and optionally ``school_year``) and one column per grouping."""
    if not path.is_file():
        raise FileNotFoundError(f"groupings: {path} does not exist")
    table = _read_groups_csv(path)
    if "place_id" not in table:
        raise ValueError(
            f"{path}: needs a column 'place_id' and one column per grouping (columns found: "
            f"{', '.join(map(repr, table.columns))})"
        )
    by_year = "school_year" in table and "school_year" in predictions
    keys = ["place_id", "school_year"] if by_year else ["place_id"]
    if by_year:
        years = pd.to_numeric(table["school_year"], errors="coerce")
        bad = years.isna() | (years % 1 != 0)
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise ValueError(
                f"{path}: row {row + 2}, column 'school_year': {table['school_year'].iloc[row]!r} is not a "
                "year; expected the feature year as one number, e.g. 2023 for 2023-24"
            )
        table["school_year"] = years.astype(int)
    names = [c for c in table.columns if c not in keys]
    if not names:
        raise ValueError(f"{path}: no grouping column beside {', '.join(keys)}")
    if table.duplicated(keys).any():
        row = int(table.duplicated(keys).to_numpy().argmax())
        raise ValueError(f"{path}: row {row + 2} repeats a {' and '.join(keys)} given before")
    left = predictions[keys].assign(place_id=predictions["place_id"].astype(str))
    known = set(left["place_id"])
    if not table["place_id"].str.strip().isin(known).any():
        example = table["place_id"].iloc[0] if len(table) else ""
        raise ValueError(
            f"{path}: none of its {len(table):,} place_id values is an audited place (e.g. {example!r}); "
            "expected the place_id of the audit dataset (kansenradar audit --export)"
        )
    table["place_id"] = table["place_id"].str.strip()
    merged = left.merge(table, on=keys, how="left")
    return merged[names].replace("", np.nan).set_axis(predictions.index)


def audit(
    *,
    predictions: pd.DataFrame,
    groupings: str | Sequence[str] | Mapping[object, object] | Path | None = None,
    limits: FairnessLimits | None = None,
) -> Audit:
    """Audit predictions by group with the gate's limits, place bootstrap and intervals.

    Parameters
    ----------
    predictions
        One row per place-year: ``place_id``, ``y`` (0/1 outcome), ``prob`` (risk) and
        ``threshold`` (the flag is ``prob >= threshold``) or ``flag``. An audit dataset
        (:func:`audit_rows`) is one.
    groupings
        ``None``: the built-in group columns in ``predictions`` (reproduces the version's own
        audit); a column name or a list of them; a mapping place → group; or a CSV file with
        ``place_id`` (optionally ``school_year``) and one column per grouping.
    limits
        The gate's limits; default ``experiments/fairness.toml``.

    Returns
    -------
    Audit
        ``.table`` (grouping × group × metric with intervals and differences to the reference),
        ``.groups`` (sizes, positives, rows not audited), ``.decision`` via :func:`models.audit.gate`.

    Examples
    --------
    Forty places over two years, split in two kinds:

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> rows = pd.DataFrame({"place_id": np.repeat(np.arange(40), 2)})
    >>> rows["school_year"] = np.tile([2022, 2023], 40)
    >>> rows["prob"] = rng.uniform(size=80)
    >>> rows["y"] = (rng.uniform(size=80) < rows["prob"]).astype(int)
    >>> rows["threshold"] = 0.5
    >>> kind = {p: "even" if p % 2 == 0 else "odd" for p in range(40)}
    >>> result = audit(predictions=rows, groupings=kind)
    >>> result.groups[["group", "n_places", "n_rows", "audited"]]
      group  n_places  n_rows  audited
    0  even        20      40     True
    1   odd        20      40     True
    >>> sorted(result.table["metric"].unique())[:3]
    ['calibration_gap', 'false_positive_rate', 'mean_predicted']
    """
    from experiments.config import load_fairness_limits

    missing = [c for c in ("place_id", "y", "prob") if c not in predictions]
    if missing:
        raise ValueError(f"predictions need column(s) {', '.join(missing)}")
    if "threshold" in predictions:
        threshold = predictions["threshold"].to_numpy(dtype=float)
    elif "flag" in predictions:  # the flag as given: a threshold every flagged row meets
        threshold = np.where(predictions["flag"].astype(bool), -np.inf, np.inf)
    else:
        raise ValueError("predictions need a 'threshold' or a 'flag' column")
    groups = _groups_from(predictions, groupings)
    frame = predictions.assign(y=predictions["y"].astype(int))
    return audit_predictions(frame, threshold, limits or load_fairness_limits(), groups=groups)


def decision(result: Audit) -> object:
    """The gate's decision on an audit (codes; :func:`models.texts.gate_words` words them)."""
    return gate(result)


NOT_SCORED_HIDDEN_ROW = "hidden_place_year"
NOT_SCORED_HIDDEN_VALUES = "hidden_values"
NOT_SCORED_FEW_PUPILS = "fewer_pupils"


def score_rows(
    *,
    target: str,
    level: str,
    version: str | int | None = None,
    rows: pd.DataFrame | None = None,
    loaded: Version | None = None,
) -> pd.DataFrame:
    """Risk, interval and flag of published feature rows; rows that cannot be scored say why.

    ``rows`` defaults to the version's published ``features_latest``. A row is scored when its
    place-year is shown and none of the values the model reads was hidden by disclosure control
    (then its risk equals the version's published score). Otherwise ``scored`` is False and
    ``not_scored`` names the reason: ``hidden_place_year`` (the place-year rests on fewer than
    10 pupils or is hidden against differencing), ``hidden_values`` (the listed values were hidden:
    a score from the rest would not be the model's score) or ``fewer_pupils``.

    Examples
    --------
    >>> scored = score_rows(target="under_advice", level="school")  # doctest: +SKIP
    >>> scored["not_scored"].value_counts()  # doctest: +SKIP
    """
    v = loaded or load_version(target=target, level=level, version=version)
    frame = (v.bundle.table("features_latest") if rows is None else rows).reset_index(drop=True)
    features = v.model.features
    out = frame[[c for c in ("place_id", "school_year") if c in frame]].copy()
    reason = pd.Series(None, index=frame.index, dtype=object)
    detail = pd.Series("", index=frame.index, dtype=object)
    if STATUS_COLUMN in frame:
        reason[(frame[STATUS_COLUMN] != SHOWN).to_numpy()] = NOT_SCORED_HIDDEN_ROW
    if HIDDEN_VALUES in frame:
        needed = set(features)
        hidden = (
            frame[HIDDEN_VALUES]
            .fillna("")
            .map(lambda names: ",".join(n for n in names.split(",") if n in needed))
        )
        has = (hidden != "") & reason.isna()
        reason[has] = NOT_SCORED_HIDDEN_VALUES
        detail[has] = hidden[has]
    if PUPILS_FEATURE in frame:
        few = ~(np.expm1(frame[PUPILS_FEATURE].to_numpy(dtype=float)) >= MIN_PUPILS - 1e-9) & reason.isna()
        reason[few] = NOT_SCORED_FEW_PUPILS
    ok = reason.isna().to_numpy()
    problem = input_problem(frame.loc[ok], features)
    if problem is not None:
        raise ValueError(problem)
    for col in ("risk", "risk_low", "risk_high"):
        out[col] = np.nan
    out["flag"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    if ok.any():
        scored = v.model.score(frame.loc[ok])
        for col in ("risk", "risk_low", "risk_high"):
            out.loc[ok, col] = scored[col].to_numpy()
        out.loc[ok, "flag"] = scored["flag"].to_numpy()
    out["scored"] = ok
    out["not_scored"] = reason.to_numpy()
    out["hidden_values"] = detail.to_numpy()
    return out
