"""Disclosure control: the one rule set every user-facing output of kansenradar follows.

kansenradar promises that **no output shows a figure that rests on fewer than 10 pupils** — not
directly, and not by subtracting published figures from each other. This module is the only
place that decides what may be shown; the app, the CLI exports, batch scoring, REST serving
and the model card all go through it (``tests/features/test_disclosure_attack.py`` attacks the
result by linear programming).

Rules (``MIN_PUPILS`` = 10), per target and school year:

1. **Primary suppression (threshold rule).** A cell — a place in one year — whose figures rest
   on fewer than 10 pupils shows none of them: pupils, events, rate, shrunken rate, interval,
   risk, flag, rank, drivers. It is labelled ``"<10"``, which is true.
2. **Every figure rests on its own year.** A figure derived from another year (``rate_lag1``,
   trends, a history point, the value of an indicator on the Place page, a contribution of a
   lagged indicator) is shown only when *that* year's cell is shown and its own denominator
   (pupils, or e.g. eligible pupils for the revision rate) is at least 10
   (:func:`publishable_indicators`, driven by :attr:`features.indicators.Indicator.years`
   and ``denominator`` in the registry).
3. **Secondary suppression across linked tables** (:func:`protect_year`). Each target's levels
   are sums of one base table along hierarchies that really nest (:data:`LINKED_TABLES`):
   under-advice schools ⊂ PC4 ⊂ gemeente ⊂ national and schools ⊂ gemeente; dropout
   gemeenten ⊂ RMC ⊂ national; VO schools ⊂ national. For every published total (every
   visible aggregate, the national total included) and every primarily hidden cell in it, the
   *other* hidden cells in that total must leave the attacker's interval as wide as the
   cell's label: the hidden pupils can still be anything from 1 to 9 and the hidden events
   anything from 0 to 9. A secondarily hidden cell must never be the only hidden cell of a
   published total (it would be recovered exactly and unlock its partner). Where the cells
   of a total cannot give that slack, the total itself is hidden. Cells are chosen smallest
   first, preferring partners in the same finer area (one partner then protects in every
   table at once).
4. **Labels.** A secondarily hidden cell rests on 10 or more pupils: it is labelled
   ``"verborgen"`` / ``"hidden"``, never ``"<10"`` — that would be false and a clue.
5. **Small event counts are not a separate rule.** The former rule "hide event counts below
   10" was dropped: in a shown row the rate times the pupils gave the count back, and making
   it true would hide the rate of nearly every VO school (dropout is ≈2 %, so < 10 leavers
   is the norm) — the very signal the tool exists for. The threshold rule of statistical
   offices applies to the *contributors* of a cell: here the pupils a rate rests on. The
   events of a *hidden* cell are protected by rule 3 (their interval must stay 0–9).

Anchor in practice: these are the rules of CBS's τ-ARGUS and R's ``sdcTable`` for linked
hierarchical frequency tables — a threshold rule for primary suppression, secondary
(complementary) suppression over all linked tables at once with a protection interval for
every primary cell, and an audit that computes each hidden cell's feasible interval by linear
programming (sdcTable's ``attack``/``protectLinkedTables``; τ-ARGUS's "Modular"/HiTaS approach
works hierarchy by hierarchy, as :func:`protect_year` does). The protection here is a greedy
heuristic in the spirit of sdcTable's ``SIMPLEHEURISTIC``; it is *verified*, not assumed:
:mod:`features.disclosure_audit` solves the attacker's linear programmes on everything one
run publishes.

Not publications: the analyst's own working files (``kansenradar features`` Parquet, the MLflow
store with its training data and input example) — see the README's privacy section.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from features.vocabulary import ATTAINMENT_TARGET

MIN_PUPILS = 10
STATUS_COLUMN = "disclosure"
SHOWN, PRIMARY, SECONDARY = "shown", "primary", "secondary"
_CODES = np.array([SHOWN, PRIMARY, SECONDARY], dtype=object)
_SHOWN, _PRIMARY, _SECONDARY = 0, 1, 2

LINKED_TABLES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "under_advice": (("school", ("pc4", "gemeente")),),
    ATTAINMENT_TARGET: (("school", ("pc4", "gemeente")),),
    "dropout": (("gemeente", ("rmc",)), ("school", ())),
}
"""Per target: ``(base level, aggregate levels)`` — each aggregate is a sum of base cells; the
national total (sum of all base cells) is always published."""

LEVEL_KEY = {"pc4": "pc4", "gemeente": "gemeente_code", "rmc": "rmc_name"}
"""Column of a base panel naming the aggregate of that level each base cell belongs to."""

OWN_YEAR_COLUMNS = (
    "n_pupils",
    "n_events",
    "n_advice",
    "rate",
    "shrunk_rate",
    "rate_lower",
    "rate_upper",
    "elevated",
    "elevated_next",
    "rate_next",
)
"""Raw outcome columns of a feature row: they follow the row's own year."""


