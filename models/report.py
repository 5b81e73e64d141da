"""Audit report and model card: one self-contained HTML file per registered model version.

Written for researchers auditing fairness and for a DPIA / EU AI Act register entry: purpose,
data and its limits, accuracy against baselines, fairness with intervals, calibration by group,
mitigation trade-offs, limitations. Charts are inline SVG (:mod:`models.charts`), so the file
opens anywhere, without scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from features.indicators import label as indicator_label
from features.provenance import DataOrigin
from features.suppression import MIN_PUPILS
from features.vocabulary import LANGUAGES
from features.years import format_school_year
from models.audit import Audit, GateDecision
from models.charts import IntervalPanel, Point, interval_chart, scatter_chart
from models.metrics import COMPARISON_METRICS
from models.texts import (
    LEVEL_LABELS,
    TARGET_LABELS,
    codes_in_words,
    column_label,
    format_number,
    gate_reason,
    gate_summary,
    group_label,
    grouping_label,
    labelled_columns,
    pick,
    t,
    value_label,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:2px solid #2a6f97;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}th,td{border:1px solid #ccc;padding:3px 7px;
text-align:right}th{background:#eef4f8}td:first-child,th:first-child{text-align:left}
.note{background:#f6f6f0;border-left:4px solid #c9a227;padding:.5em 1em}.ok{border-left-color:#2e7d32}
.refused{border-left-color:#b3261e}dl{display:grid;grid-template-columns:14em 1fr;gap:.3em 1em}
dt{font-weight:600}img{max-width:100%}small{color:#555}.scroll{overflow-x:auto}
"""


def _table(frame: pd.DataFrame, lang: str, digits: int = 3) -> Markup:
    """A table as HTML, numbers the reader's way; pandas escapes every cell and header.

    Counts stored as floats (places, rows) are written as whole numbers: "342.000" would read
    as three hundred and forty-two thousand to a Dutch reader.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if (
            pd.api.types.is_float_dtype(values)
            and values.dropna().mod(1).eq(0).all()
            and values.notna().any()
        ):
            out[column] = values.map(lambda v: "–" if v != v else format_number(v, lang))
    html_table = out.to_html(
        index=False, float_format=lambda v: format_number(v, lang, digits), na_rep="–", border=0, escape=True
    )
    return Markup(f"<div class='scroll'>{html_table}</div>")


def fairness_plot(audit: Audit, grouping: str, lang: str = "nl") -> str:
    """Recall, false-positive rate and selection rate per group, with intervals."""
    t_ = audit.table[audit.table["grouping"] == grouping]
    metrics = ["recall", "false_positive_rate", "selection_rate"]
    codes = list(dict.fromkeys(t_["group"].astype(str)))
    panels = []
    for metric in metrics:
        m = t_[t_["metric"] == metric].assign(group=lambda f: f["group"].astype(str)).set_index("group")
        m = m.reindex(codes)
        ref = m[m.index == m["reference"].astype(str)]["value"]
        panels.append(
            IntervalPanel(
                column_label(metric, lang),
                m["value"].tolist(),
                m["ci_low"].tolist(),
                m["ci_high"].tolist(),
                float(ref.iloc[0]) if len(ref) else None,
            )
        )
    title = t(
        "card_plot_interval",
        lang,
        grouping=grouping_label(grouping, lang),
        confidence=int(audit.thresholds.confidence * 100),
    )
    return interval_chart(title, [group_label(g, lang) for g in codes], panels)


def calibration_plot(audit: Audit, grouping: str, lang: str = "nl") -> str:
    """Mean predicted risk against the observed share elevated, per group (diagonal: perfect)."""
    t_ = audit.table[audit.table["grouping"] == grouping]
    pred = t_[t_["metric"] == "mean_predicted"].set_index("group")["value"]
    obs = t_[t_["metric"] == "observed_rate"].set_index("group")
    points = [
        Point(
            float(x),
            float(obs.loc[g, "value"]),
            group_label(g, lang),
            float(obs.loc[g, "ci_low"]),
            float(obs.loc[g, "ci_high"]),
        )
        for g, x in pred.items()
        if g in obs.index
    ]
    return scatter_chart(
        t("card_plot_calibration", lang, grouping=grouping_label(grouping, lang).lower()),
        points,
        t("card_plot_predicted", lang),
        t("card_plot_observed", lang),
        diagonal=True,
    )


def mitigation_plot(mitigation: pd.DataFrame, lang: str = "nl") -> str:
    """Each mitigation method's accuracy (F1) against its largest recall difference."""
    points = [
        Point(float(r.max_recall_difference), float(r.f1), value_label(r.method, lang))
        for r in mitigation.itertuples()
    ]
    return scatter_chart(
        t("card_plot_tradeoff", lang),
        points,
        t("card_plot_tradeoff_x", lang),
        t("card_plot_tradeoff_y", lang),
    )


