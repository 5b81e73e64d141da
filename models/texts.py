"""Every user-facing word in Dutch (default) and English, in one catalogue.

The app, the CLI and the model card all take their words from here, so a figure such as the
minimum number of pupils is written once (it comes from :mod:`features.suppression`) and a
missing translation is a test failure rather than an English word on a Dutch page.
"""

from __future__ import annotations

from features.suppression import MIN_PUPILS
from models.groups import grouping_label

TEXTS: dict[str, tuple[str, str]] = {
    "app_title": ("kansenradar", "kansenradar"),
    "tagline": (
        "Vroegsignalering van ongelijke kansen in het onderwijs — signaleert plaatsen, nooit personen.",
        "Early warning of unequal opportunity in education — flags places, never persons.",
    ),
    "language": ("Taal", "Language"),
    "signal": ("Signaal", "Signal"),
    "year": ("Schooljaar", "School year"),
    "prediction": ("voorspelling", "prediction"),
    "map_title": ("Risico op verhoogd niveau per gemeente", "Risk of an elevated level by municipality"),
    "map_observed": (
        "Waargenomen percentage (gecorrigeerd) per gemeente",
        "Observed (shrunken) rate by municipality",
    ),
    "flagged_places": ("Gesignaleerde plaatsen", "Flagged places"),
    "risk": ("Risico", "Risk"),
    "interval": ("Interval", "Interval"),
    "flag": ("Signaal", "Flag"),
    "flag_yes": ("verhoogd", "elevated"),
    "flag_no": ("—", "—"),
    "driver": ("Belangrijkste drijfveer", "Main driver"),
    "place": ("Plaats", "Place"),
    "gemeente_name": ("Gemeente", "Municipality"),
    "pc4": ("Postcode (PC4)", "Postcode (PC4)"),
    "pupils": ("Leerlingen", "Pupils"),
    "rate_now": ("Percentage nu", "Rate now"),
    "choose_gemeente": (
        "Kies een gemeente voor postcodegebieden en scholen",
        "Choose a municipality for its postcode areas and schools",
    ),
    "suppressed_note": (
        f"Cijfers op basis van minder dan {MIN_PUPILS} leerlingen worden niet getoond.",
        f"Figures based on fewer than {MIN_PUPILS} pupils are not shown.",
    ),
    "no_champion": (
        "Geen goedgekeurd model (champion) voor dit niveau.",
        "No approved (champion) model for this level.",
    ),
    "level": ("Niveau", "Level"),
    "why_flagged": ("Waarom gesignaleerd?", "Why flagged?"),
    "history": ("Verloop", "History"),
    "national": ("Landelijk", "National"),
    "peers": ("Vergelijkbare plaatsen", "Similar places"),
    "budget": ("Budget", "Budget"),
    "budget_kind": ("Soort budget", "Budget type"),
    "budget_places": ("Aantal plaatsen", "Number of places"),
    "budget_pupils": ("Bereikbare leerlingen", "Pupils reachable"),
    "expected_hits": ("Verwachte hotspots bereikt", "Expected hot spots reached"),
    "spread_groups": ("Spreiding over soorten plaatsen", "Spread over kinds of places"),
    "download": ("Download CSV", "Download CSV"),
    "gate": ("Fairness-poort", "Fairness gate"),
    "grouping": ("Indeling", "Grouping"),
    "report_link": ("Volledig auditrapport (HTML)", "Full audit report (HTML)"),
    "model_data": ("Model & data", "Model & data"),
    "validate_folder": (
        "Controleer een map met eigen DUO/CBS-bestanden",
        "Validate a folder of your own DUO/CBS downloads",
    ),
    "folder": ("Map", "Folder"),
    "early_warning": (
        "Vroegsignalering: opkomend en verhoogd naast elkaar (geplante hotspots, alleen ingebouwde data)",
        "Early warning: emerging and elevated side by side (planted hot spots, embedded data only)",
    ),
    "signal_kind": ("Soort signaal", "Kind of signal"),
    "elevated_signal": ("verhoogd (risico volgend jaar)", "elevated (risk next year)"),
    "emerging_signal": ("opkomend (hoger dan verwacht)", "emerging (higher than expected)"),
    "emerging": ("Opkomend", "Emerging"),
    "emerging_yes": ("opkomend", "emerging"),
    "emerging_no": ("niet opkomend", "not emerging"),
    "insufficient_history": ("te weinig geschiedenis", "insufficient history"),
    "observed": ("waargenomen", "observed"),
    "expected": ("verwacht", "expected"),
    "emerging_places": ("Opkomende plaatsen", "Emerging places"),
    "map_emerging": (
        "Opkomend: hoger dan verwacht uit de eigen geschiedenis (score)",
        "Emerging: higher than expected from its own past (score)",
    ),
    "rank_on": ("Rangschikken op", "Rank on"),
    "rank_both": ("beide (hoogste van de twee rangen)", "both (the higher of the two ranks)"),
    "emerging_note": (
        "Opkomend = de waarneming van dit jaar ligt boven wat de eigen voorgaande jaren (min het "
        "laatste, als buffer) en de landelijke verandering doen verwachten; de drempel laat bij "
        "ongewijzigde plaatsen 5 % vals alarm toe.",
        "Emerging = this year's observation is above what the place's own earlier years (leaving "
        "out the last one as a guard band) and the national change lead us to expect; the line "
        "allows 5 % false alarms among unchanged places.",
    ),
    "simulated_notice": (
        "Demonstratiedata: gesimuleerde leerlingen op echte scholen en gemeenten — zegt niets over "
        "deze plaatsen.",
        "Demonstration data: simulated pupils at real schools and municipalities — says nothing "
        "about these places.",
    ),
    "data_origin": ("Herkomst data", "Data origin"),
    "simulated": ("gesimuleerd", "simulated"),
    "risk_band": ("Risiconiveau", "Risk band"),
    "calibration": ("kalibratie", "calibration"),
    "threshold": ("drempel", "threshold"),
    "mitigation": ("mitigatie", "mitigation"),
    "model_vs_baselines": (
        "Model tegenover eenvoudige vergelijkers (jaren buiten training)",
        "Model vs baselines (held-out years)",
    ),
    "per_year": ("Per jaar", "Per year"),
    "lookback": ("Terugblik: hoe eerdere signalen uitpakten", "Look-back: how past flags turned out"),
    "lookback_help": (
        "Per jaar de signalen die dit model had gegeven als het alleen eerdere jaren kende "
        "(rolling origin), naast wat daarna gebeurde.",
        "Per year the flags this model would have issued knowing only earlier years (rolling origin), "
        "beside what happened next.",
    ),
    "lb_school_year": ("Schooljaar", "School year"),
    "lb_flagged": ("Gesignaleerd", "Flagged"),
    "lb_flagged_elevated": ("Waarvan verhoogd", "Of which elevated"),
    "lb_elevated": ("Verhoogd in totaal", "Elevated in all"),
    "lb_missed": ("Gemist", "Missed"),
    "lb_precision": ("Precisie", "Precision"),
    "lb_recall": ("Bereik (recall)", "Recall"),
    "page_overview": ("Overzicht", "Overview"),
    "page_place": ("Plaats", "Place"),
    "page_prioritise": ("Prioriteren", "Prioritise"),
    "page_fairness": ("Fairness", "Fairness"),
    "page_model_data": ("Model & data", "Model & data"),
    "lb_flag_issued": ("Signaal gegeven", "Flag issued"),
    "lb_turned_out": ("Daarna", "Turned out"),
    "lb_not_elevated": ("niet verhoogd", "not elevated"),
    "grouped_help": (
        "Wat dit risico onderscheidt van een gewone plaats (landelijke mediaan van elke indicator), "
        "per onderdeel, op de schaal van het model (log-odds; ↑ verhoogt). De onderdelen tellen op "
        "tot het verschil met die gewone plaats.",
        "What sets this risk apart from an ordinary place (the national median of every indicator), "
        "per part, on the model's scale (log-odds; ↑ raises). The parts add up to the difference "
        "from that ordinary place.",
    ),
    "contribution_axis": (
        "bijdrage aan risico (log-odds; ↑ verhoogt)",
        "contribution to risk (log-odds; ↑ raises)",
    ),
    "indicator_detail": ("Per indicator", "Per indicator"),
    "parts_heading": ("Wat het risico bepaalt", "What drives the risk"),
    "concept": ("Onderdeel", "Part"),
    "contribution": ("Bijdrage", "Contribution"),
}

