"""Explanations of a flag: per-place contributions, drivers in words, plain-language summary.

TreeSHAP contributions are expensive (seconds per thousand rows, see docs/MEASURED.md), so they
are computed once per model version for the scored year and cached with the scores; the app only
reads them.

**Grouped explanations.** Raw per-indicator contributions of correlated indicators read badly
("difference with national +9.1" next to "rate this year −1.9"). An analyst reads a few named
*concepts* instead (:data:`features.vocabulary.CONCEPTS`): the place's own level, its
development, its context, size and uncertainty, and the test regime. Each concept's contribution
is measured on the model's raw score scale (log-odds) against a *reference place* whose
indicators are the national medians of that year: the concept contributions add up exactly to
``raw(place) − raw(reference)``. For LightGBM this uses TreeSHAP of the place minus TreeSHAP of
the reference (both sum to their raw score); for the logistic models coefficient × (standardised
value − reference value). The risk shown stays the calibrated one; the groups say *what* moves it
away from an ordinary place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.indicators import REGISTRY, label
from features.vocabulary import CONCEPTS
from models.texts import CONCEPT_LABELS, format_number, pick, t


def top_drivers(contributions: pd.DataFrame, n: int = 3, lang: str = "nl") -> pd.Series:
    """The ``n`` features that push each place's risk up most, as a readable string."""
    contrib = contributions.drop(columns=["bias"], errors="ignore")
    names = contrib.columns.to_numpy()
    values = contrib.to_numpy()
    order = np.argsort(-values, axis=1)[:, :n]
    out = []
    for i, idx in enumerate(order):
        parts = [label(names[j], lang) for j in idx if values[i, j] > 0]
        out.append("; ".join(parts) if parts else t("no_clear_driver", lang))
    return pd.Series(out, index=contributions.index)


def aggregate_contributions(contributions: pd.DataFrame, key: pd.Series, weights: pd.Series) -> pd.DataFrame:
    """Pupil-weighted mean contribution per coarser place (e.g. schools → gemeente)."""
    w = weights.astype(float).fillna(0).to_numpy()
    weighted = contributions.mul(w, axis=0)
    total = pd.Series(w, index=contributions.index).groupby(key.to_numpy()).sum()
    return weighted.groupby(key.to_numpy()).sum().div(total.replace(0, np.nan), axis=0)


def summary_sentence(row: pd.Series, target: str, lang: str = "nl") -> str:
    """One plain sentence about the place's history and context (the flag's *why* in words)."""
    what = t(f"what_{target}", lang)
    bits = []
    rises = row.get("rises_in_a_row")
    gap = row.get("gap_to_national")
    if pd.notna(rises) and rises >= 2:
        bits.append(t("risen_three_years", lang, what=what))
    elif pd.notna(row.get("trend_3y")) and row["trend_3y"] > 1:
        bits.append(t("rising", lang, what=what))
    if pd.notna(gap):
        key = "above_national" if gap > 0 else "below_national"
        bits.append(t(key, lang, gap=format_number(abs(gap), lang, digits=1)))
    if bits and pd.notna(rises) and rises >= 2:
        bits.append(t("context_unchanged", lang))
    if not bits:
        return t("too_little_history", lang)
    text = ", ".join(bits)
    return text[0].upper() + text[1:] + "."


def peer_places(features: pd.DataFrame, place: str, k: int = 20) -> pd.Index:
    """The ``k`` places most alike in context (standardised context indicators, Euclidean).

    ``features`` is indexed by place id; the place itself is not its own peer.
    """
    context = [n for n, i in REGISTRY.items() if i.kind == "context" and n in features.columns]
    z = (features[context] - features[context].mean()) / features[context].std()
    distance = np.sqrt(((z - z.loc[place]) ** 2).sum(axis=1)).drop(place, errors="ignore")
    return distance.nsmallest(k).index


_DEVELOPMENT = frozenset({"trend_3y", "gap_change_1y", "rises_in_a_row"})
_SIZE = frozenset({"log_pupils", "interval_width", "test_score_spread"})
_BY_KIND = {"history": "own_level", "context": "context", "size": "size_uncertainty", "regime": "test_regime"}