def data_note(origin: DataOrigin, lang: str = "nl") -> str:
    """Where the data come from, for the card's first line (origin decided by the folder's manifest)."""
    if origin.simulated:
        return t("card_data_simulated", lang, fingerprint=origin.fingerprint)
    return t("card_data_user", lang, label=origin.label, fingerprint=origin.fingerprint)


GROUP_SOURCES = {
    # grouping → where its value is measured, per level of place (a key of the card_src_* texts)
    "urbanity": {"school": "gemeente", "pc4": "gemeente", "gemeente": "own", "rmc": "rmc"},
    "migration": {"school": "gemeente", "pc4": "gemeente", "gemeente": "own", "rmc": "rmc"},
    "income": {"school": "gemeente", "pc4": "gemeente", "gemeente": "own", "rmc": "rmc"},
    "province": {"school": "gemeente", "pc4": "gemeente", "gemeente": "own", "rmc": "rmc"},
    "denomination": {"school": "school"},
}
"""A school's urbanity, migration and income are its gemeente's (the panel's context columns,
:func:`features.panel.attach_places`); an RMC region's are its gemeenten's, weighted by population."""


def group_definitions(audit: Audit, level: str, lang: str) -> pd.DataFrame:
    """One row per grouping of the audit: what it is, where it is measured, its cut points."""
    rows = []
    names = list(dict.fromkeys(audit.groups["grouping"])) if not audit.groups.empty else []
    for grouping in names:
        if "×" in grouping or grouping not in GROUP_SOURCES:
            continue
        source = GROUP_SOURCES[grouping].get(level, "own")
        cuts = audit.cuts.get(grouping)
        rows.append(
            {
                "grouping": grouping_label(grouping, lang),
                "definition": t(f"card_def_{grouping}", lang),
                "source": t(f"card_src_{source}", lang, level=_lower_first(pick(LEVEL_LABELS[level], lang))),
                "cuts": t(
                    "card_cuts",
                    lang,
                    low=format_number(cuts[0], lang, 1),
                    high=format_number(cuts[1], lang, 1),
                )
                if cuts
                else "–",
            }
        )
    return pd.DataFrame(rows, columns=["grouping", "definition", "source", "cuts"])


RELIABILITY_BINS = np.linspace(0, 1, 11)


def reliability_by_group(rows: pd.DataFrame, grouping: str) -> pd.DataFrame:
    """Per group and bin of held-out risk (10 points wide): place-years, mean risk, share elevated."""
    frame = rows.dropna(subset=[grouping])
    if frame.empty:
        return pd.DataFrame(columns=["group", "risk_bin", "n_rows", "mean_predicted", "observed_rate"])
    index = np.clip(np.digitize(frame["prob"].to_numpy(dtype=float), RELIABILITY_BINS[1:-1]), 0, 9)
    out = (
        frame.assign(risk_bin=index, y=frame["y"].astype(float))
        .groupby([grouping, "risk_bin"])
        .agg(n_rows=("y", "size"), mean_predicted=("prob", "mean"), observed_rate=("y", "mean"))
        .reset_index()
        .rename(columns={grouping: "group"})
    )
    return out