LEVEL_PLURALS: dict[str, tuple[str, str]] = {
    "school": ("scholen", "schools"),
    "pc4": ("postcodegebieden", "postcode areas"),
    "gemeente": ("gemeenten", "municipalities"),
    "rmc": ("RMC-regio's", "RMC regions"),
}


def t(key: str, lang: str = "nl") -> str:
    nl, en = TEXTS[key]
    return nl if lang == "nl" else en


# -- risk in words --------------------------------------------------------------------------
# A one-year-ahead risk is never certain: the app never prints 0 % or 100 %, and puts a band in
# words beside the number (thresholds here and nowhere else; "verhoogd" names the level signal,
# not a band).
RISK_BANDS: tuple[tuple[float, str], ...] = (
    (0.10, "low"),
    (0.30, "medium"),
    (0.60, "high"),
    (1.0, "very_high"),
)
BAND_WORDS: dict[str, tuple[str, str]] = {
    "low": ("laag", "low"),
    "medium": ("gemiddeld", "medium"),
    "high": ("hoog", "high"),
    "very_high": ("zeer hoog", "very high"),
}


def risk_band(risk: float) -> str | None:
    """The band key of a calibrated risk (None when the risk is not shown)."""
    if risk != risk:  # NaN: suppressed or not scored
        return None
    return next((band for upper, band in RISK_BANDS if risk < upper), RISK_BANDS[-1][1])


