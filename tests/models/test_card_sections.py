"""The model card, complete (issue 23): how groups are made, base rates and positives, reliability
per group, intended use and misuse, ethics and how to reproduce — in both languages."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from features.provenance import DataOrigin
from models.audit import GateDecision, audit_predictions
from models.report import CardInput, Reproduction, render_report
from models.spec import FairnessLimits
from models.texts import t


@pytest.fixture(scope="module")
def audit():
    """60 places over three years; urbanity, migration and income as a school's gemeente has them."""
    rng = np.random.default_rng(3)
    places = pd.DataFrame(
        {
            "place_id": [f"S{i:02d}" for i in range(60)],
            "urbanity": rng.integers(1, 6, 60),
            "pct_non_western": rng.uniform(1, 40, 60).round(1),
            "pct_low_income": rng.uniform(2, 20, 60).round(1),
        }
    )
    rows = places.loc[places.index.repeat(3)].reset_index(drop=True)
    rows["school_year"] = np.tile([2021, 2022, 2023], 60)
    rows["prob"] = rng.uniform(0, 0.8, len(rows))
    rows["y"] = (rng.uniform(size=len(rows)) < rows["prob"]).astype(int)
    return audit_predictions(rows, 0.4, FairnessLimits(min_group_size=10, n_boot=50))


def _card(audit, lang: str) -> str:
    card = CardInput(
        name="kansenradar-under-advice-school",
        version="4",
        run_id="run1",
        target="under_advice",
        level="school",
        comparison=pd.DataFrame({"roc_auc": [0.8]}, index=pd.Index(["lightgbm"], name="model")),
        fold_metrics=pd.DataFrame({"test_year": [2023], "roc_auc": [0.8]}),
        audit=audit,
        decision=GateDecision(True, (), {"code": "allowed", "of": 3}),
        mitigation=pd.DataFrame(),
        calibration_method="isotonic",
        threshold=0.4,
        features=["rate_now"],
        origin=DataOrigin(True, "simulated", "abc123"),
        reproduce=Reproduction(
            kind="lightgbm",
            hyperparameters={"num_leaves": 15, "learning_rate": 0.05},
            packages=["lightgbm==4.7.0", "pandas==3.1.1"],
            commit="0123456789ab",
            seed=7,
            data_fingerprint="abc123",
            features_fingerprint="feedbeef",
            command="kansenradar train --only under_advice_school",
        ),
    )
    return render_report(card, lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_card_says_how_groups_are_made_with_their_cut_points(audit, lang: str) -> None:
    html = _card(audit, lang)
    assert t("card_h_groups", lang) in html and t("card_src_gemeente", lang) in html
    low, high = audit.cuts["migration"]
    sep = "," if lang == "nl" else "."
    assert f"{low:.1f}".replace(".", sep) in html and f"{high:.1f}".replace(".", sep) in html


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_card_shows_base_rates_and_positives_per_group(audit, lang: str) -> None:
    html = _card(audit, lang)
    sizes = audit.groups.set_index(["grouping", "group"])
    rural = sizes.loc[("urbanity", "landelijk")]
    assert rural["n_positive_rows"] > 0
    rate = rural["n_positive_rows"] / rural["n_rows"]
    assert re.search(re.escape(f"{rate:.3f}".replace(".", "," if lang == "nl" else ".")), html)
    assert "Basisfrequentie" in html if lang == "nl" else "Base rate" in html


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_card_draws_a_reliability_curve_per_audited_group(audit, lang: str) -> None:
    html = _card(audit, lang)
    single = audit.table[~audit.table["grouping"].str.contains("×")]
    n_groups = single[["grouping", "group"]].drop_duplicates().shape[0]
    assert n_groups >= 6
    section = html.split(t("card_h_reliability", lang))[1].split(t("card_h_mitigation", lang))[0]
    assert section.count("<svg") == n_groups


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_card_says_use_misuse_ethics_and_how_to_reproduce(audit, lang: str) -> None:
    html = _card(audit, lang)
    for key in ("card_h_use", "card_misuse_people", "card_h_ethics", "card_h_reproduce"):
        assert t(key, lang).split("{")[0][:40] in html, key
    assert "kansenradar audit -t under_advice -l school --version 4 --export" in html
    for fact in (
        "kansenradar train --only under_advice_school",
        "0123456789ab",
        "feedbeef",
        "lightgbm==4.7.0",
    ):
        assert fact in html
    assert "num_leaves" in html and "0.05" in html
