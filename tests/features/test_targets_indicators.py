"""Targets (EB shrinkage, elevated rule), the feature registry and the no-leakage guarantee."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.catalog import Sources
from features.context import CONTEXT_KNOWN_LATER, as_known
from features.indicators import REGISTRY, compute_features, feature_names, lag
from features.panel import build_panels
from features.suppression import protect_panels
from features.targets import add_targets, beta_prior, shrink
from features.vocabulary import RATIO_TARGETS

LABELS = ("elevated_next", "rate_next")


def _panel(rows: list[tuple[str, int, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["place_id", "school_year", "n_events", "n_pupils"])


def test_small_place_is_not_flagged_on_noise_but_a_large_one_is() -> None:
    rng = np.random.default_rng(0)
    n = rng.integers(15, 60, 400).astype(float)
    k = rng.binomial(n.astype(int), 0.27).astype(float)
    rows = [(f"p{i}", 2020, k[i], n[i]) for i in range(400)]
    rows += [("small", 2020, 6.0, 10.0), ("large", 2020, 100.0, 200.0)]
    out = add_targets(_panel(rows)).set_index("place_id")
    assert out.loc["small", "rate"] == 0.6 and out.loc["small", "elevated"] == 0
    assert out.loc["large", "elevated"] == 1
    assert out.loc["small", "shrunk_rate"] < 0.6  # pulled toward the national rate


def test_beta_prior_recovers_the_between_place_spread() -> None:
    rng = np.random.default_rng(1)
    true = rng.beta(20 * 0.3, 20 * 0.7, 3000)
    n = np.full(3000, 200.0)
    k = rng.binomial(200, true).astype(float)
    a, b = beta_prior(k, n)
    assert a / (a + b) == pytest.approx(0.3, abs=0.01)
    assert a + b == pytest.approx(20, rel=0.25)


def test_interval_contains_the_shrunken_rate() -> None:
    out = shrink(_panel([("a", 2020, 3.0, 10.0), ("b", 2020, 40.0, 100.0), ("c", 2020, 10.0, 50.0)]))
    assert ((out["rate_lower"] <= out["shrunk_rate"]) & (out["shrunk_rate"] <= out["rate_upper"])).all()


def test_label_is_next_years_elevation_and_missing_without_next_year() -> None:
    rows = [("a", 2020, 10.0, 100.0), ("a", 2021, 90.0, 100.0), ("b", 2020, 10.0, 100.0)]
    rows += [(f"x{i}", y, 25.0, 100.0) for i in range(30) for y in (2020, 2021)]
    out = add_targets(_panel(rows)).set_index(["place_id", "school_year"])
    assert out.loc[("a", 2020), "elevated_next"] == out.loc[("a", 2021), "elevated"] == 1
    assert np.isnan(out.loc[("b", 2020), "elevated_next"])


def test_lag_looks_up_the_year_not_the_previous_row() -> None:
    p = pd.DataFrame({"place_id": ["a", "a"], "school_year": [2018, 2020], "v": [1.0, 2.0]})
    assert np.isnan(lag(p, "v", 1).iloc[1])
    assert lag(p, "v", 2).iloc[1] == 1.0


def test_every_indicator_is_documented() -> None:
    for ind in REGISTRY.values():
        assert ind.label_nl and ind.label_en and ind.unit and ind.source, ind.name
        assert 2014 <= ind.first_year <= 2024, ind.name
        assert ind.kind in {"history", "context", "size", "regime"}, ind.name
        assert ind.description, f"{ind.name} needs a docstring saying what it means"
    assert "doorstroomtoets_target_year" in feature_names("under_advice", "school")
    assert not set(feature_names("dropout", "gemeente", kinds=("context",))) & {
        "rate_now",
        "rate_lag1",
        "shrunk_rate",
    }


def test_regime_break_is_an_explicit_indicator(built) -> None:
    _, feats = built[("under_advice", "school")]
    marker = feats.groupby("school_year")["doorstroomtoets_target_year"].first()
    assert marker[2021] == 0 and marker[2022] == 1 and marker[2023] == 1


def _perturbed_sources(sources: Sources, year: int) -> Sources:
    tables = dict(sources.tables)
    her = tables["heroverweging"].copy()
    hit = (her["school_year"] == year) & (her["category"] == "eligible")
    # fewer eligible pupils: stays consistent with the tested counts (more would be a DataError)
    her.loc[hit, "n_pupils"] = her.loc[hit, "n_pupils"] // 2
    tables["heroverweging"] = her
    eind = tables["eindscores"].copy()
    eind.loc[eind["school_year"] == year, "mean_score"] += 25.0
    tables["eindscores"] = eind
    for key in ("vsv_school", "vsv_gemeente"):
        v = tables[key].copy()
        v.loc[v["school_year"] == year, "n_vsv"] = v.loc[v["school_year"] == year, "n_vsv"] * 4
        tables[key] = v
    if "reference_levels" in tables:  # attainment: fewer pupils reach the streefniveau that year
        r = tables["reference_levels"].copy()
        hit = (r["school_year"] == year) & r["level"].isin(["2F", "1S"])
        r.loc[hit, "n_pupils"] = r.loc[hit, "n_pupils"] // 2
        tables["reference_levels"] = r
    return Sources(sources.data_dir, tables, sources.geojson, sources.files)


@pytest.mark.parametrize("year", [2019, 2022])
def test_no_leakage_features_of_t_ignore_data_of_later_years(sources, built, year: int) -> None:
    """Perturb every outcome published for ``year``; features of earlier years must not move."""
    changed = protect_panels(build_panels(_perturbed_sources(sources, year)))
    for key, panel in changed.items():
        feats = compute_features(add_targets(panel), *key)
        _, original = built[key]
        cols = [c for c in original.columns if c not in LABELS]
        before = original[original["school_year"] < year][cols].reset_index(drop=True)
        after = feats[feats["school_year"] < year][cols].reset_index(drop=True)
        pd.testing.assert_frame_equal(before, after, check_exact=False, rtol=1e-12)
        # …while the perturbed year itself did change (the test can see a change)
        now = "oe_ratio_now" if key[0] in RATIO_TARGETS else "rate_now"
        now_before = original[original["school_year"] == year][now].to_numpy()
        now_after = feats[feats["school_year"] == year][now].to_numpy()
        assert not np.allclose(now_before, now_after, equal_nan=True), key


def test_context_indicators_name_their_snapshots_and_flag_earlier_years() -> None:
    context = [i for i in REGISTRY.values() if i.kind == "context"]
    assert {"ses_pc4", "pc4_non_european", "pc4_benefits_per_1k"} <= {i.name for i in context}
    for ind in context:
        assert ind.snapshots and ind.first_year == min(ind.snapshots), ind.name
        assert ind.context_known_later(ind.first_year - 1), ind.name
        assert ind.timing_note(ind.first_year - 1) == CONTEXT_KNOWN_LATER
        assert not ind.context_known_later(ind.first_year), ind.name
    assert not REGISTRY["rate_now"].context_known_later(2014)


def test_as_known_takes_the_latest_snapshot_not_after_the_year() -> None:
    snaps = pd.DataFrame(
        {
            "pc4": ["1000", "1000", "2000", "2000"],
            "reference_year": [2021, 2022, 2021, 2022],
            "v": [1.0, 2.0, 5.0, np.nan],  # 2000 lacks the 2022 value: keeps 2021's, not blank
        }
    )
    keys = pd.Series(["1000", "1000", "1000", "2000", "2000", "3000"])
    years = pd.Series([2019, 2021, 2023, 2022, 2019, 2022])
    out = as_known(keys, years, snaps, "pc4", "v")
    assert out.tolist()[:5] == [1.0, 1.0, 2.0, 5.0, 5.0]
    assert np.isnan(out.iloc[5])


def _perturbed_context(sources: Sources, table: str, year_column: str, column: str, year: int) -> Sources:
    tables = dict(sources.tables)
    t = tables[table].copy()
    t.loc[t[year_column] == year, column] = t.loc[t[year_column] == year, column] * 3 + 50
    tables[table] = t
    return Sources(sources.data_dir, tables, sources.geojson, sources.files)


@pytest.mark.parametrize(
    ("table", "year_column", "column", "feature", "snapshot", "first"),
    [
        ("ses_pc4", "year", "ses_total", "ses_pc4", 2022, 2021),
        ("pc4_kerncijfers", "reference_year", "pct_non_european", "pc4_non_european", 2024, 2023),
    ],
)
def test_no_leakage_context_of_t_ignores_later_snapshots(
    sources, built, table: str, year_column: str, column: str, feature: str, snapshot: int, first: int
) -> None:
    """From the first snapshot on, a feature of year t never sees a snapshot published after t."""
    changed = protect_panels(build_panels(_perturbed_context(sources, table, year_column, column, snapshot)))
    for key in (("under_advice", "school"), ("under_advice", "pc4")):
        feats = compute_features(add_targets(changed[key]), *key)
        _, original = built[key]
        cols = [c for c in original.columns if c not in LABELS]
        window = original["school_year"].between(first, snapshot - 1)
        pd.testing.assert_frame_equal(
            original[window][cols].reset_index(drop=True),
            feats[feats["school_year"].between(first, snapshot - 1)][cols].reset_index(drop=True),
            check_exact=False,
            rtol=1e-12,
        )
        now_before = original.loc[original["school_year"] == snapshot, feature].to_numpy()
        now_after = feats.loc[feats["school_year"] == snapshot, feature].to_numpy()
        assert not np.allclose(now_before, now_after, equal_nan=True), key
