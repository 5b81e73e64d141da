"""Each version's card shows its own mitigation rows and its experiment's version history."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from models.bundle import META_FILE, version_history
from models.mitigation import compare_mitigations
from models.spec import FairnessLimits
from models.train import ModelResult
from tests.models.gate_codes import recall_refusal

LIMITS = FairnessLimits(n_boot=200)


def _result(kind: str, prob: np.ndarray, y: np.ndarray, ids: list[str], years: np.ndarray) -> ModelResult:
    oof = pd.DataFrame({"place_id": ids, "school_year": years, "y": y, "score": prob, "prob": prob})
    oof["threshold"] = 0.5
    return ModelResult(kind=kind, features=[], fold_metrics=pd.DataFrame(), oof=oof)


def test_mitigation_rows_are_the_ladders_own_models_on_served_rows() -> None:
    """The reweighing row is the flags of the reweighed model handed in (0.2.1 retrained another
    model, reweighed by urbanity only, so the row was not the registered version's)."""
    rng = np.random.default_rng(3)
    n_places, years = 600, np.array([2022, 2023])
    ids = [f"p{i}" for i in range(n_places)] * 2
    year = np.repeat(years, n_places)
    y = (rng.uniform(size=ids.__len__()) < 0.3).astype(int)
    base = np.clip(0.3 + 0.35 * y + rng.normal(0, 0.2, y.size), 0, 1)
    other = np.clip(base + rng.normal(0, 0.2, y.size), 0, 1)
    places = pd.DataFrame(
        {
            "place_id": ids,
            "school_year": year,
            "urbanity": rng.integers(1, 6, y.size).astype(float),
            "pct_non_western": rng.uniform(1, 40, y.size),
            "pct_low_income": rng.uniform(1, 12, y.size),
        }
    )
    hidden = np.arange(n_places) % 5 == 0  # these places' flags are never shown
    panel = pd.DataFrame(
        {
            "place_id": ids + [f"p{i}" for i in range(n_places)],
            "school_year": np.concatenate([year, np.full(n_places, 2024)]),
            "n_pupils": np.concatenate([np.where(np.tile(hidden, 2), 5, 40), np.full(n_places, 40)]),
        }
    )
    ladder = {
        "none": _result("logistic", base, y, ids, year),
        "reweighing": _result("logistic", other, y, ids, year),
    }
    table = compare_mitigations(ladder, places, panel, LIMITS)
    assert list(table["method"]) == ["unmitigated", "threshold_optimizer", "reweighing"]
    last = (year == 2023) & ~np.tile(hidden, 2)
    row = table.set_index("method").loc["reweighing"]
    flags = other[last] >= 0.5
    assert row["n_rows"] == last.sum()
    assert row["selection_rate"] == pytest.approx(flags.mean())
    assert row["recall"] == pytest.approx((flags & (y[last] == 1)).sum() / (y[last] == 1).sum())
    assert row["recall_low"] < row["recall"] < row["recall_high"]
    assert table["reweighed_by"].iloc[0] == "urbanity × migration × income"


def _meta(folder: Path, version: int, **extra: object) -> None:
    path = folder / f"v{version}"
    path.mkdir(parents=True)
    (path / META_FILE).write_text(json.dumps({"version": str(version), **extra}), encoding="utf-8")


def test_version_history_keeps_every_refusal_with_the_rules_it_was_judged_by(tmp_path: Path) -> None:
    refusal = {"code": "recall", "grouping": "urbanity", "group": "landelijk", "reference": "stedelijk"}
    _meta(
        tmp_path / "m",
        1,
        mitigation="none",
        gate_allowed=False,
        promoted=False,
        gate_codes=[refusal],
        gate_summary_code={"code": "refused", "n": 1, "of": 165},  # written by 0.2.1: no rules
    )
    _meta(
        tmp_path / "m",
        2,
        mitigation="reweighing",
        gate_allowed=True,
        promoted=True,
        gate_codes=[],
        gate_summary_code={"code": "allowed", "of": 21, "rules": 2},
    )
    history = version_history(tmp_path, "m")
    assert list(history["version"]) == ["1", "2"]
    assert list(history["rules"]) == [1, 2]
    assert history.loc[0, "codes"] == [refusal] and not history.loc[0, "gate_allowed"]
    assert history.loc[1, "mitigation"] == "reweighing" and history.loc[1, "promoted"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_card_words_each_earlier_refusal_and_its_rules(tmp_path: Path, lang: str) -> None:
    from models.report import history_view

    refusal = recall_refusal(diff_high=-0.22, limit=0.2)
    _meta(
        tmp_path / "m",
        1,
        mitigation="none",
        gate_allowed=False,
        promoted=False,
        gate_codes=[refusal],
        gate_summary_code={"code": "refused", "n": 1, "of": 21, "rules": 2},
    )
    view = history_view(version_history(tmp_path, "m"), lang)
    text = " ".join(view.astype(str).to_numpy().ravel())
    assert "v1" in text and ("landelijk" in text if lang == "nl" else "rural" in text)
    assert ("auditregels v2" if lang == "nl" else "audit rules v2") in text