def band_word(risk: float, lang: str = "nl") -> str:
    band = risk_band(risk)
    return "–" if band is None else BAND_WORDS[band][0 if lang == "nl" else 1]


def format_risk(risk: float) -> str:
    """A risk as a percentage that never claims certainty: '<1%' and '>99%' at the ends."""
    if risk != risk:
        return "–"
    if risk < 0.01:
        return "<1%"
    if risk > 0.99:
        return ">99%"
    return f"{risk:.0%}"


# -- the fairness gate's reasons, from stored codes ------------------------------------------
_METRIC_WORDS: dict[str, tuple[str, str]] = {
    "alarm_rate": (
        "alarmpercentage van het opkomend-signaal (aandeel plaatsen met een alarm)",
        "alarm rate of the emerging signal (share of places alarmed)",
    ),
    "recall": (
        "bereik (aandeel verhoogde plaatsen dat gesignaleerd werd)",
        "recall (share of elevated places that were flagged)",
    ),
    "false_positive_rate": (
        "vals-alarmpercentage (aandeel niet-verhoogde plaatsen dat gesignaleerd werd)",
        "false positive rate (share of not-elevated places flagged)",
    ),
    "calibration_gap": (
        "kalibratieverschil (gemiddeld voorspeld min waargenomen risico)",
        "calibration gap (mean predicted minus observed risk)",
    ),
}


def gate_reason(code: dict, lang: str = "nl") -> str:
    """One refusal reason in words, from its stored code and values."""
    what = _METRIC_WORDS[code["code"]][0 if lang == "nl" else 1]
    who = f"{grouping_label(code['grouping'], lang)} = '{code['group']}'"
    ci = f"{code['level']}%-{'BI' if lang == 'nl' else 'CI'}"
    if code["code"] == "calibration_gap":
        if lang == "nl":
            return (
                f"{who}: {what} gemeten {code['value']:+.3f} ({ci} {code['ci_low']:+.3f} tot "
                f"{code['ci_high']:+.3f}); ingestelde grens voor het absolute verschil {code['limit']:.2f}."
            )
        return (
            f"{who}: {what} measured {code['value']:+.3f} ({ci} {code['ci_low']:+.3f} to "
            f"{code['ci_high']:+.3f}); configured maximum absolute gap {code['limit']:.2f}."
        )
    if lang == "nl":
        return (
            f"{who}: {what} gemeten {code['value']:.3f} tegenover '{code['reference']}' — verschil "
            f"{code['difference']:+.3f} ({ci} {code['diff_low']:+.3f} tot {code['diff_high']:+.3f}); "
            f"ingesteld maximaal verschil met de referentiegroep {code['limit']:.2f}."
        )
    return (
        f"{who}: {what} measured {code['value']:.3f} vs '{code['reference']}' — difference "
        f"{code['difference']:+.3f} ({ci} {code['diff_low']:+.3f} to {code['diff_high']:+.3f}); "
        f"configured maximum difference from the reference group {code['limit']:.2f}."
    )


