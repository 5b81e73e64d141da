"""The attacker: how far can published figures pin down a hidden cell? (sdcTable-style audit).

Given what is published for one base table and year — the exact pupils and events of every
shown cell and shown total (national included), and the label of every hidden one — the
attacker's knowledge is a polytope: hidden pupils ``x`` and events ``y`` per base cell with

* ``y ≤ x``, ``y ≥ 0``; a ``"<10"`` cell ``1 ≤ x ≤ 10``; a ``"verborgen"`` cell ``x ≥ 10``;
* every shown total: the sum of its hidden cells equals the total minus its shown cells;
* every hidden total: its label's bounds on the sum of its cells.

For every primarily hidden cell or total (a leaf or an aggregate) we solve the linear
programmes min/max of its pupils and events over that polytope (continuous relaxation, as
``sdcTable::attack`` does) and compare the interval with what the label alone says: pupils
from the number of its base cells (≥ 1 each) up to 9, events from 0 up to 9. A cell is
*narrowed* when the published figures pin it down more tightly than that.

To stay fast, three batched programmes (all cells at once: maximise Σ min(events, 9), minimise
Σ pupils, minimise Σ events) prove most cells safe; a cell that does not reach its bound in
the batch gets its own programme, so the answer is exact per cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from features.suppression import MIN_PUPILS, PRIMARY, SECONDARY, SHOWN

TOL = 1e-6


@dataclass
class _Problem:
    hidden: np.ndarray  # base cells that are hidden (indices)
    col: dict[int, int]  # base cell -> position among hidden
    a_eq: sp.csr_matrix
    b_eq: np.ndarray
    a_ub: sp.csr_matrix
    b_ub: np.ndarray
    bounds: list[tuple[float, float | None]]


def _build(
    n: np.ndarray,
    e: np.ndarray,
    leaf_status: np.ndarray,
    memberships: list[np.ndarray],
    agg_status: list[np.ndarray],
    min_pupils: int,
    subset: np.ndarray | None = None,
) -> _Problem:
    """The attacker's polytope over all hidden base cells, or over ``subset`` of them.

    A subset is a connected component (or the union of the components whose total no shown
    total pins down): its national row is the sum of its own true values, which is exact
    because every other component's total is fixed by shown totals.
    """
    hidden = np.flatnonzero(leaf_status != SHOWN) if subset is None else np.sort(subset)
    h = hidden.size
    col = {int(i): k for k, i in enumerate(hidden)}
    bounds: list[tuple[float, float | None]] = []
    for i in hidden:
        bounds.append((1.0, float(min_pupils)) if leaf_status[i] == PRIMARY else (float(min_pupils), None))
    bounds += [(0.0, None)] * h
    eq_rows, eq_b, ub_rows, ub_b = [], [], [], []
    for k in range(h):  # events never exceed pupils
        ub_rows.append({h + k: 1.0, k: -1.0})
        ub_b.append(0.0)
    visible = leaf_status == SHOWN
    levels = [*zip(memberships, agg_status, strict=True)]
    if subset is None:
        levels.append((np.zeros(n.size, np.int64), np.array([SHOWN])))
    elif h:
        eq_rows.append(dict.fromkeys(range(h), 1.0))
        eq_b.append(float(n[hidden].sum()))
        eq_rows.append({h + k: 1.0 for k in range(h)})
        eq_b.append(float(e[hidden].sum()))
    for codes, status in levels:
        codes = np.asarray(codes)
        for a in np.unique(codes[hidden]) if h else []:
            if a < 0:
                continue
            inside = np.flatnonzero(codes == a)
            hid = [col[int(i)] for i in inside if not visible[i]]
            if len(hid) != int((~visible[inside]).sum()):
                raise ValueError("a component must hold every hidden cell of its totals")
            known_n = float(n[inside][visible[inside]].sum())
            if status[a] == SHOWN:
                total_n = float(n[inside].sum())
                total_e = float(np.nan_to_num(e[inside]).sum())
                known_e = float(np.nan_to_num(e[inside][visible[inside]]).sum())
                eq_rows.append(dict.fromkeys(hid, 1.0))
                eq_b.append(total_n - known_n)
                eq_rows.append({h + j: 1.0 for j in hid})
                eq_b.append(total_e - known_e)
            elif status[a] == PRIMARY:
                ub_rows.append(dict.fromkeys(hid, 1.0))
                ub_b.append(min_pupils - known_n)
            elif status[a] == SECONDARY:
                ub_rows.append(dict.fromkeys(hid, -1.0))
                ub_b.append(-(min_pupils - known_n))

    def matrix(rows: list[dict[int, float]]) -> sp.csr_matrix:
        if not rows:
            return sp.csr_matrix((0, 2 * h))
        r = [i for i, row in enumerate(rows) for _ in row]
        c = [j for row in rows for j in row]
        v = [x for row in rows for x in row.values()]
        return sp.csr_matrix((v, (r, c)), shape=(len(rows), 2 * h))

    return _Problem(hidden, col, matrix(eq_rows), np.array(eq_b), matrix(ub_rows), np.array(ub_b), bounds)


def _components(
    leaf_status: np.ndarray, memberships: list[np.ndarray], agg_status: list[np.ndarray]
) -> list[np.ndarray]:
    """Hidden base cells linked by totals below the national one; unpinned ones merged.

    A component is *pinned* when at some level every one of its cells lies in a shown total:
    then its sum is known and the national total tells nothing more about it. All other
    components are merged into one, which carries the national row.
    """
    hidden = np.flatnonzero(leaf_status != SHOWN)
    parent = {int(i): int(i) for i in hidden}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for codes in memberships:
        codes = np.asarray(codes)
        first: dict[int, int] = {}
        for i in hidden:
            a = int(codes[i])
            if a < 0:
                continue
            if a in first:
                parent[find(int(i))] = find(first[a])
            else:
                first[a] = int(i)
    groups: dict[int, list[int]] = {}
    for i in hidden:
        groups.setdefault(find(int(i)), []).append(int(i))
    pinned, free = [], []
    for cells in groups.values():
        cells_arr = np.array(cells)
        if any(
            (np.asarray(codes)[cells_arr] >= 0).all()
            and (np.asarray(status)[np.asarray(codes)[cells_arr]] == SHOWN).all()
            for codes, status in zip(memberships, agg_status, strict=True)
        ):
            pinned.append(cells_arr)
        else:
            free.append(cells_arr)
    return pinned + ([np.concatenate(free)] if free else [])


def _solve(
    p: _Problem, c: np.ndarray, extra_ub: tuple[sp.csr_matrix, np.ndarray] | None = None
) -> np.ndarray:
    a_ub, b_ub = p.a_ub, p.b_ub
    if extra_ub is not None:
        a_ub = sp.vstack([a_ub, extra_ub[0]]).tocsr()
        b_ub = np.concatenate([b_ub, extra_ub[1]])
    res = linprog(
        c,
        A_ub=a_ub if a_ub.shape[0] else None,
        b_ub=b_ub if a_ub.shape[0] else None,
        A_eq=p.a_eq if p.a_eq.shape[0] else None,
        b_eq=p.b_eq if p.a_eq.shape[0] else None,
        bounds=p.bounds,
        method="highs",
    )
    if res.status != 0:
        raise RuntimeError(f"attacker LP failed: {res.message}")
    return res.x


def attack_year(
    n: np.ndarray,
    e: np.ndarray,
    leaf_status: np.ndarray,
    memberships: list[np.ndarray],
    agg_status: list[np.ndarray],
    level_names: list[str],
    min_pupils: int = MIN_PUPILS,
) -> pd.DataFrame:
    """Feasible intervals of every primarily hidden cell and total; one row per unit.

    Columns: ``level`` (``"base"`` or an aggregate level), ``index``, ``n_true``, ``e_true``,
    ``n_min``, ``n_max``, ``e_min``, ``e_max``, ``n_floor`` (what the label alone allows) and
    ``narrowed``.
    """
    n = np.asarray(n, dtype=float)
    e = np.nan_to_num(np.asarray(e, dtype=float))
    leaf_status = np.asarray(leaf_status, dtype=object)
    p = _build(n, e, leaf_status, memberships, agg_status, min_pupils)
    h = p.hidden.size
    units: list[tuple[str, int, np.ndarray]] = []
    for i in p.hidden:
        if leaf_status[i] == PRIMARY:
            units.append(("base", int(i), np.array([p.col[int(i)]])))
    for name, codes, status in zip(level_names, memberships, agg_status, strict=True):
        codes = np.asarray(codes)
        for a in np.flatnonzero(np.asarray(status) == PRIMARY):
            inside = np.flatnonzero(codes == a)
            units.append((name, int(a), np.array([p.col[int(i)] for i in inside])))
    if not units:
        return pd.DataFrame(
            columns=[
                "level",
                "index",
                "n_true",
                "e_true",
                "n_min",
                "n_max",
                "e_min",
                "e_max",
                "n_floor",
                "narrowed",
            ]
        )
    m = len(units)
    sel = sp.lil_matrix((m, 2 * h))
    for r, (_, _, cols) in enumerate(units):
        sel[r, cols] = 1.0
    sel_x = sp.csr_matrix(sel)
    sel_y = sp.hstack([sp.csr_matrix((m, h)), sel_x[:, :h]]).tocsr()
    floors = np.array([float(len(cols)) for _, _, cols in units])
    # what the labels alone allow at the top: 9, or less when the unit sits in a "<10" total
    # with other base cells (each at least 1) — a bound no suppression can or need widen
    top = np.full(m, float(min_pupils - 1))
    base_row = {int(cols[0]): r for r, (lvl, _, cols) in enumerate(units) if lvl == "base"}
    agg_rows = [r for r, (lvl, _, _) in enumerate(units) if lvl != "base"]
    for name, codes, status in zip(level_names, memberships, agg_status, strict=True):
        codes = np.asarray(codes)
        for a in np.flatnonzero(np.asarray(status) == PRIMARY):
            inside = [p.col[int(i)] for i in np.flatnonzero(codes == a)]
            if len(inside) < 2:
                continue
            for c in inside:
                if c in base_row:
                    top[base_row[c]] = min(top[base_row[c]], float(min_pupils) - (len(inside) - 1))
            for r in agg_rows:
                lvl, idx, cols = units[r]
                if (lvl, idx) != (name, int(a)) and set(cols.tolist()) <= set(inside):
                    top[r] = min(top[r], float(min_pupils) - (len(inside) - len(cols)))
    n_true = np.array([n[p.hidden[cols]].sum() for _, _, cols in units])
    e_true = np.array([e[p.hidden[cols]].sum() for _, _, cols in units])

    # batch 1: can every unit's events reach 9 at once? (caps keep one unit from hogging)
    x = _solve(p, -np.asarray(sel_y.sum(0)).ravel(), (sel_y, np.maximum(top, e_true)))
    e_max = sel_y @ x
    x = _solve(p, np.asarray(sel_x.sum(0)).ravel())
    n_min = sel_x @ x
    x = _solve(p, np.asarray(sel_y.sum(0)).ravel())
    e_min = sel_y @ x
    n_max = np.full(m, np.nan)
    # exact per unit: units of different components are independent, so one programme per
    # round settles one unit of every component at once
    comp_of: dict[int, int] = {}
    for k, cells in enumerate(_components(leaf_status, memberships, agg_status)):
        comp_of.update(dict.fromkeys(cells.tolist(), k))
    comp = np.array([comp_of[int(p.hidden[cols[0]])] for _, _, cols in units])
    for values, sel, sign, ok in (
        (e_max, sel_y, -1.0, lambda v, t=top: v >= t - TOL),
        (n_min, sel_x, 1.0, lambda v, f=floors: v <= f + TOL),
        (e_min, sel_y, 1.0, lambda v: v <= TOL),
    ):
        todo = np.flatnonzero(~ok(values))
        while todo.size:
            _, first = np.unique(comp[todo], return_index=True)
            batch = todo[first]
            x = _solve(p, sign * np.asarray(sel[batch].sum(0)).ravel())
            values[batch] = sel[batch] @ x
            todo = np.setdiff1d(todo, batch)
    for r in np.flatnonzero(e_max < top - TOL):  # for the report: how far pupils can go
        cx = sel_x[r].toarray().ravel()
        n_max[r] = cx @ _solve(p, -cx)
    narrowed = (e_max < top - TOL) | (n_min > floors + TOL) | (e_min > TOL)
    return pd.DataFrame(
        {
            "level": [u[0] for u in units],
            "index": [u[1] for u in units],
            "n_true": n_true,
            "e_true": e_true,
            "n_min": n_min,
            "n_max": n_max,
            "e_min": e_min,
            "e_max": e_max,
            "n_floor": floors,
            "label_top": top,
            "narrowed": narrowed,
        }
    )