def _bin_label(i: int) -> str:
    return f"{i * 10}–{(i + 1) * 10} %"


def reliability_section(audit: Audit, lang: str) -> list[dict]:
    """Per grouping (not the intersections): a reliability chart per audited group and its table."""
    out = []
    if audit.table.empty or audit.rows.empty:
        return out
    for grouping in dict.fromkeys(audit.table["grouping"]):
        if "×" in grouping or grouping not in audit.rows:
            continue
        curves = reliability_by_group(audit.rows, grouping)
        audited = list(dict.fromkeys(audit.table.loc[audit.table["grouping"] == grouping, "group"]))
        curves = curves[curves["group"].isin(audited)]
        charts = []
        for group in audited:
            c = curves[curves["group"] == group]
            points = [
                Point(float(r.mean_predicted), float(r.observed_rate), format_number(r.n_rows, lang))
                for r in c.itertuples()
            ]
            title = t(
                "card_plot_reliability",
                lang,
                grouping=grouping_label(grouping, lang),
                group=group_label(group, lang),
            )
            charts.append(
                scatter_chart(
                    title,
                    points,
                    t("card_plot_predicted", lang),
                    t("card_plot_observed", lang),
                    diagonal=True,
                )
            )
        table = codes_in_words(curves, lang).assign(risk_bin=curves["risk_bin"].map(_bin_label))
        out.append(
            {
                "label": grouping_label(grouping, lang),
                "plots": Markup("".join(charts)),
                "table": _table(labelled_columns(table, lang), lang),
            }
        )
    return out


def sizes_with_base_rates(audit: Audit) -> pd.DataFrame:
    """The group sizes with each group's base rate (share of its audited place-years elevated) and
    its positives: elevated place-years and flagged place-years."""
    sizes = audit.groups.copy()
    if sizes.empty:
        return sizes
    if "n_positive_rows" not in sizes:  # an audit table of an older version
        sizes["n_positive_rows"] = np.nan
    with np.errstate(invalid="ignore", divide="ignore"):
        sizes["base_rate"] = sizes["n_positive_rows"] / sizes["n_rows"].where(sizes["n_rows"] > 0)
    flagged = {}
    if not audit.rows.empty:
        for grouping in sizes["grouping"].unique():
            if grouping in audit.rows:
                counts = audit.rows.groupby(grouping)["flag"].sum()
                flagged.update({(grouping, k): int(v) for k, v in counts.items()})
    sizes["n_flagged"] = [
        flagged.get((g, k), 0) for g, k in zip(sizes["grouping"], sizes["group"], strict=True)
    ]
    return sizes


def reproduction_view(r: Reproduction, lang: str) -> dict:
    hyper = pd.DataFrame(
        {"parameter": list(r.hyperparameters), "value": [str(v) for v in r.hyperparameters.values()]}
    )
    return {
        "command": r.command,
        "commit": r.commit,
        "seed": r.seed,
        "fingerprints": f"{r.data_fingerprint} / {r.features_fingerprint}",
        "packages": ", ".join(r.packages),
        "hyper_title": t("card_repro_hyper", lang, kind=value_label(r.kind, lang)),
        "hyper_table": _table(labelled_columns(hyper, lang), lang) if len(hyper) else None,
    }


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class CardInput:
    """Everything one model card shows, independent of the language it is written in."""

    name: str
    version: str
    run_id: str
    target: str
    level: str
    comparison: pd.DataFrame
    fold_metrics: pd.DataFrame
    audit: Audit
    decision: GateDecision
    mitigation: pd.DataFrame
    calibration_method: str
    threshold: float
    features: list[str]
    origin: DataOrigin
    history: pd.DataFrame | None = None  # earlier versions of this experiment (models.bundle.version_history)
    reproduce: Reproduction | None = None  # how this version was made (hyper-parameters, commit …)