def gate_summary(code: dict, lang: str = "nl") -> str:
    """The gate's verdict in one sentence, from its stored code."""
    kind = code.get("code")
    nl = lang == "nl"
    if kind == "not_auditable":
        n = code["min_group_size"]
        return (
            f"Niet te auditen op dit niveau (geen groep bereikt {n} plaatsen); gepromoveerd met deze "
            "vastgelegde reden."
            if nl
            else f"Not auditable at this level (no group reaches {n} places); promoted with this "
            "recorded reason."
        )
    if kind == "refused":
        return (
            f"{code['n']} van {code['of']} getoetste vergelijkingen liggen met hun hele "
            "betrouwbaarheidsinterval buiten de ingestelde grenzen."
            if nl
            else f"{code['n']} of {code['of']} gated comparisons lie beyond the configured limits with "
            "their whole confidence interval."
        )
    if kind == "allowed":
        return (
            f"Alle {code['of']} getoetste vergelijkingen liggen binnen de ingestelde grenzen of hun "
            "interval omvat de grens."
            if nl
            else f"All {code['of']} gated comparisons are within the configured limits or their "
            "interval includes the limit."
        )
    return str(code)


# -- column headers of the tables the app shows ------------------------------------------------
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "group": ("Groep", "Group"),
    "n_rows": ("Plaats-jaren", "Place-years"),
    "n_places": ("Plaatsen", "Places"),
    "audited": ("Geaudit", "Audited"),
    "value": ("Waarde", "Value"),
    "ci_low": ("Interval laag", "Interval low"),
    "ci_high": ("Interval hoog", "Interval high"),
    "reference": ("Referentiegroep", "Reference group"),
    "difference": ("Verschil", "Difference"),
    "diff_low": ("Verschil laag", "Difference low"),
    "diff_high": ("Verschil hoog", "Difference high"),
    "ratio": ("Verhouding", "Ratio"),
    "limit": ("Grens", "Limit"),
    "exceeds": ("Buiten grens", "Beyond limit"),
    "metric": ("Maat", "Metric"),
    "method": ("Methode", "Method"),
    "model": ("Model", "Model"),
    "test_year": ("Testjaar", "Test year"),
    "note": ("Opmerking", "Note"),
    "precision": ("Precisie", "Precision"),
    "recall": ("Bereik (recall)", "Recall"),
    "f1": ("F1", "F1"),
    "selection_rate": ("Aandeel gesignaleerd", "Selection rate"),
    "false_positive_rate": ("Vals-alarmpercentage", "False positive rate"),
    "precision_at_top": ("Precisie bovenaan de lijst", "Precision at the top"),
    "recall_at_top": ("Bereik bovenaan de lijst", "Recall at the top"),
    "precision_at_budget": ("Precisie binnen budget", "Precision within budget"),
    "recall_at_budget": ("Bereik binnen budget", "Recall within budget"),
    "calibration_gap": ("Kalibratieverschil", "Calibration gap"),
    "mean_predicted": ("Gemiddeld voorspeld", "Mean predicted"),
    "observed_rate": ("Waargenomen", "Observed"),
    "max_recall_difference": ("Grootste verschil in bereik", "Largest recall difference"),
    "max_fpr_difference": ("Grootste verschil vals alarm", "Largest FPR difference"),
    "roc_auc": ("AUC", "AUC"),
    "average_precision": ("Gemiddelde precisie (AP)", "Average precision (AP)"),
    "brier": ("Brier", "Brier"),
    "calibration_error": ("Kalibratiefout (ECE)", "Calibration error (ECE)"),
    "n_places_scored": ("Plaatsen", "Places"),
}


def column_label(column: str, lang: str = "nl") -> str:
    """The header of a table column in the reader's language (the raw name if none is known)."""
    words = COLUMN_LABELS.get(column)
    return column if words is None else words[0 if lang == "nl" else 1]


def labelled_columns(frame, lang: str = "nl"):
    """``frame`` with its column headers (and a named index) in the reader's language."""
    out = frame.rename(columns=lambda c: column_label(str(c), lang))
    if out.index.name:
        out.index.name = column_label(out.index.name, lang)
    return out
