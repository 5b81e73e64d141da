"""From source tables to one tidy place × school-year panel per target and level.

Every panel row carries **additive counts only** (pupils, events, sums for means); rates are
computed once from summed counts (:func:`rate`), never by averaging rates of places.

Targets and levels (:data:`LEVELS`):

* ``under_advice`` — PO schools (BRIN6), postcode-4 areas of the school address, gemeenten.
  Denominator: pupils who took the test; events: pupils *eligible for reconsideration* (test
  advice above the school advice, DUO ``brin6_heroverweging``).
* ``under_advice_attainment`` — the same places; per school-year O = HAVO+ advices, E = the
  HAVO+ advices the school's attainment (DUO referentieniveaus) predicts under that year's
  national relation (:mod:`features.attainment`). PC4 and gemeente sum O and E.
* ``dropout`` — VO schools (DUO VSV per school), gemeenten of residence (CBS 84780NED) and RMC
  regions (sum of their gemeenten).

A suppressed published cell (``<5``) is counted as :data:`SUPPRESSED_CELL_ESTIMATE` pupils — the
mean of 1..4 — and the number of such cells is kept (``n_suppressed_cells``) so that analysts see
where a figure rests on estimates. Where the file's own known counts narrow that interval (2
tested pupils, eligible ``<5``: at most 2 eligible), the estimate stays inside the narrowed
interval. Known counts are never changed: events above pupils that no reading of the ``<5``
cells explains are reported as a :class:`~features.errors.DataError`, not clipped.

Only the panels whose outcome files are present are built (:meth:`Sources.has`). The event count also
keeps its bounds (``n_events_min`` with every suppressed cell at 1, ``n_events_max`` at 4,
narrowed like the estimate), so that the emerging detector can use the interval instead.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from features.advice import ADVICE_LEVELS
from features.attainment import SHARE_COLUMNS, expected_counts, streefniveau_shares
from features.catalog import Sources
from features.context import as_known
from features.errors import DataError
from features.sources import harmonise_gemeente
from features.sources._checks import bounds
from features.vocabulary import ATTAINMENT_TARGET, TARGET_LEVELS

SUPPRESSED_CELL_ESTIMATE = 2.5
LEVELS = TARGET_LEVELS  # kept as the panel's name for "levels per target"; defined in features.vocabulary
HAVO_PLUS = ("HAVO", "HAVO_VWO", "VWO")
PLACE_ATTRIBUTES = (
    "place_name",
    "gemeente_code",
    "gemeente_name",
    "pc4",
    "province",
    "rmc_name",
    "urbanity",
    "pct_non_western",
    "pct_low_income",
    "denomination",
)
"""Who and what kind of place a row is (for groups and display) — not its outcomes."""
CONTEXT_COLUMNS = (
    "pct_low_income",
    "pct_low_education",
    "pct_non_western",
    "urbanity",
    "avg_income_k",
    "pct_youth_care",
    "bijstand_per_1k",
)


def rate(events: pd.Series | np.ndarray, pupils: pd.Series | np.ndarray) -> pd.Series:
    """The one rate: summed events / summed pupils; NaN where there are no pupils.

    >>> rate([3, 0, 2], [12, 0, 8]).round(3).tolist()
    [0.25, nan, 0.25]
    """
    pupils = pd.Series(pupils, dtype=float)
    return pd.Series(events, dtype=float, index=pupils.index) / pupils.where(pupils > 0)


def population_weighted(frame: pd.DataFrame, key: str, weight: str) -> pd.DataFrame:
    """Combine rows per ``key``: ``weight`` adds, other numbers average weighted by it.

    Used for context percentages of merged gemeenten and of RMC regions (a percentage of
    inhabitants must be weighted by inhabitants, not averaged over places).
    """
    numeric = [c for c in frame.columns if c not in (key, weight) and pd.api.types.is_numeric_dtype(frame[c])]
    w = frame[weight].fillna(0).astype(float)
    agg = frame[numeric].mul(w, axis=0).groupby(frame[key]).sum()
    mass = frame[numeric].notna().mul(w, axis=0).groupby(frame[key]).sum()
    out = (agg / mass.replace(0, np.nan)).reset_index()
    out[weight] = w.groupby(frame[key]).sum().to_numpy()
    other = [c for c in frame.columns if c not in numeric and c not in (key, weight)]
    if other:
        out = out.merge(frame.groupby(key)[other].first().reset_index(), on=key)
    return out


SUPPRESSED_CELL_BOUNDS = (1.0, 4.0)
"""A published ``<5`` cell holds 1, 2, 3 or 4 pupils (0 is published as 0)."""


def _estimated(
    counts: pd.Series, suppressed: pd.Series, value: float = SUPPRESSED_CELL_ESTIMATE
) -> pd.Series:
    return counts.astype("Float64").fillna(0).astype(float).where(~suppressed, value)


# ----------------------------------------------------------------------- directories
def gemeente_directory(sources: Sources) -> pd.DataFrame:
    """Gemeenten in target-year codes with context, province and RMC region."""
    history = sources["history"]
    kern = sources["kerncijfers"].copy()
    kern["gemeente_code"] = harmonise_gemeente(
        kern["gemeente_code"], history, int(kern["reference_year"].iloc[0])
    )
    kern = population_weighted(
        kern.drop(columns=["reference_year", "gemeente_name"]), "gemeente_code", "population"
    )
    bounds = sources["boundaries"][["gemeente_code", "gemeente_name", "pct_born_outside_europe"]]
    out = bounds.merge(kern, on="gemeente_code", how="left")
    rmc = sources["rmc"].copy()
    rmc["gemeente_code"] = harmonise_gemeente(rmc["gemeente_code"], history, 2016)
    rmc = rmc.groupby("gemeente_code")["rmc_name"].agg(lambda s: s.mode().iloc[0])
    out["rmc_name"] = out["gemeente_code"].map(rmc)
    return out[out["population"].notna()].sort_values("gemeente_code").reset_index(drop=True)


def school_directory(sources: Sources) -> pd.DataFrame:
    """PO and VO school locations: name, gemeente (target-year code), PC4, denomination."""
    history = sources["history"]
    frames = []
    for key, year in (("register_po", 2020), ("register_vo", 2020)):
        reg = sources[key].copy()
        reg["gemeente_code"] = harmonise_gemeente(reg["gemeente_code"], history, year)
        frames.append(reg[["brin6", "school_name", "gemeente_code", "pc4", "denomination", "sector"]])
    wide = sources["eindscores_wide"].copy()
    wide["gemeente_code"] = harmonise_gemeente(
        wide["gemeente_code"], history, int(wide["school_year"].iloc[0])
    )
    wide["sector"] = "PO"
    frames.append(wide[["brin6", "school_name", "gemeente_code", "pc4", "denomination", "sector"]])
    frames += yearly_school_places(sources)
    out = pd.concat(frames, ignore_index=True).drop_duplicates("brin6")
    ach = sources["achterstand"][["brin6", "n_funded_pupils", "achterstandsscore"]]
    out = out.merge(ach, on="brin6", how="left")
    return out.reset_index(drop=True)


YEARLY_PLACE_SOURCES = ("eindscores_year", "reference_levels")
"""The user's yearly wide files that carry each school's name, postcode and gemeente: they place
schools the embedded registers (2019-20) do not know (new since), never replacing a known one."""


def yearly_school_places(sources: Sources) -> list[pd.DataFrame]:
    """School places from the yearly wide files, newest year first, gemeenten harmonised."""
    frames = []
    for key in YEARLY_PLACE_SOURCES:
        if key not in sources.tables or "gemeente_code" not in sources[key]:
            continue
        t = sources[key].dropna(subset=["gemeente_code"]).sort_values("school_year", ascending=False)
        t = t.drop_duplicates("brin6")
        parts = [
            frame.assign(
                gemeente_code=harmonise_gemeente(frame["gemeente_code"], sources["history"], int(year))
            )
            for year, frame in t.groupby("school_year")
        ]
        t = pd.concat(parts).assign(sector="PO")
        for col in ("school_name", "pc4", "denomination"):
            if col not in t:
                t[col] = pd.NA
        frames.append(t[["brin6", "school_name", "gemeente_code", "pc4", "denomination", "sector"]])
    return frames


# ------------------------------------------------------------------- school-level panels
def under_advice_school_panel(sources: Sources) -> pd.DataFrame:
    """PO school × year: tested pupils, eligible (under-advised), raised, test and advice sums."""
    e = sources["eindscores"].copy()
    e["n_tested"] = _estimated(e["n_pupils"], e["n_pupils_suppressed"])
    e["tested_lo"], e["tested_hi"] = (b.fillna(0) for b in bounds(e["n_pupils"], e["n_pupils_suppressed"]))
    # standardise each test's school means within test × year (scales differ by provider)
    w = e["n_tested"]
    grp = e.groupby(["test", "school_year"])
    mu = (e["mean_score"] * w).groupby([e["test"], e["school_year"]]).transform("sum") / grp[
        "n_tested"
    ].transform("sum")
    var = (w * (e["mean_score"] - mu) ** 2).groupby([e["test"], e["school_year"]]).transform("sum") / grp[
        "n_tested"
    ].transform("sum")
    e["z"] = ((e["mean_score"] - mu) / np.sqrt(var)).fillna(0.0)
    e["sum_test_z"] = e["z"] * w
    e["sumsq_test_z"] = e["z"] ** 2 * w
    e["n_suppressed_cells"] = e["n_pupils_suppressed"].astype(int)
    tests = e.groupby(["brin6", "school_year"], as_index=False)[
        ["n_tested", "tested_lo", "tested_hi", "sum_test_z", "sumsq_test_z", "n_suppressed_cells"]
    ].sum()

    h = sources["heroverweging"].copy()
    h["n"] = _estimated(h["n_pupils"], h["suppressed"])
    h["lo"] = bounds(h["n_pupils"], h["suppressed"])[0].fillna(0)
    her = h.pivot_table(
        index=["brin6", "school_year"], columns="category", values="n", aggfunc="sum", fill_value=0.0
    )
    her = her.reindex(columns=["eligible", "raised"], fill_value=0.0)
    eligible_lo = h[h["category"] == "eligible"].groupby(["brin6", "school_year"])["lo"].sum()
    her["events_lo"] = eligible_lo.reindex(her.index).fillna(0.0)
    her["n_suppressed_her"] = h.groupby(["brin6", "school_year"])["suppressed"].sum()
    eligible = h[h["category"] == "eligible"]
    for column, bound in zip(("n_events_min", "n_events_max"), SUPPRESSED_CELL_BOUNDS, strict=True):
        counts = _estimated(eligible["n_pupils"], eligible["suppressed"], bound)
        her[column] = counts.groupby([eligible["brin6"], eligible["school_year"]]).sum()
    her = her.rename(columns={"eligible": "n_events", "raised": "n_raised"}).reset_index()

    a = sources["advice"].copy()
    a["n"] = _estimated(a["n_pupils"], a["suppressed"])
    level = a["advice"].map({c: i for i, c in enumerate(ADVICE_LEVELS)})
    a["sum_advice_level"] = a["n"] * level.fillna(0)
    a["n_advice"] = a["n"].where(level.notna(), 0.0)
    a["n_havo_plus"] = a["n"].where(a["advice"].isin(HAVO_PLUS), 0.0)
    adv = a.groupby(["brin6", "school_year"], as_index=False)[
        ["sum_advice_level", "n_advice", "n_havo_plus"]
    ].sum()

    panel = tests.merge(her, on=["brin6", "school_year"], how="left").merge(
        adv, on=["brin6", "school_year"], how="left"
    )
    counts = ["n_events", "n_events_min", "n_events_max", "n_raised", "n_suppressed_her", "events_lo"]
    panel[counts] = panel[counts].fillna(0.0)
    panel["n_suppressed_cells"] += panel.pop("n_suppressed_her")
    panel["n_pupils"], panel["n_events"] = _consistent_estimates(
        panel["n_tested"],
        panel.pop("tested_lo"),
        panel.pop("tested_hi"),
        panel["n_events"],
        panel.pop("events_lo"),
    )
    _check_events_within_pupils(panel, sources, "heroverweging", "eindscores")
    panel.pop("n_tested")
    panel["n_events_min"] = np.minimum(panel["n_events_min"], panel["n_events"])
    panel["n_events_max"] = np.maximum(
        np.minimum(panel["n_events_max"], panel["n_pupils"]), panel["n_events"]
    )
    return panel.rename(columns={"brin6": "place_id"})


def attainment_school_panel(sources: Sources) -> pd.DataFrame:
    """PO school × year for ``under_advice_attainment``: HAVO+ advices (O, ``n_events``) of the
    pupils with an advice (``n_pupils``), attainment per subject and the expected HAVO+ advices
    E (``n_expected``) under the year's national relation (:mod:`features.attainment`).

    Only school-years present in both the advice and the referentieniveaus files, with pupils in
    both, are rows: O/E needs both (a school without results has no expectation)."""
    a = sources["advice"].copy()
    a["n"] = _estimated(a["n_pupils"], a["suppressed"])
    level = a["advice"].map({c: i for i, c in enumerate(ADVICE_LEVELS)})
    havo_plus = a["advice"].isin(HAVO_PLUS)
    a["n_advice"] = a["n"].where(level.notna(), 0.0)
    a["n_events"] = a["n"].where(havo_plus, 0.0)
    a["sum_advice_level"] = a["n"] * level.fillna(0)
    for column, bound in zip(("n_events_min", "n_events_max"), SUPPRESSED_CELL_BOUNDS, strict=True):
        a[column] = _estimated(a["n_pupils"], a["suppressed"], bound).where(havo_plus, 0.0)
    a["n_suppressed_cells"] = a["suppressed"].astype(int)
    adv = a.groupby(["brin6", "school_year"], as_index=False)[
        ["n_advice", "n_events", "n_events_min", "n_events_max", "sum_advice_level", "n_suppressed_cells"]
    ].sum()
    r = sources["reference_levels"]
    shares = streefniveau_shares(r, _estimated(r["n_pupils"], r["suppressed"]))
    shares["n_suppressed_ref"] = r.groupby(["brin6", "school_year"])["suppressed"].sum().to_numpy()
    panel = adv.merge(shares, on=["brin6", "school_year"], how="inner")
    panel = panel[(panel["n_advice"] > 0) & (panel["n_attainment"] > 0)].reset_index(drop=True)
    panel["n_suppressed_cells"] += panel.pop("n_suppressed_ref")
    panel["n_pupils"] = panel["n_advice"]
    panel["n_havo_plus"] = panel["n_events"]
    panel["n_expected"] = expected_counts(panel)
    panel = panel.drop(columns=["n_attainment", *SHARE_COLUMNS])
    return panel[panel["n_expected"].notna()].rename(columns={"brin6": "place_id"}).reset_index(drop=True)


def _consistent_estimates(
    pupils: pd.Series, pupils_lo: pd.Series, pupils_hi: pd.Series, events: pd.Series, events_lo: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Estimates of ``<5`` cells kept inside the interval the known counts leave.

    Pupils are raised to at least the known events (within their own upper bound); events are
    then at most the pupils. Only estimates move: a known count has ``lo == hi`` and stays.
    """
    pupils = np.maximum(np.minimum(np.maximum(pupils, events_lo), pupils_hi), pupils_lo)
    events = np.maximum(np.minimum(events, pupils), events_lo)
    return pupils, events