@dataclass(frozen=True)
class Reproduction:
    """What it takes to make this version again: settings, code, data and the command."""

    kind: str
    hyperparameters: dict
    packages: list[str]
    commit: str
    seed: int
    data_fingerprint: str  # of the data folder (features.provenance)
    features_fingerprint: str  # of the feature table trained on (models.registry.data_fingerprint)
    command: str


def _with_interval(frame: pd.DataFrame, metrics: tuple[str, ...], lang: str) -> pd.DataFrame:
    """``value (low–high)`` cells for the metrics that carry ``_low``/``_high`` columns."""
    out = frame.copy()
    for m in metrics:
        if m not in out:
            continue
        low, high = out.get(f"{m}_low"), out.get(f"{m}_high")
        out[m] = [
            "–"
            if v != v
            else format_number(v, lang, 3)
            + (
                ""
                if lo is None or lo != lo
                else f" ({format_number(lo, lang, 3)}–{format_number(hi, lang, 3)})"
            )
            for v, lo, hi in zip(
                out[m],
                low if low is not None else [None] * len(out),
                high if high is not None else [None] * len(out),
                strict=True,
            )
        ]
        out = out.drop(columns=[c for c in (f"{m}_low", f"{m}_high") if c in out])
    return out


def mitigation_view(mitigation: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The mitigation rows in words, each metric with its interval, this version's row marked."""
    from models.mitigation import FLAG_METRICS

    shown = mitigation.drop(columns=[c for c in ("grouping", "test_year", "reweighed_by") if c in mitigation])
    shown = _with_interval(shown, FLAG_METRICS, lang)
    return labelled_columns(codes_in_words(shown, lang), lang)


def history_view(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Earlier versions: mitigation, verdict, reasons in words and the audit rules judged by."""
    rows = []
    for r in history.itertuples():
        reasons = [gate_reason(c, lang) for c in r.codes] if r.codes else []
        summary = gate_summary(r.summary_code, lang) if r.summary_code else ""
        rows.append(
            {
                "version": f"v{r.version}",
                "method": r.mitigation,
                "gate_allowed": value_label(bool(r.gate_allowed), lang),
                "promoted": value_label(bool(r.promoted), lang),
                "reasons": " ".join([summary, *reasons]).strip(),
                "rules": t("card_rules", lang, rules=r.rules),
            }
        )
    return labelled_columns(codes_in_words(pd.DataFrame(rows), lang), lang)


def render_report(card: CardInput, lang: str = "nl") -> str:
    """The full HTML document in one language, rendered by Jinja2 with autoescaping.

    Every text that can come from data, configuration or the command line (names, reasons,
    the data note with the folder's name) is escaped by the template engine; only the tables
    pandas escaped itself and the embedded PNGs are marked safe. The data folder appears by its
    *name* only (:func:`features.provenance.data_origin`) — never a server path. The prose comes
    from the catalogue in :mod:`models.texts`, so the Dutch and English cards say the same thing.
    """
    w = partial(t, lang=lang)  # the template's words, in this card's language
    audit, decision, mitigation = card.audit, card.decision, card.mitigation
    comp = card.comparison.reset_index().rename(columns={"index": "model"})
    keep = ["model", *COMPARISON_METRICS]
    th = audit.thresholds
    sizes = sizes_with_base_rates(audit)
    if not sizes.empty:
        sizes = codes_in_words(sizes.drop(columns=["audited"]), lang).assign(audited=sizes["audited"])
        sizes["status"] = np.where(
            sizes["audited"],
            np.where(
                sizes["recall_judged"],
                w("card_audited"),
                w("card_recall_too_few", min_positive=th.min_positive_places),
            ),
            w("card_too_small", min_group=th.min_group_size),
        )
        sizes = sizes[
            [
                "grouping",
                "group",
                "n_places",
                "n_rows",
                "n_positive_rows",
                "base_rate",
                "n_flagged",
                "n_positive_places",
                "n_not_served",
                "n_outcome_hidden",
                "status",
            ]
        ]
    groupings = []
    for grouping in audit.table["grouping"].unique() if not audit.table.empty else []:
        t_ = audit.table[audit.table["grouping"] == grouping]
        plots = (
            fairness_plot(audit, grouping, lang) + calibration_plot(audit, grouping, lang)
            if "×" not in grouping
            else ""
        )
        show = t_[
            t_["metric"].isin(
                ["selection_rate", "recall", "false_positive_rate", "precision_at_top", "calibration_gap"]
            )
        ].pipe(codes_in_words, lang)
        cols = ["group", "metric", "value", "ci_low", "ci_high", "reference", "difference"]
        cols += ["diff_low", "diff_high", "ratio", "n_places", "n_positive_places", "judged", "exceeds"]
        groupings.append(
            {
                "label": grouping_label(grouping, lang),
                "plots": Markup(plots),
                "table": _table(labelled_columns(show[cols], lang), lang),
            }
        )
    has_mitigation = mitigation is not None and not mitigation.empty
    definitions = group_definitions(audit, card.level, lang)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    return env.get_template("model_card.html.j2").render(
        w=w,
        lang=lang,
        css=Markup(CSS),
        name=card.name,
        version=card.version,
        run_id=card.run_id,
        target=pick(TARGET_LABELS[card.target], lang),
        level=_lower_first(pick(LEVEL_LABELS[card.level], lang)),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        allowed=decision.allowed,
        summary=gate_summary(decision.summary_code, lang),
        reasons=[gate_reason(c, lang) for c in decision.codes],
        data_note=data_note(card.origin, lang),
        min_pupils=MIN_PUPILS,
        features=[indicator_label(n, lang) for n in card.features],
        comparison_table=_table(
            labelled_columns(codes_in_words(comp[[c for c in keep if c in comp]], lang), lang),
            lang,
        ),
        calibration_method=value_label(card.calibration_method, lang),
        threshold=format_number(card.threshold, lang, digits=3),
        fold_table=_table(labelled_columns(card.fold_metrics, lang), lang),
        n_rows=format_number(audit.n_rows, lang),
        confidence=int(th.confidence * 100),
        n_boot=format_number(th.n_boot, lang),
        gated=", ".join(grouping_label(g, lang) for g in th.gated_groupings),
        max_recall=format_number(th.max_recall_difference, lang, digits=2),
        max_fpr=format_number(th.max_fpr_difference, lang, digits=2),
        max_calib=format_number(th.max_calibration_gap, lang, digits=2),
        min_group=th.min_group_size,
        sizes_table=_table(labelled_columns(sizes, lang), lang) if not sizes.empty else None,
        groupings=groupings,
        mitigation_table=_table(mitigation_view(mitigation, lang), lang) if has_mitigation else None,
        mitigation_grouping=grouping_label(mitigation["grouping"].iloc[0], lang) if has_mitigation else "",
        reweighed_by=" × ".join(grouping_label(g, lang).lower() for g in th.gated_groupings),
        history_table=_table(history_view(card.history, lang), lang)
        if card.history is not None and not card.history.empty
        else None,
        n_not_served=format_number(audit.not_audited.get("not_served", 0), lang),
        n_outcome_hidden=format_number(audit.not_audited.get("outcome_hidden", 0), lang),
        min_positive=th.min_positive_places,
        n_comparisons=audit.n_comparisons,
        rules=audit.rules,
        mitigation_year=format_school_year(int(mitigation["test_year"].iloc[0])) if has_mitigation else "",
        mitigation_plot=Markup(mitigation_plot(mitigation, lang)) if has_mitigation else "",
        n_folds=len(card.fold_metrics),
        definitions_table=_table(labelled_columns(definitions, lang), lang) if len(definitions) else None,
        reliability=reliability_section(audit, lang),
        reproduce=reproduction_view(card.reproduce, lang) if card.reproduce is not None else None,
        target_code=card.target,
        level_code=card.level,
    )


def render_reports(card: CardInput) -> dict[str, str]:
    """The model card in every language of the product, Dutch first."""
    return {lang: render_report(card, lang) for lang in LANGUAGES}