def concept_of(indicator: str) -> str:
    """The concept an indicator belongs to (its registry kind, refined for history indicators)."""
    if indicator in _DEVELOPMENT:
        return "development"
    if indicator in _SIZE:
        return "size_uncertainty"
    kind = REGISTRY[indicator].kind if indicator in REGISTRY else "history"
    return _BY_KIND.get(kind, "own_level")


def reference_place(rows: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    """One row: the national median of every indicator in the scored year (the 'ordinary place')."""
    return rows[features].median(numeric_only=True).to_frame().T.astype(float)


def grouped_contributions(contributions: pd.DataFrame, reference: pd.Series) -> pd.DataFrame:
    """Concept contributions (columns of :data:`CONCEPTS`) of each place against the reference.

    ``contributions`` holds per-indicator raw-scale contributions per place (plus ``bias``), and
    ``reference`` those of the reference place; the result's rows sum to the difference of the
    raw scores, because the bias cancels and every indicator belongs to exactly one concept.
    """
    names = [c for c in contributions.columns if c not in ("bias", "place_id")]
    diff = contributions[names].astype(float) - reference[names].astype(float)
    grouped = diff.T.groupby([concept_of(n) for n in names]).sum().T
    return grouped.reindex(columns=list(CONCEPTS), fill_value=0.0)


def grouped_summary(groups: pd.Series, lang: str = "nl", min_effect: float = 0.1) -> str:
    """The explanation in one sentence, from the grouped view (largest effects first)."""
    order = groups.abs().sort_values(ascending=False).index
    up = [c for c in order if groups[c] >= min_effect]
    down = [c for c in order if groups[c] <= -min_effect]
    names = {c: pick(CONCEPT_LABELS[c], lang).lower() for c in CONCEPTS}
    if not up and not down:
        return t("ordinary_place", lang)
    join = t("and", lang)
    parts = []
    if up:
        words = join.join(names[c] for c in up[:2])
        parts.append(t("raises_many" if len(up[:2]) > 1 else "raises_one", lang, parts=words))
    if down:
        words = join.join(names[c] for c in down[:2])
        sentence = t("lowers_many" if len(down[:2]) > 1 else "lowers_one", lang, parts=words)
        parts.append(sentence if up else sentence[:1].upper() + sentence[1:])
    return "; ".join(parts) + "."


def emerging_sentence(history: pd.DataFrame, year: int, guard_band: int, lang: str = "nl") -> str:
    """The emerging signal of one place and year in words, e.g. "2023-24: 31 % observed, 18 %
    (12–24 %) expected from 2016-17 … 2021-22 and the national change; above expectation two
    years in a row."

    ``history`` holds the place's rows of the (suppressed, percent) emerging table.
    """
    from features.years import format_school_year

    rows = history.set_index("school_year")
    if year not in rows.index:
        return t("em_no_data", lang)
    r = rows.loc[year]
    when = format_school_year(year)
    if r["state"] == "insufficient_history":
        return t("em_no_history", lang, when=when)
    if pd.isna(r["rate"]) or pd.isna(r["expected_rate"]):
        return t("em_hidden", lang, when=when)
    base = [y for y in rows.index if y <= year - 1 - guard_band]
    span = f"{format_school_year(min(base))} … {format_school_year(max(base))}"
    band = f"{r['expected_rate']:.0f} % ({r['expected_lower']:.0f}–{r['expected_upper']:.0f} %)"
    text = t("em_observed", lang, when=when, rate=f"{r['rate']:.0f}", band=band, span=span)
    run = int(r["years_above_expected"]) if pd.notna(r["years_above_expected"]) else 0
    counts = {2: "two", 3: "three", 4: "four"}
    if run >= 2:
        text += t("em_run", lang, n=t(counts[run], lang) if run in counts else str(run))
    elif run == 1:
        text += t("em_run_one", lang)
    text += t("em_alarm" if r["state"] == "alarm" else "em_no_alarm", lang)
    return text
