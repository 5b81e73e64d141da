"""Grouped explanations add up: concepts sum to raw(place) − raw(reference), for both model kinds."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.config import load_configs
from features.vocabulary import CONCEPTS
from models.explain import concept_of, grouped_summary
from models.registry import build_risk_model
from models.scoring import explain_year
from models.spec import ExperimentSpec
from models.train import train_experiment


@pytest.fixture(scope="module", params=["lightgbm", "logistic"])
def model_and_features(request, built):
    _, feats = built[("under_advice", "gemeente")]
    spec = next(c for c in load_configs() if c.name == "under_advice_gemeente")
    spec = ExperimentSpec(
        **{**spec.__dict__, "test_years": (2022, 2023), "baselines": (), "candidates": (request.param,)}
    )
    results, chosen = train_experiment(feats, spec)
    return build_risk_model(results[chosen], spec), feats


def test_concepts_add_up_to_the_raw_score_difference_for_every_place(model_and_features) -> None:
    model, feats = model_and_features
    year = int(feats["school_year"].max())
    table = explain_year(model, feats, year)
    assert len(table) == (feats["school_year"] == year).sum()
    total = table[list(CONCEPTS)].sum(axis=1)
    np.testing.assert_allclose(total, table["raw_score"] - table["reference_raw_score"], atol=1e-6)
    assert table[list(CONCEPTS)].abs().sum().gt(0).sum() >= 3  # several concepts really move risk


def test_every_indicator_has_one_concept_and_the_summary_names_the_largest() -> None:
    assert concept_of("trend_3y") == "development" and concept_of("pct_low_income") == "context"
    assert concept_of("doorstroomtoets_now") == "test_regime" and concept_of("rate_now") == "own_level"
    sentence = grouped_summary(
        pd_series({"own_level": 1.2, "development": 0.4, "context": -0.5, "size_uncertainty": 0.0}), "nl"
    )
    assert sentence == (
        "Vooral eigen niveau en ontwikkeling verhogen het risico ten opzichte van een gewone plaats; "
        "context verlaagt het."
    )


def pd_series(values: dict):
    import pandas as pd

    return pd.Series(values)
