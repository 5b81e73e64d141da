"""Which places first under a budget: a ranked list by calibrated risk.

With calibrated risks, the sum of the chosen places' risks is the expected number of places in
the list that will really be elevated next year. A budget in pupils fills the list greedily by
risk until the pupils reachable are used up (places too large for what is left are skipped).
Places whose figures are suppressed (< 10 pupils) are not listed.
"""

from __future__ import annotations

import pandas as pd


def prioritise(scores: pd.DataFrame, budget: int, by: str = "places") -> pd.DataFrame:
    """Top places by risk within ``budget`` places or pupils (``by`` = 'places' / 'pupils')."""
    ranked = scores[scores["risk"].notna()].sort_values("risk", ascending=False)
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
