"""Every user-facing word in Dutch (default) and English, in one catalogue.

The app, the CLI and the model card all take their words from here, so a figure such as the
minimum number of pupils is written once (it comes from :mod:`features.suppression`) and a
missing translation is a test failure rather than an English word on a Dutch page.
"""

from __future__ import annotations

from features.suppression import MIN_PUPILS

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
}


def t(key: str, lang: str = "nl") -> str:
    nl, en = TEXTS[key]
    return nl if lang == "nl" else en
