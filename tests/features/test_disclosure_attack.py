"""The attacker test: everything one run publishes for a target, audited by linear programming.

On the embedded default world, take what the app and the exports publish for every level of a
target (the rate history of every place-year at every level — the superset of the scores, maps,
drill-downs and lags, which show the same place-years — through the same function the pages
call) and solve, sdcTable-style, the attacker's linear programmes per school year: can the
published figures, subtracted along the hierarchies, pin down any hidden pupil or event count
more tightly than its label says? (A "<10" cell must still span 1–9 pupils and 0–9 events.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.disclosure_audit import attack_year
from features.pipeline import HISTORY_COLUMNS
from features.suppression import LEVEL_KEY, LINKED_TABLES, MIN_PUPILS, PRIMARY, SECONDARY, SHOWN
from features.vocabulary import ATTAINMENT_TARGET, RATIO_TARGETS
from models.scoring import published_history


def _published(built, target: str) -> dict[str, pd.DataFrame]:
    out = {}
    for (t, level), (panel, _) in built.items():
        if t == target:
            out[level] = published_history(panel[[c for c in HISTORY_COLUMNS if c in panel]])
    return out


def audit_target(built, target: str) -> pd.DataFrame:
    """Feasible intervals of every primarily hidden cell and total, all years and levels."""
    published = _published(built, target)
    results = []
    for base_level, agg_levels in LINKED_TABLES[target]:
        panel = built[(target, base_level)][0]
        base = published[base_level]
        for year, rows in base.groupby("school_year"):
            truth = panel.loc[rows.index]
            shown = rows["disclosure"].to_numpy() == SHOWN
            # what is shown is exactly the truth (so the attacker knows it exactly) …
            np.testing.assert_allclose(rows.loc[shown, "n_pupils"], truth.loc[shown, "n_pupils"])
            # a ratio target publishes O (HAVO+ advices) beside its O/E; a rate gives events back
            ratio = target in RATIO_TARGETS
            events = rows["n_events"] if ratio else rows["rate"] / 100 * rows["n_pupils"]
            np.testing.assert_allclose(events[shown], truth.loc[shown, "n_events"], atol=1e-9)
            # … and nothing of a hidden row is
            assert rows.loc[~shown, ["n_pupils", "n_events", "rate", "shrunk_rate"]].isna().all().all()
            codes, statuses = [], []
            for lv in agg_levels:
                c, uniques = pd.factorize(rows[LEVEL_KEY[lv]].astype("string"))
                agg = published[lv]
                agg = agg[agg["school_year"] == year].set_index("place_id")
                status = agg["disclosure"].reindex(uniques.astype(str)).to_numpy()
                assert not pd.isna(status).any(), f"{lv} totals missing from the publication"
                totals = np.bincount(c, weights=truth["n_pupils"].to_numpy(float))
                vis = status == SHOWN
                np.testing.assert_allclose(agg["n_pupils"].reindex(uniques.astype(str))[vis], totals[vis])
                codes.append(c)
                statuses.append(status)
            audit = attack_year(
                truth["n_pupils"].to_numpy(float),
                truth["n_events"].to_numpy(float),
                rows["disclosure"].to_numpy(object),
                codes,
                statuses,
                list(agg_levels),
            )
            results.append(audit.assign(year=year, table=base_level))
    return pd.concat(results, ignore_index=True)


@pytest.mark.slow
@pytest.mark.parametrize("target", ["under_advice", ATTAINMENT_TARGET, "dropout"])
def test_no_published_figure_narrows_a_hidden_count(built, target: str) -> None:
    audit = audit_target(built, target)
    narrowed = audit[audit["narrowed"]]
    print(f"\n{target}: {len(audit)} hidden cells and totals audited, {len(narrowed)} narrowed")
    assert narrowed.empty, narrowed.head(20)
    if target in ("under_advice", ATTAINMENT_TARGET):
        assert len(audit) > 10_000  # every year, every level: schools, PC4s, gemeenten


def test_labels_are_true_on_the_default_world(built) -> None:
    """'<10' only on cells with fewer than 10 pupils; 'verborgen' only on cells with 10 or more."""
    for (_, _), (panel, _) in built.items():
        small = panel["n_pupils"] < MIN_PUPILS
        assert (panel.loc[small, "disclosure"] == PRIMARY).all()
        assert (panel.loc[~small, "disclosure"] != PRIMARY).all()
    school = built[("under_advice", "school")][0]
    assert (school["disclosure"] == SECONDARY).sum() > 0  # linked-table protection is at work