def _check_events_within_pupils(
    panel: pd.DataFrame, sources: Sources, events_key: str, pupils_key: str
) -> None:
    """Events above pupils that the ``<5`` intervals cannot explain are a data error (both files)."""
    bad = panel["n_events"] > panel["n_pupils"] + 1e-9
    if not bad.any():
        return
    first = panel[bad].iloc[0]
    names = [Path((sources.files.get(k) or [k])[0]) for k in (events_key, pupils_key)]
    raise DataError(
        names[0],
        f"{int(bad.sum())} school-year(s) have more events than pupils in {names[1].name}",
        column="AANTAL_LEERLINGEN",
        value=f"{first.iloc[0]} {int(first['school_year'])}: {first['n_events']:g} > {first['n_pupils']:g}",
        expected="events ≤ pupils for the same school and year",
    )


def _vsv_counts(v: pd.DataFrame, place_column: str) -> pd.DataFrame:
    """Pupils, (estimated) early leavers and suppressed cells per place × year."""
    pupils = v["n_pupils"].astype("Float64").fillna(0).astype(float)
    estimate = _estimated(v["n_vsv"], v["n_vsv_suppressed"])
    v = v.assign(
        # a <5 estimate (2.5) never exceeds a known small number of pupils; known counts stay
        n_events=estimate.where(~(v["n_vsv_suppressed"] & (pupils > 0)), np.minimum(estimate, pupils)),
        n_pupils=pupils,
        n_events_min=_estimated(v["n_vsv"], v["n_vsv_suppressed"], SUPPRESSED_CELL_BOUNDS[0]),
        n_events_max=_estimated(v["n_vsv"], v["n_vsv_suppressed"], SUPPRESSED_CELL_BOUNDS[1]),
        n_suppressed_cells=v["n_vsv_suppressed"].astype(int),
    )
    v["n_events_min"] = np.minimum(v["n_events_min"], v["n_events"])
    v["n_events_max"] = np.maximum(v["n_events_max"], v["n_events"])
    out = v.groupby([place_column, "school_year"], as_index=False)[
        ["n_pupils", "n_events", "n_events_min", "n_events_max", "n_suppressed_cells"]
    ].sum()
    return out.rename(columns={place_column: "place_id"})