# ------------------------------------------------------------------------ the engine
class _Year:
    """Secondary suppression for one base table in one year (see :func:`protect_year`).

    Works on *equations*: every shown total (national included) says "the sum of its hidden
    base cells is known". A hidden cell inside a shown finer total that lies inside the same
    equation is *locked*: its block's sum is known, so it gives the equation no room. A hidden
    cell or total needs, in every equation that contains it and is not already settled by a
    finer shown total, unlocked partners with enough room (rule 3 of the module docstring).
    """

    def __init__(self, n: np.ndarray, e: np.ndarray, memberships: list[np.ndarray], min_pupils: int):
        self.n = np.asarray(n, dtype=float)
        self.e = np.nan_to_num(np.asarray(e, dtype=float))
        self.min = float(min_pupils)
        size = self.n.size
        self.levels = [np.asarray(m, dtype=np.int64) for m in memberships] + [np.zeros(size, np.int64)]
        self.national = len(self.levels) - 1
        self.leaf = np.where(~(self.n >= self.min), _PRIMARY, _SHOWN).astype(np.int8)
        self.members: list[list[np.ndarray]] = []
        self.agg_n, self.agg_e, self.agg = [], [], []
        for codes in self.levels:
            k = int(codes.max()) + 1 if size and codes.max() >= 0 else 0
            ok = codes >= 0
            order = np.argsort(codes[ok], kind="stable")
            idx = np.flatnonzero(ok)[order]
            bounds = np.searchsorted(codes[idx], np.arange(k + 1))
            self.members.append([idx[bounds[j] : bounds[j + 1]] for j in range(k)])
            self.agg_n.append(np.bincount(codes[ok], weights=self.n[ok], minlength=k))
            self.agg_e.append(np.bincount(codes[ok], weights=self.e[ok], minlength=k))
            self.agg.append(np.where(self.agg_n[-1] < self.min, _PRIMARY, _SHOWN).astype(np.int8))
        self.agg[self.national][:] = _SHOWN  # the national total is always published
        self.cache: dict[tuple[int, int], np.ndarray] = {}
        self.dirty: set[tuple[int, int]] = set()
        # within[m][k][b]: the level-m total that block b of level k lies inside (-1: none)
        self.within = [[self._within(m, k) for k in range(self.national)] for m in range(len(self.levels))]

    def _within(self, m: int, k: int) -> np.ndarray:
        out = np.full(len(self.members[k]), -1, dtype=np.int64)
        if m == k:
            return out
        for b, cells in enumerate(self.members[k]):
            codes = np.unique(self.levels[m][cells])
            if codes.size == 1 and codes[0] >= 0 and cells.size < self.members[m][codes[0]].size:
                out[b] = codes[0]  # strictly inside: an equal total is the same equation
        return out

    def _leaves(self, unit: tuple[int, int]) -> np.ndarray:
        lv, j = unit
        return np.array([j]) if lv < 0 else self.members[lv][j]

    def _locked(self, cells: np.ndarray, m: int, a: int) -> np.ndarray:
        """Which ``cells`` sit in a shown total that lies inside total ``a`` of level ``m``."""
        locked = np.zeros(cells.size, dtype=bool)
        for k in range(self.national):
            if k == m:
                continue
            b = self.levels[k][cells]
            ok = b >= 0
            bb = np.where(ok, b, 0)
            locked |= ok & (self.agg[k][bb] == _SHOWN) & (self.within[m][k][bb] == a)
        return locked

    def _equations(self, unit: tuple[int, int]) -> list[tuple[int, int]]:
        """Shown totals that contain the unit, are not inside it, and are not settled by a
        finer shown total around the unit."""
        lv, j = unit
        leaves = self._leaves(unit)
        out = []
        for m, codes in enumerate(self.levels):
            if m == lv:
                continue
            for a in (codes[j],) if lv < 0 else np.unique(codes[leaves]):
                if a < 0 or self.agg[m][a] != _SHOWN:
                    continue
                cells = self.members[m][a]
                if lv >= 0 and cells.size <= leaves.size and np.isin(cells, leaves).all():
                    continue  # a total inside the unit says nothing about the unit's own total
                if lv < 0:
                    locked = any(
                        self.levels[k][j] >= 0
                        and self.agg[k][self.levels[k][j]] == _SHOWN
                        and self.within[m][k][self.levels[k][j]] == a
                        for k in range(self.national)
                        if k != m
                    )
                else:
                    locked = bool(self._locked(leaves[codes[leaves] == a], m, int(a)).all())
                if locked:
                    continue  # a finer shown total already decides; checked there
                out.append((m, int(a)))
        return out

    def _room_small(self, cells: list[int], m: int) -> tuple[float, float, float, bool]:
        """:meth:`_room` in plain Python: for the small sets it is almost always called with."""
        ev = 0.0
        items = []
        for c in cells:
            n = float(self.n[c])
            ev += float(self.e[c])
            prim = self.leaf[c] == _PRIMARY
            codes = [int(self.levels[k][c]) for k in range(self.national)]
            items.append((n - 1.0 if prim else n - self.min, self.min - n if prim else np.inf, codes))
        for k in range(self.national):
            if k == m:
                continue
            merged: dict[int, tuple[float, float, list[int]]] = {}
            rest = []
            for d, u, codes in items:
                b = codes[k]
                if b >= 0 and self.agg[k][b] != _SHOWN:
                    md, mu, mc = merged.get(b, (0.0, 0.0, codes))
                    merged[b] = (
                        md + d,
                        mu + u,
                        [x if x == y else -2 for x, y in zip(mc, codes, strict=True)],
                    )
                else:
                    rest.append((d, u, codes))
            for b, (d, u, codes) in merged.items():
                if self.agg[k][b] == _SECONDARY:
                    d = min(d, float(self.agg_n[k][b]) - self.min)
                else:
                    u = min(u, self.min - float(self.agg_n[k][b]))
                rest.append((d, u, codes))
            items = rest
        down = sum(max(d, 0.0) for d, _, _ in items)
        up = sum(max(u, 0.0) for _, u, _ in items if u != np.inf)
        return down, ev, up, any(u == np.inf for _, u, _ in items)

    def _room(self, cells: np.ndarray, m: int) -> tuple[float, float, float, bool]:
        """Room of hidden ``cells`` in an equation of level ``m``: to go down (pupils, events),
        to go up (pupils), and whether unbounded up.

        A hidden total around some of them bounds them together: a ``"verborgen"`` total stays
        ≥ 10 (its cells' joint room down is its own pupils − 10), a ``"<10"`` total stays < 10
        (joint room up is 10 − its pupils). Totals are applied finest level first.
        """
        if cells.size <= 24:  # small sets (almost all): plain Python beats numpy's call overhead
            return self._room_small(cells.tolist(), m)
        prim = self.leaf[cells] == _PRIMARY
        down = np.where(prim, self.n[cells] - 1.0, self.n[cells] - self.min)
        up = np.where(prim, self.min - self.n[cells], np.inf)
        ev = float(self.e[cells].sum())
        blocked = [
            k
            for k in range(self.national)
            if k != m
            and cells.size
            and (
                (self.levels[k][cells] >= 0) & (self.agg[k][np.maximum(self.levels[k][cells], 0)] != _SHOWN)
            ).any()
        ]
        if not blocked:  # the common case: no hidden total around these cells
            return (
                float(np.maximum(down, 0).sum()),
                ev,
                float(up[np.isfinite(up)].sum()),
                bool(np.isinf(up).any()),
            )
        # groups of cells, merged level by level into the hidden totals around them;
        # codes[j] is each group's total at level j (-2 when its cells are in several)
        codes = np.stack([self.levels[k][cells] for k in range(self.national)])
        for k in blocked:
            ck = codes[k]
            inside = (ck >= 0) & (self.agg[k][np.maximum(ck, 0)] != _SHOWN)
            if not inside.any():
                continue
            blocks, inv = np.unique(ck[inside], return_inverse=True)
            d = np.bincount(inv, weights=down[inside], minlength=blocks.size)
            u = np.full(blocks.size, 0.0)
            np.add.at(u, inv, up[inside])
            lo = np.full((codes.shape[0], blocks.size), np.iinfo(np.int64).max)
            hi = np.full((codes.shape[0], blocks.size), np.iinfo(np.int64).min)
            np.minimum.at(lo.T, inv, codes[:, inside].T)
            np.maximum.at(hi.T, inv, codes[:, inside].T)
            secondary = self.agg[k][blocks] == _SECONDARY
            d = np.where(secondary, np.minimum(d, self.agg_n[k][blocks] - self.min), d)
            u = np.where(secondary, u, np.minimum(u, self.min - self.agg_n[k][blocks]))
            down = np.concatenate([down[~inside], d])
            up = np.concatenate([up[~inside], u])
            codes = np.concatenate([codes[:, ~inside], np.where(lo == hi, lo, -2)], axis=1)
        finite = np.isfinite(up)
        return (
            float(np.maximum(down, 0).sum()),
            ev,
            float(np.maximum(up[finite], 0).sum()),
            bool((~finite).any()),
        )

    def _free(self, eq: tuple[int, int]) -> np.ndarray:
        """Hidden cells of a total that no finer shown total inside it locks (cached)."""
        if eq not in self.cache:
            m, a = eq
            cells = self.members[m][a]
            cells = cells[self.leaf[cells] != _SHOWN]
            self.cache[eq] = cells[~self._locked(cells, m, a)]
        return self.cache[eq]

    def _others(self, unit: tuple[int, int], eq: tuple[int, int]) -> np.ndarray:
        cells = self._free(eq)
        mine = cells == unit[1] if unit[0] < 0 else np.isin(cells, self._leaves(unit))
        return cells[~mine]

    def _shortfall(self, unit: tuple[int, int], eq: tuple[int, int]) -> tuple[float, float, float, bool]:
        """(pupils short, events short, event headroom short, other need) in one equation."""
        lv, j = unit
        others = self._others(unit, eq)
        status = self.leaf[j] if lv < 0 else self.agg[lv][j]
        if status != _PRIMARY:
            return 0.0, 0.0, 0.0, others.size < 1
        down, ev, up, unbounded = self._room(others, eq[0])
        # the unit's events can only fall to 0 if partners can take them at fixed pupils
        headroom = float((self.n[others] - self.e[others]).sum())
        v = self.n[j] if lv < 0 else self.agg_n[lv][j]
        ve = self.e[j] if lv < 0 else self.agg_e[lv][j]
        top = self.min - 1
        short_n = max(0.0, top - v - down)
        short_e = max(0.0, top - ve - ev)
        short_eu = max(0.0, ve - headroom)
        no_room_up = not unbounded and up + 1e-9 < max(v - len(self._leaves(unit)), ve)
        return short_n, short_e, short_eu, no_room_up or others.size < 1

    def _open(self, cell: int, eq: tuple[int, int]) -> list[tuple[int, int]]:
        """Shown finer totals inside ``eq`` that lock ``cell`` (hidden with it to free it)."""
        m, a = eq
        out = []
        for k in range(self.national):
            b = self.levels[k][cell]
            if k != m and b >= 0 and self.agg[k][b] == _SHOWN and self.within[m][k][b] == a:
                out.append((k, int(b)))
        return out

    def _fix(
        self, unit: tuple[int, int], eq: tuple[int, int], short_n: float, short_e: float, short_eu: float
    ) -> bool:
        """Hide the cheapest partner (plus the finer totals that would lock it)."""
        m, a = eq
        pool = self.members[m][a]
        pool = pool[pool != unit[1]] if unit[0] < 0 else pool[~np.isin(pool, self._leaves(unit))]
        free = (self.leaf[pool] != _SHOWN) & ~self._locked(pool, m, a)
        pool = pool[~free]
        if pool.size == 0:
            return False
        opens = [self._open(int(c), eq) for c in pool]
        new_leaf = self.leaf[pool] == _SHOWN
        cost = np.array([len(o) for o in opens]) + new_leaf.astype(float)
        room_n = np.where(self.leaf[pool] == _PRIMARY, self.n[pool] - 1, self.n[pool] - self.min)
        fits = (room_n >= short_n - 1e-9) & (self.e[pool] >= short_e - 1e-9)
        fits &= self.n[pool] - self.e[pool] >= short_eu - 1e-9
        near = np.zeros(pool.size, dtype=bool)
        if unit[0] < 0 and self.national > 0:
            finest = self.levels[0]
            near = (finest[pool] == finest[unit[1]]) & (finest[pool] >= 0)
        # a partner that alone fills the gap, cheapest first (fewest totals to open, same area,
        # fewest pupils); failing that the one with the most room
        order = np.lexsort((self.n[pool], ~near, cost, ~fits) if fits.any() else (-room_n, cost))
        c = int(pool[order[0]])
        for k, b in opens[int(order[0])]:
            self._hide_total(k, b)
        if self.leaf[c] == _SHOWN:
            self.leaf[c] = _SECONDARY
            self._touch(np.array([c]))
        return True

    def _touch(self, cells: np.ndarray) -> None:
        for m, codes in enumerate(self.levels):
            for a in np.unique(codes[cells]):
                if a >= 0:
                    self.dirty.add((m, int(a)))
                    self.cache.pop((m, int(a)), None)

    def _hide_total(self, k: int, b: int) -> None:
        self.agg[k][b] = _SECONDARY
        self._touch(self.members[k][b])

    def _in_dirty(self, unit: tuple[int, int], dirty: set[tuple[int, int]]) -> bool:
        if unit[0] < 0:
            return any((m, int(codes[unit[1]])) in dirty for m, codes in enumerate(self.levels))
        leaves = self._leaves(unit)
        return any(
            (m, int(a)) in dirty for m, codes in enumerate(self.levels) for a in np.unique(codes[leaves])
        )

    def run(self) -> None:
        changed = True
        dirty: set[tuple[int, int]] | None = None  # first pass: every unit
        while changed:
            changed = False
            self.dirty = set()
            units = [(-1, int(i)) for i in np.flatnonzero(self.leaf != _SHOWN)]
            for lv in range(self.national):
                units += [(lv, int(j)) for j in np.flatnonzero(self.agg[lv] != _SHOWN)]
            if dirty is not None:
                units = [u for u in units if self._in_dirty(u, dirty)]
            for unit in units:
                for eq in self._equations(unit):
                    for _ in range(50):
                        if self.agg[eq[0]][eq[1]] != _SHOWN:
                            break
                        short_n, short_e, short_eu, need = self._shortfall(unit, eq)
                        if not (short_n > 1e-9 or short_e > 1e-9 or short_eu > 1e-9 or need):
                            break
                        if not self._fix(unit, eq, short_n, short_e, short_eu):
                            if eq[0] != self.national:  # no partner left: hide the total itself
                                self._hide_total(*eq)
                                changed = True
                            break
                        changed = True
            dirty = self.dirty


