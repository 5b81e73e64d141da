"""Which places first under a budget: a ranked list by calibrated risk, the emerging signal, or both.

With calibrated risks, the sum of the chosen places' risks is the expected number of places in
the list that will really be elevated next year. A budget in pupils fills the list greedily by
risk until the pupils reachable are used up (places too large for what is left are skipped).
Places whose figures are suppressed (< 10 pupils) are not listed.
"""

from __future__ import annotations

import pandas as pd

RANK_ON = ("risk", "emerging", "both")


def priority(scores: pd.DataFrame, rank_on: str = "risk") -> pd.Series:
    """What the list is ordered by: the risk (*verhoogd*), the emerging score (*opkomend*), or
    both — the higher of the two percentile ranks, so a place high on either signal comes first."""
    if rank_on not in RANK_ON:
        raise ValueError(f"rank_on must be one of {RANK_ON}")
    if rank_on == "risk" or "emerging_score" not in scores:
        return scores["risk"]
    emerging = scores["emerging_score"].where(scores["risk"].notna())
    if rank_on == "emerging":
        return emerging
    return pd.concat([scores["risk"].rank(pct=True), emerging.rank(pct=True)], axis=1).max(axis=1)


def prioritise(scores: pd.DataFrame, budget: int, by: str = "places", rank_on: str = "risk") -> pd.DataFrame:
    """Top places within ``budget`` places or pupils (``by`` = 'places' / 'pupils'), ordered by
    :func:`priority`."""
    order = priority(scores, rank_on)
    ranked = (
        scores[order.notna()]
        .assign(_order=order)
        .sort_values("_order", ascending=False)
        .drop(columns="_order")
    )
    if by == "places":
        return ranked.head(budget)
    if by != "pupils":
        raise ValueError("by must be 'places' or 'pupils'")
    keep, used = [], 0.0
    for idx, n in ranked["n_pupils"].items():
        if used + n <= budget:
            keep.append(idx)
            used += n
    return ranked.loc[keep]


def spread_over_groups(
    scores: pd.DataFrame, chosen: pd.Index, groupings: tuple[str, ...] = ("urbanity", "migration", "income")
) -> pd.DataFrame:
    """How the chosen list is spread over kinds of places, next to all places (fairness at k)."""
    from models.groups import assign_groups

    groups = assign_groups(scores)
    rows = []
    for g in groupings:
        share_all = groups[g].value_counts(normalize=True)
        share_top = groups.loc[chosen, g].value_counts(normalize=True).reindex(share_all.index).fillna(0.0)
        rows += [
            {"grouping": g, "group": k, "share_in_list": share_top[k], "share_all_places": share_all[k]}
            for k in share_all.index
        ]
    return pd.DataFrame(rows)
