"""Explanations of a flag: per-place contributions, drivers in words, plain-language summary.

TreeSHAP contributions are expensive (seconds per thousand rows, see MEASURED.md), so they are
computed once per model version for the scored year and cached with the scores; the app only
reads them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.indicators import REGISTRY, label


def top_drivers(contributions: pd.DataFrame, n: int = 3, lang: str = "nl") -> pd.Series:
    """The ``n`` features that push each place's risk up most, as a readable string."""
    contrib = contributions.drop(columns=["bias"], errors="ignore")
    names = contrib.columns.to_numpy()
    values = contrib.to_numpy()
    order = np.argsort(-values, axis=1)[:, :n]
    out = []
    for i, idx in enumerate(order):
        parts = [label(names[j], lang) for j in idx if values[i, j] > 0]
        out.append(
            "; ".join(parts)
            if parts
            else ("geen duidelijke drijfveer" if lang == "nl" else "no clear driver")
        )
    return pd.Series(out, index=contributions.index)


def aggregate_contributions(contributions: pd.DataFrame, key: pd.Series, weights: pd.Series) -> pd.DataFrame:
    """Pupil-weighted mean contribution per coarser place (e.g. schools → gemeente)."""
    w = weights.astype(float).fillna(0).to_numpy()
    weighted = contributions.mul(w, axis=0)
    total = pd.Series(w, index=contributions.index).groupby(key.to_numpy()).sum()
    return weighted.groupby(key.to_numpy()).sum().div(total.replace(0, np.nan), axis=0)


def summary_sentence(row: pd.Series, target: str, lang: str = "nl") -> str:
    """One plain sentence about the place's history and context (the flag's *why* in words)."""
    what = {
        "under_advice": (
            "het aandeel leerlingen met een advies onder hun toetsniveau",
            "the share of pupils advised below their test level",
        ),
        "dropout": ("het aandeel voortijdig schoolverlaters", "the share of early school leavers"),
    }[target][0 if lang == "nl" else 1]
    bits = []
    rises = row.get("rises_in_a_row")
    gap = row.get("gap_to_national")
    if pd.notna(rises) and rises >= 2:
        bits.append(
            f"{what} is drie jaar op rij gestegen"
            if lang == "nl"
            else f"{what} has risen three years in a row"
        )
    elif pd.notna(row.get("trend_3y")) and row["trend_3y"] > 1:
        bits.append(f"{what} stijgt" if lang == "nl" else f"{what} is rising")
    if pd.notna(gap):
        if lang == "nl":
            bits.append(
                f"het ligt {abs(gap):.1f} procentpunt {'boven' if gap > 0 else 'onder'} het landelijke niveau"
            )
        else:
            bits.append(
                f"it is {abs(gap):.1f} percentage points {'above' if gap > 0 else 'below'} the national level"
            )
    if bits and pd.notna(rises) and rises >= 2:
        bits.append(
            "terwijl de context (CBS-kerncijfers) niet veranderde"
            if lang == "nl"
            else "while the context (CBS key figures) did not change"
        )
    if not bits:
        return (
            "Te weinig geschiedenis voor een samenvatting."
            if lang == "nl"
            else "Too little history for a summary."
        )
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