def dropout_school_panel(sources: Sources) -> pd.DataFrame:
    """VO school × year: pupils and new early school leavers (DUO VSV per school)."""
    return _vsv_counts(sources["vsv_school"], "brin6")


def dropout_gemeente_panel(sources: Sources) -> pd.DataFrame:
    """Gemeente of residence × year from CBS 84780NED (both sexes), in target-year codes."""
    v = sources["vsv_gemeente"]
    v = v[v["sex"] == "total"]
    history = sources["history"]
    parts = [
        frame.assign(gemeente_code=harmonise_gemeente(frame["gemeente_code"], history, int(year)))
        for year, frame in v.groupby("school_year")
    ]
    return _vsv_counts(pd.concat(parts), "gemeente_code")


def additive_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that add up over places: counts (``n_…``) and sums (``sum_…``, ``sumsq_…``)."""
    return [c for c in frame.columns if c.startswith(("n_", "sum_", "sumsq_"))]


def aggregate(panel: pd.DataFrame, key: pd.Series, level_name: str) -> pd.DataFrame:
    """Sum a school panel up to a coarser level (``key`` = the coarser id of each row)."""
    cols = additive_columns(panel)
    frame = panel.assign(_key=key.to_numpy()).dropna(subset=["_key"])
    out = frame.groupby(["_key", "school_year"], as_index=False)[cols].sum()
    out["n_schools"] = frame.groupby(["_key", "school_year"]).size().to_numpy()
    return out.rename(columns={"_key": "place_id"}).assign(level=level_name)


# ----------------------------------------------------------------------------- panels
def build_panels(sources: Sources) -> dict[tuple[str, str], pd.DataFrame]:
    """Place × year panels keyed by ``(target, level)``, each with place attributes — for every
    (target, level) whose outcome files are present (``sources.skipped`` says why others are not)."""
    schools = school_directory(sources)
    gem = gemeente_directory(sources)
    s_gm = schools.set_index("brin6")["gemeente_code"]
    s_pc4 = schools.set_index("brin6")["pc4"]
    panels: dict[tuple[str, str], pd.DataFrame] = {}

    if sources.has("under_advice", "school"):
        ua = under_advice_school_panel(sources)
        ua_school = _with_achterstand(ua.assign(level="school", n_schools=1), schools)
        panels[("under_advice", "school")] = ua_school
        panels[("under_advice", "pc4")] = aggregate(ua_school, ua_school["place_id"].map(s_pc4), "pc4")
        panels[("under_advice", "gemeente")] = aggregate(
            ua_school, ua_school["place_id"].map(s_gm), "gemeente"
        )

    if sources.has(ATTAINMENT_TARGET, "school") and "reference_levels" in sources.tables:
        att = _with_achterstand(attainment_school_panel(sources).assign(level="school", n_schools=1), schools)
        panels[(ATTAINMENT_TARGET, "school")] = att
        panels[(ATTAINMENT_TARGET, "pc4")] = aggregate(att, att["place_id"].map(s_pc4), "pc4")
        panels[(ATTAINMENT_TARGET, "gemeente")] = aggregate(att, att["place_id"].map(s_gm), "gemeente")

    if sources.has("dropout", "school"):
        panels[("dropout", "school")] = dropout_school_panel(sources).assign(level="school", n_schools=1)
    if sources.has("dropout", "gemeente"):
        do_gm = dropout_gemeente_panel(sources).assign(level="gemeente", n_schools=np.nan)
        panels[("dropout", "gemeente")] = do_gm
        rmc_of = gem.set_index("gemeente_code")["rmc_name"]
        panels[("dropout", "rmc")] = aggregate(do_gm, do_gm["place_id"].map(rmc_of), "rmc")

    return {key: attach_places(frame, key[1], schools, gem, sources) for key, frame in panels.items()}


def _with_achterstand(school_panel: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """Funded pupils and CBS disadvantage score per school (additive, so areas can sum them)."""
    s = schools.set_index("brin6")
    return school_panel.assign(
        n_funded_pupils=school_panel["place_id"].map(s["n_funded_pupils"]).fillna(0.0),
        sum_achterstand=school_panel["place_id"].map(s["achterstandsscore"]).fillna(0.0),
    )


def attach_places(
    panel: pd.DataFrame, level: str, schools: pd.DataFrame, gem: pd.DataFrame, sources: Sources
) -> pd.DataFrame:
    """Add place name, gemeente, province and context; sort by place and year."""
    gem_ctx = gem.set_index("gemeente_code")
    out = panel.copy()
    if level == "school":
        s = schools.set_index("brin6")
        out["place_name"] = out["place_id"].map(s["school_name"])
        out["gemeente_code"] = out["place_id"].map(s["gemeente_code"])
        out["pc4"] = out["place_id"].map(s["pc4"])
        out["denomination"] = out["place_id"].map(s["denomination"])
    elif level == "pc4":
        pc4_gm = (
            schools.dropna(subset=["pc4"]).groupby("pc4")["gemeente_code"].agg(lambda x: x.mode().iloc[0])
        )
        out["gemeente_code"] = out["place_id"].map(pc4_gm)
        out["pc4"] = out["place_id"]
        out["place_name"] = "PC4 " + out["place_id"].astype(str)
    elif level == "gemeente":
        out["gemeente_code"] = out["place_id"]
        out["place_name"] = out["place_id"].map(gem_ctx["gemeente_name"])
    if level == "rmc":
        ctx = population_weighted(
            gem[["rmc_name", "population", "province", "pct_born_outside_europe", *CONTEXT_COLUMNS]],
            "rmc_name",
            "population",
        ).set_index("rmc_name")
        out["place_name"] = out["place_id"]
        out["gemeente_code"] = pd.NA
        for col in (*CONTEXT_COLUMNS, "pct_born_outside_europe", "province", "population"):
            out[col] = out["place_id"].map(ctx[col])
    else:
        for col in (*CONTEXT_COLUMNS, "pct_born_outside_europe", "province", "rmc_name"):
            out[col] = out["gemeente_code"].map(gem_ctx[col])
        out["gemeente_name"] = out["gemeente_code"].map(gem_ctx["gemeente_name"])
    if "pc4" in out:
        add_pc4_context(out, sources)
    out["place_id"] = out["place_id"].astype(str)
    return out.sort_values(["place_id", "school_year"]).reset_index(drop=True)


def add_pc4_context(out: pd.DataFrame, sources: Sources) -> None:
    """PC4 context per row as known in its school year (:mod:`features.context`), in place."""
    pc4, years = out["pc4"].astype("string"), out["school_year"]
    ses = sources["ses_pc4"].rename(columns={"year": "reference_year"})
    out["ses_pc4"] = as_known(pc4, years, ses, "pc4", "ses_total")
    if "pc4_kerncijfers" in sources.tables:
        k = sources["pc4_kerncijfers"]
        k = k.assign(benefits_per_1k=1000 * k["n_benefits"] / k["population"].where(k["population"] > 0))
        out["pc4_non_european"] = as_known(pc4, years, k, "pc4", "pct_non_european")
        out["pc4_benefits_per_1k"] = as_known(pc4, years, k, "pc4", "benefits_per_1k")


def national_rates(panel: pd.DataFrame) -> pd.Series:
    """National rate per school year from summed counts (the sum of all places)."""
    g = panel.groupby("school_year")[["n_events", "n_pupils"]].sum()
    return rate(g["n_events"], g["n_pupils"])
