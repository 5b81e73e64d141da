"""The model card is rendered with autoescaping: data, names and reasons cannot inject markup."""

from __future__ import annotations

import pandas as pd
import pytest

from features.provenance import DataOrigin
from models.audit import Audit, GateDecision
from models.report import CardInput, render_report, render_reports
from models.spec import FairnessLimits

XSS = "D<img src=x onerror=alert(1)>"


def refusal(group: str) -> GateDecision:
    """A refusal naming ``group`` (a code from the data, so it may hold anything)."""
    code = {"code": "recall", "grouping": "province", "group": group, "reference": "Utrecht"}
    values = ("value", "ci_low", "ci_high", "difference", "diff_low", "diff_high", "limit")
    return GateDecision(
        False, ({**code, **dict.fromkeys(values, 0.1), "level": 90},), {"code": "refused", "n": 1, "of": 3}
    )


def card(folder: str, reason: str, lang: str = "nl") -> str:
    audit = Audit(
        table=pd.DataFrame(),
        groups=pd.DataFrame(
            {
                "grouping": ["province"],
                "group": [XSS],
                "n_places": [20],
                "n_rows": [40],
                "n_positive_places": [4],
                "n_not_served": [3],
                "n_outcome_hidden": [1],
                "audited": [True],
                "recall_judged": [False],
            }
        ),
        thresholds=FairnessLimits(),
        n_rows=40,
        threshold=0.5,
    )
    card = CardInput(
        name="kansenradar-dropout-rmc",
        version="3",
        run_id="abc",
        target="dropout",
        level="rmc",
        comparison=pd.DataFrame({"roc_auc": [0.9]}, index=pd.Index([XSS], name="model")),
        fold_metrics=pd.DataFrame({"test_year": [2023], "roc_auc": [0.9]}),
        audit=audit,
        decision=refusal(reason),
        mitigation=pd.DataFrame(),
        calibration_method="isotonic",
        threshold=0.5,
        features=["rate_now", XSS],
        origin=DataOrigin(False, folder, "0123"),
    )
    return render_report(card, lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_nothing_from_data_or_reasons_becomes_markup(lang: str) -> None:
    html = card(XSS, "<script>alert(2)</script>", lang)
    assert "<img" not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<table" in html and "<style>" in html  # our own markup survives


def test_the_card_shows_no_server_path() -> None:
    html = card("mijn-downloads", "r")
    assert "mijn-downloads" in html and "/home/" not in html and "/tmp/" not in html


def test_the_template_holds_no_words_of_its_own() -> None:
    """Every sentence of the card comes from the catalogue, so no language can be missed."""
    import re

    from models.report import TEMPLATES

    source = (TEMPLATES / "model_card.html.j2").read_text(encoding="utf-8")
    bare = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}|<[^>]+>", " ", source, flags=re.S)
    words = re.findall(r"[A-Za-zÀ-ÿ]{2,}", bare)
    assert words == ["kansenradar"]  # only the product's name, in the <title>


@pytest.mark.parametrize(("lang", "other"), [("nl", "en"), ("en", "nl")])
def test_each_card_speaks_one_language(lang: str, other: str) -> None:
    from markupsafe import escape

    from models.texts import CARD_TEXTS

    html = card("mijn-downloads", "r", lang)
    k, o = (0, 1) if lang == "nl" else (1, 0)
    fixed = {key: pair for key, pair in CARD_TEXTS.items() if "{" not in pair[0] and pair[0] != pair[1]}
    shown = [key for key, pair in fixed.items() if str(escape(pair[k])) in html]
    assert len(shown) > 20, shown  # the headings, limitations, register entry …
    assert not [key for key, pair in fixed.items() if str(escape(pair[o])) in html]
    assert f'<html lang="{lang}">' in html


def test_both_cards_are_written_dutch_first() -> None:
    cards = render_reports(
        CardInput(
            name="m",
            version="1",
            run_id="r",
            target="dropout",
            level="gemeente",
            comparison=pd.DataFrame(
                {"roc_auc": [0.9, 0.7]}, index=pd.Index(["lightgbm", "persistence"], name="model")
            ),
            fold_metrics=pd.DataFrame({"test_year": [2023], "roc_auc": [0.9], "n_places": [1342.0]}),
            audit=Audit(pd.DataFrame(), pd.DataFrame(), FairnessLimits(), 0, 0.5),
            decision=GateDecision(True, (), {"code": "allowed", "of": 3}),
            mitigation=pd.DataFrame(),
            calibration_method="isotonic",
            threshold=0.5,
            features=["rate_now"],
            origin=DataOrigin(True, "simulated", "abcd"),
        )
    )
    assert list(cards) == ["nl", "en"]
    assert "gesimuleerd · vingerafdruk abcd" in cards["nl"] and "simulated · fingerprint abcd" in cards["en"]
    assert "Bereik" not in cards["en"] and "AUC" in cards["nl"]
    # codes are worded: model kinds, the calibration method and the indicators
    assert "persistentie (vorig jaar)" in cards["nl"] and "persistence" not in cards["nl"]
    assert "isotone regressie" in cards["nl"] and "isotonic regression" in cards["en"]
    assert "rate_now" not in cards["nl"] and "rate_now" not in cards["en"]
    # numbers the reader's way; a count stored as a float is still a whole number
    assert "<td>0,900</td>" in cards["nl"] and "<td>0.900</td>" in cards["en"]
    assert "<td>1.342</td>" in cards["nl"] and "<td>1,342</td>" in cards["en"]
    assert "1.342,000" not in cards["nl"] and "1342.000" not in cards["en"]