def protect_year(
    pupils: np.ndarray,
    events: np.ndarray,
    memberships: list[np.ndarray],
    min_pupils: int = MIN_PUPILS,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Primary and secondary suppression of one base table and its aggregates in one year.

    ``memberships[k][i]`` is the code (0 … K−1, or −1 for none) of the aggregate of level k
    that base cell i belongs to. Returns the status of every base cell and of every aggregate
    per level (``"shown"``, ``"primary"``, ``"secondary"``); the national total is always shown.
    """
    year = _Year(pupils, events, list(memberships), min_pupils)
    year.run()
    return _CODES[year.leaf], [_CODES[s] for s in year.agg[: year.national]]


def protect_panels(
    panels: Mapping[tuple[str, str], pd.DataFrame], min_pupils: int = MIN_PUPILS
) -> dict[tuple[str, str], pd.DataFrame]:
    """Add :data:`STATUS_COLUMN` to every panel, deciding all levels of a target together.

    Aggregates are recomputed from the base panel along :data:`LEVEL_KEY`, so the pattern is
    exactly the one an attacker sees; an aggregate row without base cells (not expected)
    falls back to the threshold rule alone.
    """
    out = {
        key: frame.assign(**{STATUS_COLUMN: np.where(frame["n_pupils"] >= min_pupils, SHOWN, PRIMARY)})
        for key, frame in panels.items()
    }
    for target, tables in LINKED_TABLES.items():
        for base_level, agg_levels in tables:
            if (target, base_level) not in out:
                continue
            base = out[(target, base_level)]
            levels = [lv for lv in agg_levels if (target, lv) in out]
            status = pd.Series(SHOWN, index=base.index, dtype=object)
            agg_status = {lv: [] for lv in levels}
            for year, rows in base.groupby("school_year", sort=True):
                codes, uniques = [], []
                for lv in levels:
                    c, u = pd.factorize(rows[LEVEL_KEY[lv]].astype("string"))
                    codes.append(c)
                    uniques.append(u)
                leaf, aggs = protect_year(
                    rows["n_pupils"].to_numpy(float), rows["n_events"].to_numpy(float), codes, min_pupils
                )
                status.loc[rows.index] = leaf
                for lv, u, s in zip(levels, uniques, aggs, strict=True):
                    agg_status[lv].append(
                        pd.DataFrame({"place_id": u.astype(str), "school_year": year, "_s": s})
                    )
            out[(target, base_level)] = base.assign(**{STATUS_COLUMN: status.to_numpy()})
            for lv in levels:
                frame = out[(target, lv)]
                found = pd.concat(agg_status[lv], ignore_index=True) if agg_status[lv] else None
                if found is None:
                    continue
                merged = frame[["place_id", "school_year"]].merge(
                    found, on=["place_id", "school_year"], how="left"
                )
                own = frame[STATUS_COLUMN].to_numpy()
                out[(target, lv)] = frame.assign(
                    **{STATUS_COLUMN: np.where(merged["_s"].isna(), own, merged["_s"].to_numpy())}
                )
    return out


# ------------------------------------------------------------------- applying the pattern
def status_of(frame: pd.DataFrame, min_pupils: int = MIN_PUPILS) -> pd.Series:
    """The disclosure status of each row: :data:`STATUS_COLUMN` where present, and never
    ``"shown"`` for a row on fewer than ``min_pupils`` pupils (the threshold rule as a backstop)."""
    n = frame["n_pupils"].astype(float).to_numpy()
    own = np.where(n >= min_pupils, SHOWN, PRIMARY).astype(object)  # unknown pupils: "<10"
    if STATUS_COLUMN in frame:  # a published frame has no pupils for hidden rows: keep its label
        given = frame[STATUS_COLUMN].astype(object).to_numpy()
        own = np.where(n < min_pupils, PRIMARY, np.where(pd.isna(given), own, given))
    return pd.Series(own, index=frame.index, dtype=object)


def publish(
    frame: pd.DataFrame, figure_columns: Iterable[str], *, text_columns: Iterable[str] = ()
) -> pd.DataFrame:
    """The publishable copy: every figure of a hidden row removed, its label kept.

    ``figure_columns`` are the row's numbers (pupils and events are always included);
    ``text_columns`` are texts derived from them (drivers). Adds ``suppressed`` (bool) and
    :data:`STATUS_COLUMN`, so interfaces can say ``"<10"`` or ``"verborgen"``.
    """
    out = frame.copy()
    status = status_of(out)
    hidden = (status != SHOWN).to_numpy()
    for col in dict.fromkeys([*figure_columns, "n_pupils", "n_events"]):
        if col in out:
            out[col] = out[col].astype(float).mask(hidden)
    for col in text_columns:
        if col in out:
            out[col] = out[col].astype(object).mask(hidden, None)
    out[STATUS_COLUMN] = status.to_numpy()
    out["suppressed"] = hidden
    return out


def publishable_indicators(
    features: pd.DataFrame, panel: pd.DataFrame, min_pupils: int = MIN_PUPILS
) -> pd.DataFrame:
    """Indicator values with every value hidden that rests on a hidden year or < 10 pupils.

    Each registered indicator names the years it reads (``years``, offsets from t) and its
    denominator; a value is kept only when, for every such year, that year's cell of this
    place is shown and the denominator is at least ``min_pupils``. Raw outcome columns of the
    row itself follow the row's own status.
    """
    from features.indicators import REGISTRY

    out = features.copy()
    key = panel.set_index(["place_id", "school_year"])
    status = status_of(panel).set_axis(key.index)
    ok_cache: dict[tuple[int, str], np.ndarray] = {}

    def ok(offset: int, denominator: str) -> np.ndarray:
        if (offset, denominator) not in ok_cache:
            idx = pd.MultiIndex.from_arrays([out["place_id"], out["school_year"] - offset])
            shown = status.reindex(idx).to_numpy() == SHOWN
            den = key[denominator].reindex(idx).to_numpy(dtype=float) if denominator in key else np.inf
            ok_cache[(offset, denominator)] = shown & (np.nan_to_num(den, nan=0.0) >= min_pupils)
        return ok_cache[(offset, denominator)]

    for name, ind in REGISTRY.items():
        if name in out and ind.years:
            keep = np.logical_and.reduce([ok(k, ind.denominator) for k in ind.years])
            out[name] = out[name].astype(float).where(keep)
    own = ok(0, "n_pupils")
    for col in OWN_YEAR_COLUMNS:
        if col in out:
            out[col] = out[col].astype(float).where(own)
    out[STATUS_COLUMN] = status.reindex(
        pd.MultiIndex.from_arrays([out["place_id"], out["school_year"]])
    ).to_numpy()
    return out


def is_safe(frame: pd.DataFrame, figure_columns: Iterable[str], min_pupils: int = MIN_PUPILS) -> bool:
    """True when no figure is shown in a row that is hidden or rests on < ``min_pupils`` (assertions)."""
    hidden = (status_of(frame, min_pupils) != SHOWN).to_numpy()
    cols = [c for c in figure_columns if c in frame]
    shown = frame[cols].notna().any(axis=1).to_numpy() if cols else np.zeros(len(frame), bool)
    return not bool((shown & hidden).any())


SERVED_STATES = ("audited", "not_served", "outcome_hidden")


def served_rows(predictions: pd.DataFrame, panel: pd.DataFrame) -> pd.Series:
    """Per held-out row (``place_id``, ``school_year`` = feature year t): ``audited`` when the
    service shows the flag of t and the outcome of t + 1 may be published; else ``not_served``
    (the flag of t is suppressed) or ``outcome_hidden`` (t + 1 is hidden).

    The disclosure status is the one rule set's (:func:`status_of`), so
    the audit judges exactly the flags a page, an export or the look-back shows.
    """
    shown = pd.Series(
        (status_of(panel) == SHOWN).to_numpy(),
        index=pd.MultiIndex.from_arrays([panel["place_id"], panel["school_year"].astype(int)]),
    )
    shown = shown[~shown.index.duplicated()]
    ids, year = predictions["place_id"], predictions["school_year"].astype(int)
    flag_shown = shown.reindex(pd.MultiIndex.from_arrays([ids, year])).fillna(False).to_numpy(bool)
    outcome_shown = shown.reindex(pd.MultiIndex.from_arrays([ids, year + 1])).fillna(False).to_numpy(bool)
    state = np.where(~flag_shown, "not_served", np.where(~outcome_shown, "outcome_hidden", "audited"))
    return pd.Series(state, index=predictions.index, dtype=object)
