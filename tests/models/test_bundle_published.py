"""Bundles hold only published tables, so no page can forget disclosure control.

Disclosure control is applied when a bundle is written (one publisher per kind of per-place
table) and checked before a file is written; pages read the files as they are. Planting an
unmasked table in the writer must fail, and no page may bring its own masking.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.suppression import PRIMARY, SHOWN, STATUS_COLUMN
from models import bundle as bundle_module
from models.bundle import (
    AGGREGATE_TABLES,
    PUBLISHERS,
    TABLES,
    BundleMeta,
    check_published,
    read_bundle,
    write_bundle,
)

REPO = Path(__file__).resolve().parents[2]


def _meta() -> BundleMeta:
    return BundleMeta(
        name="kansenradar-dropout-gemeente",
        version="1",
        run_id="r",
        target="dropout",
        level="gemeente",
        feature_year=2023,
        model_kind="logistic",
        threshold=0.5,
        calibration="isotonic",
        features=["rate_now"],
        mitigation="none",
        gate_allowed=True,
        gate_summary="",
        gate_reasons=[],
        gate_codes=[],
        gate_summary_code={"code": "allowed", "of": 3},
        promoted=False,
        promotion_message="",
        data_origin="simulated",
        data_simulated=True,
        data_fingerprint="0",
    )


def _raw_tables() -> dict[str, pd.DataFrame]:
    """One shown place (GM1, 50 pupils) and one hidden (GM2, 6 pupils), as the runner has them."""
    ids = ["GM1", "GM2"]
    scores = pd.DataFrame(
        {
            "place_id": ids,
            "n_pupils": [50.0, 6.0],
            "n_events": [5.0, 2.0],
            "risk": [0.3, 0.6],
            "risk_low": [0.2, 0.4],
            "risk_high": [0.4, 0.8],
            "flag": [0, 1],
            "rank": [2, 1],
            "drivers_nl": ["a", "b"],
            "drivers_en": ["a", "b"],
        }
    )
    features_latest = pd.DataFrame(  # published by the runner (publishable_indicators)
        {
            "place_id": ids,
            "rate_now": [0.1, np.nan],
            "log_pupils": [np.nan, np.nan],
            STATUS_COLUMN: [SHOWN, PRIMARY],
        }
    )
    contributions = pd.DataFrame(
        {"place_id": ids, "bias": [-1.0, -1.0], "rate_now": [0.2, 0.5], "log_pupils": [0.1, 0.3]}
    )
    explanations = pd.DataFrame(
        {"place_id": ids, "own_level": [0.2, 0.5], "size_uncertainty": [0.1, 0.3], "raw_score": [-0.7, -0.2]}
    )
    history = pd.DataFrame(
        {
            "place_id": ["GM1", "GM1", "GM2"],
            "school_year": [2022, 2023, 2023],
            "n_pupils": [40.0, 50.0, 6.0],
            "n_events": [4.0, 5.0, 2.0],
            "rate": [0.1, 0.1, 0.33],
            "shrunk_rate": [0.1, 0.1, 0.2],
            "rate_lower": [0.05, 0.05, 0.1],
            "rate_upper": [0.2, 0.2, 0.6],
            "elevated": [0, 0, 1],
        }
    )
    audit_rows = pd.DataFrame(  # GM1's 2022 flag and 2023 outcome are shown; GM2's 2023 is hidden
        {"place_id": ["GM1", "GM2"], "school_year": [2022, 2022], "y": [0, 1], "prob": [0.2, 0.7]}
    )
    tables = {name: pd.DataFrame({"x": [1.0]}) for name in TABLES}
    tables.update(
        audit_rows=audit_rows,
        scores=scores,
        features_latest=features_latest,
        contributions=contributions,
        explanations=explanations,
        history=history,
    )
    return tables


def test_a_written_bundle_shows_nothing_of_a_hidden_place(tmp_path: Path) -> None:
    b = read_bundle(write_bundle(tmp_path, _meta(), _raw_tables(), {}))
    scores = b.table("scores").set_index("place_id")
    assert scores.loc["GM2", STATUS_COLUMN] == PRIMARY and scores.loc["GM1", STATUS_COLUMN] == SHOWN
    assert scores.loc["GM2", ["risk", "flag", "n_pupils"]].isna().all()
    assert pd.isna(scores.loc["GM2", "drivers_nl"]) and scores.loc["GM1", "risk"] == 0.3
    contrib = b.table("contributions").set_index("place_id")
    assert contrib.loc["GM2"].isna().all()  # a hidden place: nothing
    assert pd.isna(contrib.loc["GM1", "log_pupils"])  # a hidden value of a shown place: its part too
    assert contrib.loc["GM1", "rate_now"] == 0.2
    explained = b.table("explanations").set_index("place_id")
    assert explained.loc["GM2"].isna().all()
    assert pd.isna(explained.loc["GM1", "size_uncertainty"])  # holds log_pupils, hidden for GM1
    assert explained.loc["GM1", "own_level"] == 0.2
    history = b.table("history").set_index(["place_id", "school_year"])
    assert history.loc[("GM2", 2023), ["rate", "n_pupils", "elevated"]].isna().all()
    assert b.history().set_index(["place_id", "school_year"]).loc[("GM1", 2023), "rate"] == 10.0  # percent


def test_the_audit_dataset_keeps_only_served_rows_with_a_published_outcome(tmp_path: Path) -> None:
    rows = read_bundle(write_bundle(tmp_path, _meta(), _raw_tables(), {})).table("audit_rows")
    assert rows["place_id"].tolist() == ["GM1"]  # GM2: its outcome year 2023 is hidden


@pytest.mark.parametrize("table", ["scores", "contributions", "explanations", "history", "audit_rows"])
def test_an_unmasked_table_planted_in_the_writer_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str
) -> None:
    monkeypatch.setitem(PUBLISHERS, table, lambda t, name=table: t[name])  # the planted bug
    if table != "scores":  # keep the other tables' status consistent with a published scores
        monkeypatch.setitem(PUBLISHERS, "scores", bundle_module.PUBLISHERS["scores"])
    with pytest.raises(ValueError, match=table):
        write_bundle(tmp_path, _meta(), _raw_tables(), {})
    assert not (tmp_path / "kansenradar-dropout-gemeente" / "v1" / f"{table}.parquet").exists()


def test_a_new_per_place_table_without_a_publisher_is_refused() -> None:
    raw = _raw_tables()
    with pytest.raises(ValueError, match="not published"):
        check_published("new_place_table", raw["scores"], raw)
    assert "new_place_table" not in AGGREGATE_TABLES


def test_every_bundle_of_a_real_run_is_published(pipeline_run: dict) -> None:
    """On the shared trained world: every per-place table of every bundle passes the check, and
    hidden places really are there (so the check is not passing on an empty case)."""
    bundles = [read_bundle(p.parent) for p in pipeline_run["outputs"].glob("*/v*/meta.json")]
    assert bundles
    n_hidden = 0
    for b in bundles:
        tables = {name: b.table(name) for name in TABLES}
        if b.has_emerging:
            tables["emerging"] = b.table("emerging")
        for name, frame in tables.items():
            check_published(name, frame, tables)
        n_hidden += int(tables["scores"]["suppressed"].sum())
        hidden = tables["scores"].loc[tables["scores"]["suppressed"], "place_id"]
        assert (
            tables["contributions"]
            .set_index("place_id")
            .reindex(hidden)
            .drop(columns="bias")
            .isna()
            .all()
            .all()
        )
    assert n_hidden > 0


PAGE_FILES = sorted([*REPO.glob("app/pages/*.py"), REPO / "app" / "ui.py", REPO / "app" / "maps.py"])
MASKING = ("publish", "suppress", "status_of", "is_safe", "hidden")


def _masking_imports(path: Path) -> list[str]:
    """Names a page imports that publish or mask (constants such as ``SHOWN`` are fine)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith(("features.suppression", "models"))
        for alias in node.names
        if not alias.name.isupper()
        and any(word in alias.name for word in MASKING)
        and alias.name != "hidden_label"
    ]


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_no_page_masks_by_hand(path: Path) -> None:
    assert _masking_imports(path) == []


def test_the_page_scan_finds_a_page_that_masks(tmp_path: Path) -> None:
    planted = tmp_path / "9_Planted.py"
    planted.write_text(
        "from features.suppression import SHOWN, publish\nfrom models.scoring import suppressed_scores\n"
    )
    assert _masking_imports(planted) == ["publish", "suppressed_scores"]
