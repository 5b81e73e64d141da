"""Every user-facing word in Dutch (default) and English, in one catalogue.

The app, the CLI and the model card all take their words from here, so a figure such as the
minimum number of pupils is written once (it comes from :mod:`features.suppression`) and a
missing translation is a test failure rather than an English word on a Dutch page.
"""

from __future__ import annotations

from features.suppression import MIN_PUPILS, PRIMARY, SECONDARY
from models.bands import risk_band

"""The product's languages, Dutch first: every text below is a (Dutch, English) pair."""
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
"""Each language in its own words, for the toggle (readable whichever language is on)."""

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
    "pc4_areas": ("Postcodegebieden", "Postcode areas"),
    "schools": ("Scholen", "Schools"),
    "schools_show": (
        "Wat de scholen laten zien (gewogen naar leerlingen)",
        "What its schools show (pupil-weighted)",
    ),
    "schools_model": ("scholen, schoolmodel", "schools, school-level model"),
    "contribution_short": ("bijdrage", "contribution"),
    "page_title_prioritise": ("Prioriteren", "Prioritise"),
    "spread_group": ("Groep", "Group"),
    "spread_in_list": ("In de lijst", "In the list"),
    "spread_all": ("Alle plaatsen", "All places"),
    "too_few_to_audit": ("Te weinig plaatsen per groep om te auditen.", "Too few places per group to audit."),
    "bootstrap_interval": ("bootstrap-interval", "bootstrap interval"),
    "calibration_by_group": ("Kalibratie per groep", "Calibration by group"),
    "mitigation_heading": ("Mitigatie", "Mitigation"),
    "folder_scope": (
        "Alleen mappen binnen de datamap '{root}' (pad relatief daaraan).",
        "Only folders inside the data root '{root}' (path relative to it).",
    ),
    "folder_refused": ("Map geweigerd: ", "Folder refused: "),
    "n_problems": (
        "{n} probleem/problemen, {files} bestand(en) met fouten",
        "{n} problem(s), {files} file(s) with errors",
    ),
    "missing_files": ("Ontbreekt: ", "Missing: "),
    "skipped": ("Overgeslagen", "Skipped"),
    "not_recognised": ("Niet herkend: ", "Not recognised: "),
    "data_heading": ("Data", "Data"),
    "data_real": (
        "Echt: scholen en gemeenten (DUO-registers), CBS-context, achterstandsscores, gemeentegrenzen, "
        "de gemiddelde toetsscore per school in 2018-19 en VSV 2014-15 per VO-school.",
        "Real: schools and municipalities (DUO registers), CBS context, achterstandsscores, municipal "
        "boundaries, the 2018-19 mean test score per school and VSV 2014-15 per VO school.",
    ),
    "data_simulated": (
        "Gesimuleerd: leerlingen, adviezen, toetsuitslagen, heroverwegingen en VSV per jaar 2014-15 … "
        "2024-25 (features/synthetic), gekalibreerd op landelijke cijfers.",
        "Simulated: pupils, advices, test results, revisions and VSV per year 2014-15 … 2024-25 "
        "(features/synthetic), calibrated to national figures.",
    ),
    "data_user": (
        "Eigen bestanden van de gebruiker ({label}); niets gesimuleerd.",
        "The user's own files ({label}); nothing simulated.",
    ),
    "lb_signal": ("Signaal", "Signal"),
    "lb_only_this_signal": ("Alleen door dit signaal gevonden", "Found only by this signal"),
    "lb_emerging_alarm": ("Opkomend-alarm (jaar ervoor)", "Emerging alarm (year before)"),
    "median_of": ("{what} (mediaan)", "{what} (median)"),
    "no_card_in_language": (
        "Deze modelversie heeft geen Nederlandse modelkaart; hieronder de Engelse.",
        "This model version has no English model card; the Dutch one is offered below.",
    ),
    "choose_placeholder": ("Kies of typ een gemeente", "Choose or type a municipality"),
    "map_not_shown": ("niet getoond (< 10 leerlingen of verborgen)", "not shown (< 10 pupils or hidden)"),
}

# -- sentences the models write about a place (models/explain.py, models/lookback.py) -----------
SENTENCES: dict[str, tuple[str, str]] = {
    "no_clear_driver": ("geen duidelijke drijfveer", "no clear driver"),
    "what_under_advice": (
        "het aandeel leerlingen met een advies onder hun toetsniveau",
        "the share of pupils advised below their test level",
    ),
    "what_dropout": ("het aandeel voortijdig schoolverlaters", "the share of early school leavers"),
    "what_under_advice_attainment": (
        "het tekort aan havo/vwo-adviezen t.o.v. wat de referentieniveaus verwachten",
        "the shortfall of HAVO+ advices relative to what attainment predicts",
    ),
    "risen_three_years": ("{what} is drie jaar op rij gestegen", "{what} has risen three years in a row"),
    "rising": ("{what} stijgt", "{what} is rising"),
    "above_national": (
        "het ligt {gap} procentpunt boven het landelijke niveau",
        "it is {gap} percentage points above the national level",
    ),
    "below_national": (
        "het ligt {gap} procentpunt onder het landelijke niveau",
        "it is {gap} percentage points below the national level",
    ),
    "context_unchanged": (
        "terwijl de context (CBS-kerncijfers) niet veranderde",
        "while the context (CBS key figures) did not change",
    ),
    "too_little_history": (
        "Te weinig geschiedenis voor een samenvatting.",
        "Too little history for a summary.",
    ),
    "ordinary_place": (
        "Deze plaats lijkt op een gewone plaats; geen onderdeel springt eruit.",
        "This place resembles an ordinary place; no part stands out.",
    ),
    "and": (" en ", " and "),
    "raises_one": (
        "Vooral {parts} verhoogt het risico ten opzichte van een gewone plaats",
        "Mainly {parts} raises the risk compared with an ordinary place",
    ),
    "raises_many": (
        "Vooral {parts} verhogen het risico ten opzichte van een gewone plaats",
        "Mainly {parts} raise the risk compared with an ordinary place",
    ),
    "lowers_one": ("{parts} verlaagt het", "{parts} lowers it"),
    "lowers_many": ("{parts} verlagen het", "{parts} lower it"),
    "em_no_data": ("Geen gegevens voor dit jaar.", "No data for this year."),
    "em_no_history": (
        "{when}: te weinig eerdere jaren om een verwachting te maken.",
        "{when}: too few earlier years to form an expectation.",
    ),
    "em_hidden": (
        f"{{when}}: berust op minder dan {MIN_PUPILS} leerlingen; niet getoond.",
        f"{{when}}: rests on fewer than {MIN_PUPILS} pupils; not shown.",
    ),
    "em_observed": (
        "{when}: {rate} % waargenomen, {band} verwacht uit {span} en de landelijke verandering",
        "{when}: {rate} % observed, {band} expected from {span} and the national change",
    ),
    "em_run": ("; {n} jaar op rij boven verwachting", "; above expectation {n} years in a row"),
    "em_run_one": ("; dit jaar boven verwachting", "; above expectation this year"),
    "em_alarm": (" — opkomend.", " — emerging."),
    "em_no_alarm": (" — niet opkomend.", " — not emerging."),
    "two": ("twee", "two"),
    "three": ("drie", "three"),
    "four": ("vier", "four"),
    "lb_level": (
        "Van de {flagged} {places} gesignaleerd voor {year} waren er {hits} daadwerkelijk verhoogd; "
        "{missed} verhoogde {places} werden gemist.",
        "Of the {flagged} {places} flagged for {year}, {hits} were really elevated; {missed} elevated "
        "{places} were missed.",
    ),
    "lb_emerging": (
        "Van de {flagged} {places} met een opkomend-alarm in {alarm_year} waren er {hits} het jaar "
        "daarna ({year}) verhoogd; {only} daarvan had het verhoogd-signaal niet gegeven.",
        "Of the {flagged} {places} with an emerging alarm in {alarm_year}, {hits} were elevated the year "
        "after ({year}); the elevated signal had missed {only} of them.",
    ),
}
TEXTS.update(SENTENCES)

# -- the model card (models/report.py): whole sentences with {named} fields, Dutch first ----------
CARD_TEXTS: dict[str, tuple[str, str]] = {
    "card_title": ("kansenradar — modelkaart en fairness-audit", "kansenradar model card and fairness audit"),
    "card_subtitle": (
        "{name} versie {version} — {target} per {level}",
        "{name} version {version} — {target} per {level}",
    ),
    "card_run": ("MLflow-run {run_id} · gemaakt {generated}", "MLflow run {run_id} · generated {generated}"),
    "card_allowed": ("De fairness-poort staat promotie toe.", "The fairness gate allows promotion."),
    "card_refused": (
        "De fairness-poort weigert promotie tot champion.",
        "The fairness gate refuses promotion to champion.",
    ),
    "card_h_purpose": ("1. Doel en beoogd gebruik", "1. Purpose and intended use"),
    "card_purpose": (
        "kansenradar schat per plaats (school, postcodegebied, gemeente of RMC-regio) de kans dat "
        "het percentage onderadvisering (leerlingen met een schooladvies onder hun toetsadvies) of "
        "voortijdig schoolverlaten volgend schooljaar verhoogd is. Het is een vroegsignaal voor "
        "gemeentelijke analisten, schoolbesturen en beleidsteams om te kiezen waar zij eerst kijken. "
        "Het signaleert plaatsen, nooit personen: er gaan geen leerlinggegevens het model in of uit, "
        "en geen uitvoer toont een cijfer op minder dan {min_pupils} leerlingen.",
        "kansenradar estimates, for each place (school, postcode-4 area, gemeente or RMC region), the "
        "probability that its rate of under-advice (pupils whose school advice is below their test "
        "advice) or of early school leaving will be elevated next school year. It is an early-warning "
        "signal for municipal analysts, school boards and policy teams to decide where to look first. "
        "It flags places, never persons: no pupil-level data enter or leave the model, and no output "
        "shows a figure based on fewer than {min_pupils} pupils.",
    ),
    "card_not_for": (
        "Niet bedoeld voor: het beoordelen van individuele leraren of leerlingen, het automatisch "
        "toekennen of onthouden van geld, het openbaar rangschikken van scholen. Een signaal is een "
        "reden om te kijken, geen oordeel.",
        "Not intended for: judging individual teachers or pupils, allocating or withholding funding "
        "automatically, ranking schools publicly. A flag is a reason to look, not a verdict.",
    ),
    "card_h_data": ("2. Data en hun grenzen", "2. Data and its limits"),
    "card_data_simulated": (
        "[data: gesimuleerd · vingerafdruk {fingerprint}] Ingebouwde standaarddata: semi-synthetisch "
        "op een echt skelet. Scholen, gemeenten, hun CBS-context, achterstandsscores, de gemiddelde "
        "toetsscore per school in 2018-19 en de VSV-aantallen per VO-school in 2014-15 zijn echte "
        "openbare gegevens (de wereld reproduceert ze in die jaren); leerlingen, adviezen, "
        "heroverwegingen, toetsresultaten van andere jaren en voortijdig schoolverlaten 2014-15 … "
        "2024-25 zijn gesimuleerd (features/synthetic), afgestemd op gepubliceerde landelijke cijfers, "
        "met geplante opkomende hotspots om te controleren of de modellen ze vinden. De cijfers zeggen "
        "niets over deze plaatsen.",
        "[data: simulated · fingerprint {fingerprint}] Embedded default: semi-synthetic on a real "
        "skeleton. Schools, gemeenten, their CBS context, achterstandsscores, the 2018-19 mean test "
        "score per school and the 2014-15 VSV counts per VO school are real public data (the world "
        "reproduces them in those years); pupils, advices, revisions, other years' test results and "
        "early school leaving 2014-15 … 2024-25 are simulated (features/synthetic), calibrated to "
        "published national figures, with planted emerging hot spots to check the models find them. "
        "The figures say nothing about these places.",
    ),
    "card_data_user": (
        "[data: {label} · vingerafdruk {fingerprint}] Door de gebruiker aangeleverde DUO/CBS-bestanden.",
        "[data: {label} · fingerprint {fingerprint}] User-supplied DUO/CBS files.",
    ),
    "card_label": (
        "Label: verhoogd = de ondergrens van het empirisch-Bayes 90%-interval van het percentage van de "
        "plaats ligt boven het landelijke percentage van dat jaar. Indicatoren voor jaar t gebruiken "
        "alleen gegevens die voor jaren ≤ t gepubliceerd zijn. Validatie met rolling origin: trainen "
        "op jaren ≤ t−1, testen op t.",
        "Label: elevated = the lower bound of the empirical-Bayes 90 % interval of the place's rate "
        "lies above that year's national rate. Features for year t use only data published for years "
        "≤ t. Validation is rolling-origin: train on years ≤ t−1, test on t.",
    ),
    "card_features": ("Indicatoren ({n}): {names}.", "Features ({n}): {names}."),
    "card_h_accuracy": (
        "3. Nauwkeurigheid tegenover eenvoudige vergelijkers (achtergehouden jaren, gemiddeld)",
        "3. Accuracy against baselines (held-out years, mean over folds)",
    ),
    "card_calibration": (
        "Kalibratie: {method} (gekozen op achtergehouden jaren). Werkpunt: signaleren bij een "
        "gekalibreerd risico ≥ {threshold} (beste F1 buiten de trainingsdata).",
        "Calibration: {method} (chosen on held-out years). Operating point: flag when calibrated "
        "risk ≥ {threshold} (best F1 out of fold).",
    ),
    "card_h_per_year": (
        "Per achtergehouden jaar (kandidaat, gekalibreerd)",
        "Per held-out year (candidate, calibrated)",
    ),
    "card_h_fairness": ("4. Fairness tussen soorten plaatsen", "4. Fairness across kinds of places"),
    "card_fairness": (
        "Geaudit is het beleid dat de dienst uitvoert, op {n_rows} achtergehouden plaats-jaren waarvan "
        "de dienst het signaal toont en de uitkomst mag publiceren; {n_not_served} plaats-jaren zonder "
        "getoond signaal (minder dan 10 leerlingen of verborgen tegen aftrekken) en {n_outcome_hidden} "
        "met een verborgen uitkomstjaar zijn per groep geteld, niet beoordeeld. Risico en drempel zijn "
        "kruisgefit: elk jaar gekalibreerd en op een drempel gezet met de andere achtergehouden jaren. "
        "Intervallen: {confidence}%-bootstrap ({n_boot} trekkingen van plaatsen, met al hun jaren, "
        "binnen elke groep). Getoetste indelingen: {gated}; grenzen — verschil in bereik {max_recall}, "
        "verschil in vals-alarmpercentage {max_fpr}, absoluut kalibratieverschil {max_calib}. Een "
        "grens telt pas als overschreden wanneer het hele interval erbuiten ligt. Groepen met minder "
        "dan {min_group} plaatsen worden getoond, niet getoetst; het bereik van een groep met minder "
        "dan {min_positive} verhoogde plaatsen wordt niet beoordeeld (te weinig om te oordelen). De "
        "poort maakte {n_comparisons} vergelijkingen (auditregels versie {rules}).",
        "What is audited is the policy the service runs, on {n_rows} held-out place-years whose flag the "
        "service shows and whose outcome may be published; {n_not_served} place-years without a shown "
        "flag (fewer than 10 pupils, or hidden against differencing) and {n_outcome_hidden} with a "
        "hidden outcome year are counted per group, not judged. Risk and threshold are cross-fitted: "
        "each year is calibrated and thresholded with the other held-out years. Intervals: "
        "{confidence} % bootstrap ({n_boot} resamples of places, with all their years, within each "
        "group). Gated groupings: {gated}; limits — recall difference {max_recall}, "
        "false-positive-rate difference {max_fpr}, absolute calibration gap {max_calib}. A limit counts "
        "as exceeded only when the whole interval lies beyond it. Groups with fewer than {min_group} "
        "places are reported, not audited; the recall of a group with fewer than {min_positive} "
        "elevated places is not judged (too few to judge). The gate made {n_comparisons} comparisons "
        "(audit rules version {rules}).",
    ),
    "card_h_sizes": (
        "Groepsgrootten, basisfrequenties en positieven",
        "Group sizes, base rates and positives",
    ),
    "card_h_groups": ("Hoe de groepen zijn gemaakt", "How the groups are defined"),
    "card_groups": (
        "Elke geauditte rij krijgt één groep per indeling. Tertielen worden getrokken over alle "
        "gehouden plaats-jaren van deze versie, dus de grenzen verschillen per experiment; "
        "doorsneden (a × b) combineren twee indelingen.",
        "Every audited row gets one group per grouping. Tertiles are drawn over all held-out "
        "place-years of this version, so the cut points differ by experiment; intersections (a × b) "
        "combine two groupings.",
    ),
    "card_def_urbanity": (
        "CBS-stedelijkheid: 1–2 stedelijk, 3 matig stedelijk, 4–5 landelijk",
        "CBS urbanity: 1–2 urban, 3 moderately urban, 4–5 rural",
    ),
    "card_def_migration": (
        "aandeel inwoners met een niet-westerse migratieachtergrond (%), in tertielen",
        "share of residents with a non-western migration background (%), in tertiles",
    ),
    "card_def_income": (
        "aandeel huishoudens met een laag inkomen (%), in tertielen",
        "share of households with a low income (%), in tertiles",
    ),
    "card_def_province": ("provincie", "province"),
    "card_def_denomination": (
        "denominatie van de school (DUO), één spelling per denominatie",
        "the school's denomination (DUO), one spelling per denomination",
    ),
    "card_src_own": ("de plaats zelf ({level})", "the place itself ({level})"),
    "card_src_gemeente": ("de gemeente van de plaats (CBS)", "the place's municipality (CBS)"),
    "card_src_rmc": (
        "de gemeenten van de regio, gewogen naar inwoners",
        "the region's municipalities, weighted by population",
    ),
    "card_src_school": ("de school zelf (DUO-register)", "the school itself (DUO register)"),
    "card_cuts": (
        "laag ≤ {low} % < midden ≤ {high} % < hoog",
        "low ≤ {low} % < middle ≤ {high} % < high",
    ),
    "card_h_reliability": ("Betrouwbaarheid per groep", "Reliability per group"),
    "card_reliability": (
        "Gehouden gekalibreerd risico tegen het waargenomen aandeel verhoogd, in klassen van 10 "
        "procentpunt risico per groep; het getal bij een punt is het aantal plaats-jaren in die "
        "klasse (een klasse met weinig rijen is een onzeker punt). De diagonaal is perfecte "
        "kalibratie.",
        "Held-out calibrated risk against the observed share elevated, in bins of 10 percentage "
        "points of risk per group; the number beside a point is the place-years in that bin (a bin "
        "of few rows is an uncertain point). The diagonal is perfect calibration.",
    ),
    "card_plot_reliability": ("{grouping}: {group}", "{grouping}: {group}"),
    "card_reliability_table": ("Tabel per klasse", "Table per bin"),
    "card_no_groups": ("Geen groepen.", "No groups."),
    "card_audited": ("geaudit", "audited"),
    "card_too_small": ("te klein (< {min_group} plaatsen)", "too small (< {min_group} places)"),
    "card_h_mitigation": ("5. Mitigatie vergeleken", "5. Mitigation compared"),
    "card_mitigation": (
        "Elke rij is een model dat dit experiment echt trainde (herweging naar {reweighed_by} samen, "
        "zoals de mitigatieladder het registreert), beoordeeld op de getoonde plaats-jaren van "
        "achtergehouden jaar {year}, met kruisgefit risico en drempel; verschillen tussen groepen "
        "naar {grouping}; tussen haakjes het {confidence}%-interval (trekkingen van plaatsen). De "
        "drempels per groep van fairlearn (ThresholdOptimizer) staan er ter vergelijking bij en worden "
        "nooit geregistreerd.",
        "Each row is a model this experiment really trained (reweighing by {reweighed_by} jointly, as "
        "the mitigation ladder registers it), judged on the shown place-years of held-out year "
        "{year}, with cross-fitted risk and threshold; differences between groups by {grouping}; in "
        "brackets the {confidence} % interval (resampling places). fairlearn's per-group thresholds "
        "(ThresholdOptimizer) are shown for comparison and never registered.",
    ),
    "card_h_history": ("Versiegeschiedenis van dit experiment", "Version history of this experiment"),
    "card_history_none": ("Dit is de eerste versie.", "This is the first version."),
    "card_rules": ("auditregels v{rules}", "audit rules v{rules}"),
    "card_recall_too_few": (
        "geaudit; bereik niet beoordeeld (< {min_positive} verhoogde plaatsen)",
        "audited; recall not judged (< {min_positive} elevated places)",
    ),
    "card_h_limits": ("6. Bekende beperkingen", "6. Known limitations"),
    "card_limit_context": (
        "Context komt uit enkele peiljaren (SES-WOA 2021 en 2022, CBS-kerncijfers per PC4 2023 en "
        "2024, gemeentekerncijfers 2021). Een jaar gebruikt het laatste peiljaar dat toen bekend was; "
        "jaren vóór het eerste peiljaar gebruiken dat eerste (aangeduid als 'context later bekend').",
        "Context comes from a few reference years (SES-WOA 2021 and 2022, CBS kerncijfers per PC4 2023 "
        "and 2024, gemeente kerncijfers 2021). A year uses the latest reference year known then; years "
        "before the first use that first one (marked 'context known later').",
    ),
    "card_limit_small": (
        "Onderdrukte gepubliceerde cellen (<5) worden geschat op 2,5 leerlingen; percentages van "
        "kleine scholen zijn daardoor onzeker, wat het empirisch-Bayes-interval weergeeft.",
        "Suppressed published cells (<5) are estimated as 2.5 pupils; small schools' rates are "
        "therefore uncertain, which the empirical-Bayes interval reflects.",
    ),
    "card_limit_regime": (
        "De regimewissel van 2023-24 (doorstroomtoets, verplichte heroverweging) geeft maar twee jaar "
        "van het nieuwe regime; de modellen zien hem als expliciete indicator.",
        "The 2023-24 regime change (doorstroomtoets, mandatory revision) gives only two years of the "
        "new regime; models see it as an explicit indicator.",
    ),
    "card_limit_places": (
        "Fairness is getoetst voor soorten plaatsen, niet voor leerlingen; gelijkheid tussen plaatsen "
        "bewijst geen eerlijkheid voor individuele leerlingen.",
        "Fairness is audited for kinds of places, not for pupils; place-level parity does not prove "
        "pupil-level fairness.",
    ),
    "card_h_use": ("7. Beoogd gebruik en misbruik", "7. Intended use and misuse"),
    "card_use_intended": (
        "Beoogd gebruik: een gemeentelijk analist, schoolbestuur of regioteam kiest met de signalen "
        "waar het eerst gaat kijken en praten; de lijst is een begin van onderzoek, samen met wie de "
        "plaats kent. Onderzoekers gebruiken de auditdataset om de fairness van elke versie na te "
        "rekenen en op eigen indelingen te toetsen.",
        "Intended use: a municipal analyst, school board or regional team uses the flags to choose "
        "where to look and talk first; the list starts an inquiry, together with the people who know "
        "the place. Researchers use the audit dataset to recompute each version's fairness and test "
        "it on groupings of their own.",
    ),
    "card_misuse_people": (
        "Misbruik: conclusies trekken over individuele leerlingen, ouders of leraren — het model ziet "
        "geen personen en zegt niets over hen.",
        "Misuse: drawing conclusions about individual pupils, parents or teachers — the model sees no "
        "persons and says nothing about them.",
    ),
    "card_misuse_sanction": (
        "Misbruik: een signaal gebruiken als bewijs, als grond voor sancties, toezichtsoordelen, "
        "bekostiging of het inhouden ervan, zonder eigen onderzoek ter plaatse.",
        "Misuse: using a flag as evidence, or as grounds for sanctions, inspection verdicts, funding or "
        "withholding it, without an inquiry on the spot.",
    ),
    "card_misuse_ranking": (
        "Misbruik: openbare ranglijsten van scholen of wijken, of een signaal doorgeven zonder het "
        "interval, de datum en de herkomst van de data.",
        "Misuse: public rankings of schools or neighbourhoods, or passing a flag on without its "
        "interval, its date and the origin of the data.",
    ),
    "card_misuse_elsewhere": (
        "Misbruik: het model toepassen op een ander niveau, doel of andere data dan waarop het is "
        "getraind en geaudit.",
        "Misuse: applying the model at another level, for another purpose or to other data than it "
        "was trained and audited on.",
    ),
    "card_h_ethics": ("8. Ethische overwegingen", "8. Ethical considerations"),
    "card_ethics_places": (
        "Plaatsen, nooit personen: er gaan geen leerlinggegevens in of uit; elk getoond cijfer berust "
        "op minstens {min_pupils} leerlingen en cellen die terug te rekenen zijn, worden verborgen.",
        "Places, never persons: no pupil-level data go in or out; every figure shown rests on at least "
        "{min_pupils} pupils, and cells that could be recovered by subtraction are hidden.",
    ),
    "card_ethics_stigma": (
        "Een signaal kan een plaats stigmatiseren. Daarom weegt de poort het aandeel onterecht "
        "gesignaleerde plaatsen per soort plaats mee, en wordt een signaal in woorden en met interval "
        "getoond, nooit als oordeel.",
        "A flag can stigmatise a place. The gate therefore weighs the share of places flagged wrongly "
        "per kind of place, and a flag is shown in words and with its interval, never as a verdict.",
    ),
    "card_ethics_missed": (
        "Een gemiste plaats krijgt geen aandacht: daarom toetst de poort het bereik per soort plaats, "
        "en zegt de kaart waar te weinig verhoogde plaatsen zijn om dat te beoordelen.",
        "A missed place gets no attention: the gate therefore audits recall per kind of place, and the "
        "card says where there are too few elevated places to judge it.",
    ),
    "card_ethics_context": (
        "Context (stedelijkheid, migratieachtergrond, inkomen) is een kenmerk van de omgeving, geen "
        "oorzaak; de uitleg per plaats noemt wat een signaal drijft, zodat het niet alleen op "
        "samenstelling rust zonder dat iemand het ziet.",
        "Context (urbanity, migration background, income) describes surroundings, not a cause; each "
        "place's explanation names what drives its flag, so a flag cannot rest on composition alone "
        "unnoticed.",
    ),
    "card_h_reproduce": ("9. Reproduceren", "9. Reproducing this version"),
    "card_reproduce": (
        "Deze versie is gemaakt met de onderstaande instellingen; het commando herhaalt de training "
        "op dezelfde data (de vingerafdrukken moeten gelijk zijn). De auditdataset haalt u met "
        "`kansenradar audit -t {target} -l {level} --version {version} --export audit_rows.parquet`; "
        "docs/audit_workbench.ipynb rekent de audit daaruit na.",
        "This version was made with the settings below; the command repeats the training on the same "
        "data (the fingerprints must match). Get the audit dataset with "
        "`kansenradar audit -t {target} -l {level} --version {version} --export audit_rows.parquet`; "
        "docs/audit_workbench.ipynb recomputes the audit from it.",
    ),
    "card_repro_command": ("Commando", "Command"),
    "card_repro_commit": ("Broncode (git-commit)", "Source code (git commit)"),
    "card_repro_seed": ("Seed", "Seed"),
    "card_repro_fingerprint": (
        "Vingerafdruk data-map / featuretabel",
        "Fingerprint of the data folder / feature table",
    ),
    "card_repro_packages": ("Pakketversies", "Package versions"),
    "card_repro_hyper": ("Hyperparameters ({kind})", "Hyper-parameters ({kind})"),
    "card_repro_no_hyper": ("standaardwaarden", "defaults"),
    "card_h_register": (
        "10. Registervermelding (DPIA / EU AI-verordening)",
        "10. Register entry (DPIA / EU AI Act)",
    ),
    "card_reg_purpose_t": ("Beoogd doel", "Intended purpose"),
    "card_reg_purpose": (
        "Vroegsignalering van verhoogde onderadvisering / voortijdig schoolverlaten per plaats, om "
        "aandacht en ondersteuning te prioriteren.",
        "Early warning of elevated under-advice / early school leaving per place, for prioritising "
        "attention and support.",
    ),
    "card_reg_risk_t": ("Risicoclassificatie", "Risk classification note"),
    "card_reg_risk": (
        "Bepaalt geen toegang, toelating of beoordeling van natuurlijke personen; de uitvoer betreft "
        "plaatsen. Een DPIA blijft aangeraden, omdat de invoer kleine groepen beschrijft.",
        "Does not determine access, admission or assessment of natural persons; outputs concern "
        "places. A DPIA is still advised because inputs describe small groups.",
    ),
    "card_reg_oversight_t": ("Menselijk toezicht", "Human oversight"),
    "card_reg_oversight": (
        "Analisten bekijken elk signaal met zijn uitleg, verloop en interval voordat zij handelen; "
        "promotie van een model vraagt de fairness-poort of een vastgelegde, beredeneerde overrule.",
        "Analysts review each flag with its explanation, history and interval before acting; "
        "promotion of a model requires the fairness gate or a recorded, reasoned override.",
    ),
    "card_reg_data_t": ("Databeheer", "Data governance"),
    "card_reg_data": (
        "Alleen openbare geaggregeerde DUO/CBS-data; onthullingscontrole op elke uitvoer: geen cijfer "
        "op minder dan {min_pupils} leerlingen, secundaire onderdrukking over alle niveaus zodat geen "
        "verborgen cijfer door aftrekken te herleiden is (gecontroleerd met lineair programmeren); "
        "vingerafdruk van de data bij elke run vastgelegd.",
        "Public aggregated DUO/CBS open data only; disclosure control on every output: no figure on "
        "fewer than {min_pupils} pupils, secondary suppression across all levels so that no hidden "
        "figure can be recovered by subtraction (audited by linear programming); data fingerprint "
        "logged with each run.",
    ),
    "card_reg_accuracy_t": ("Nauwkeurigheid", "Accuracy"),
    "card_reg_accuracy": (
        "Zie onderdeel 3 (achtergehouden jaren, vergeleken met persistentie, alleen-context en "
        "logistische vergelijkers).",
        "See section 3 (held-out years, compared with persistence, context-only and logistic baselines).",
    ),
    "card_reg_robust_t": ("Robuustheid", "Robustness"),
    "card_reg_robust": (
        "Rolling-origin-validatie over {n_folds} jaren; kalibratie per groep gecontroleerd (onderdeel "
        "4); invoercontrole met plaatsbepaalde fouten; deterministische training.",
        "Rolling-origin validation over {n_folds} years; calibration checked per group (section 4); "
        "input validation with located errors; deterministic training.",
    ),
    "card_reg_model_t": ("Model", "Model"),
    "card_reg_model": ("{name} v{version}, MLflow-run {run_id}.", "{name} v{version}, MLflow run {run_id}."),
    "card_plot_interval": (
        "{grouping} — punt en {confidence}%-bootstrapinterval (stippellijn: referentiegroep)",
        "{grouping} — point and {confidence}% bootstrap interval (dotted: reference group)",
    ),
    "card_plot_predicted": ("gemiddeld voorspeld risico", "mean predicted risk"),
    "card_plot_observed": ("waargenomen aandeel verhoogd", "observed share elevated"),
    "card_plot_calibration": ("Kalibratie per {grouping}", "Calibration by {grouping}"),
    "card_plot_tradeoff_x": (
        "grootste verschil in bereik tussen groepen (lager = eerlijker)",
        "largest recall difference between groups (lower = fairer)",
    ),
    "card_plot_tradeoff_y": (
        "F1 van de signalen (hoger = nauwkeuriger)",
        "F1 of the flags (higher = more accurate)",
    ),
    "card_plot_tradeoff": (
        "Afweging bij mitigatie (laatste achtergehouden jaar)",
        "Mitigation trade-off (last held-out year)",
    ),
}
TEXTS.update(CARD_TEXTS)

LEVEL_PLURALS: dict[str, tuple[str, str]] = {
    "school": ("scholen", "schools"),
    "pc4": ("postcodegebieden", "postcode areas"),
    "gemeente": ("gemeenten", "municipalities"),
    "rmc": ("RMC-regio's", "RMC regions"),
}


TARGET_LABELS: dict[str, tuple[str, str]] = {
    "under_advice": ("Onderadvisering", "Under-advice"),
    "under_advice_attainment": (
        "Onderadvisering t.o.v. referentieniveaus",
        "Under-advice relative to attainment",
    ),
    "dropout": ("Voortijdig schoolverlaten", "Early school leaving"),
}
LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "school": ("School", "School"),
    "pc4": ("Postcodegebied (PC4)", "Postcode area (PC4)"),
    "gemeente": ("Gemeente", "Municipality"),
    "rmc": ("RMC-regio", "RMC region"),
}
GROUPING_LABELS: dict[str, tuple[str, str]] = {
    "urbanity": ("Stedelijkheid", "Urbanity"),
    "migration": ("Migratieachtergrond (tertiel)", "Migration background (tertile)"),
    "income": ("Laag inkomen (tertiel)", "Low income (tertile)"),
    "province": ("Provincie", "Province"),
    "denomination": ("Denominatie", "Denomination"),
}
GROUP_WORDS: dict[str, tuple[str, str]] = {
    "stedelijk": ("stedelijk", "urban"),
    "matig stedelijk": ("matig stedelijk", "moderately urban"),
    "landelijk": ("landelijk", "rural"),
    "laag": ("laag", "low"),
    "midden": ("midden", "middle"),
    "hoog": ("hoog", "high"),
}
"""The groups the audit names by Dutch codes; provinces and denominations are names."""
CONCEPT_LABELS: dict[str, tuple[str, str]] = {
    "own_level": ("Eigen niveau", "Own level"),
    "development": ("Ontwikkeling", "Development"),
    "context": ("Context", "Context"),
    "size_uncertainty": ("Omvang en onzekerheid", "Size and uncertainty"),
    "test_regime": ("Toetsregime", "Test regime"),
}
HIDDEN_LABELS: dict[str, tuple[str, str]] = {PRIMARY: ("<10", "<10"), SECONDARY: ("verborgen", "hidden")}
"""What a hidden cell says instead of its figures, per disclosure status."""


def pick(pair: tuple[str, str], lang: str = "nl") -> str:
    """The reader's word from a (Dutch, English) pair kept elsewhere (labels of targets, levels …)."""
    return pair[0] if lang == "nl" else pair[1]


def t(key: str, lang: str = "nl", **fields: object) -> str:
    """The catalogue's text for ``key`` in ``lang``, with its ``{named}`` fields filled in."""
    text = pick(TEXTS[key], lang)
    return text.format(**fields) if fields else text


def grouping_label(grouping: str, lang: str = "nl") -> str:
    """A grouping (or an intersection ``a×b``) in the reader's language."""
    if "×" in grouping:
        return " × ".join(grouping_label(g, lang) for g in grouping.split("×"))
    return pick(GROUPING_LABELS.get(grouping, (grouping, grouping)), lang)


def group_label(group: object, lang: str = "nl") -> str:
    """A group (or an intersection 'a × b') in the reader's language."""
    return " × ".join(pick(GROUP_WORDS.get(part, (part, part)), lang) for part in str(group).split(" × "))


def hidden_label(status: str, lang: str = "nl") -> str | None:
    """What a hidden cell says instead of its figures: ``"<10"`` or ``"verborgen"``/``"hidden"``."""
    words = HIDDEN_LABELS.get(status)
    return None if words is None else pick(words, lang)


def format_number(value: float, lang: str = "nl", digits: int = 0) -> str:
    """A number written the reader's way: 1.234,5 in Dutch, 1,234.5 in English."""
    text = f"{value:,.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "nl" else text


# -- risk in words --------------------------------------------------------------------------
# A one-year-ahead risk is never certain: the app never prints 0 % or 100 %, and puts a band in
# words beside the number (the thresholds are policy: models/bands.py).
BAND_WORDS: dict[str, tuple[str, str]] = {
    "low": ("laag", "low"),
    "medium": ("gemiddeld", "medium"),
    "high": ("hoog", "high"),
    "very_high": ("zeer hoog", "very high"),
}


def band_word(risk: float, lang: str = "nl") -> str:
    band = risk_band(risk)
    return "–" if band is None else pick(BAND_WORDS[band], lang)


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
    who = f"{grouping_label(code['grouping'], lang)} = '{group_label(code['group'], lang)}'"
    reference = group_label(code.get("reference", ""), lang)
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
            f"{who}: {what} gemeten {code['value']:.3f} tegenover '{reference}' — verschil "
            f"{code['difference']:+.3f} ({ci} {code['diff_low']:+.3f} tot {code['diff_high']:+.3f}); "
            f"ingesteld maximaal verschil met de referentiegroep {code['limit']:.2f}."
        )
    return (
        f"{who}: {what} measured {code['value']:.3f} vs '{reference}' — difference "
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
    if kind == "not_audited":
        return (
            "Deze versie is niet geaudit: er is geen fairness-audit vastgelegd."
            if nl
            else "This version is not audited: it has no recorded fairness audit."
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


def gate_words(decision: object, lang: str = "nl") -> tuple[str, list[str]]:
    """A :class:`models.audit.GateDecision`'s summary and reasons in words (duck-typed: any
    object with ``summary_code`` and ``codes``)."""
    summary_code = getattr(decision, "summary_code", {}) or {}
    codes = getattr(decision, "codes", ()) or ()
    return gate_summary(summary_code, lang), [gate_reason(c, lang) for c in codes]


# -- column headers of the tables the app shows ------------------------------------------------
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "group": ("Groep", "Group"),
    "base_rate": ("Basisfrequentie (aandeel verhoogd)", "Base rate (share elevated)"),
    "n_flagged": ("Gesignaleerde plaats-jaren", "Flagged place-years"),
    "definition": ("Definitie", "Definition"),
    "source": ("Gemeten bij", "Measured at"),
    "cuts": ("Grenzen", "Cut points"),
    "risk_bin": ("Risicoklasse", "Risk bin"),
    "parameter": ("Parameter", "Parameter"),
    "grouping": ("Indeling", "Grouping"),
    "status": ("Status", "Status"),
    "n_rows": ("Plaats-jaren", "Place-years"),
    "n_places": ("Plaatsen", "Places"),
    "n_positive_places": ("Verhoogde plaatsen", "Elevated places"),
    "n_positive_rows": ("Verhoogde plaats-jaren", "Elevated place-years"),
    "n_not_served": ("Niet getoond", "Not served"),
    "n_outcome_hidden": ("Uitkomst verborgen", "Outcome hidden"),
    "judged": ("Beoordeeld", "Judged"),
    "this_version": ("Deze versie", "This version"),
    "version": ("Versie", "Version"),
    "gate_allowed": ("Poort staat toe", "Gate allows"),
    "promoted": ("Gepromoveerd", "Promoted"),
    "reasons": ("Redenen", "Reasons"),
    "rules": ("Auditregels", "Audit rules"),
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
    "prevalence": ("Aandeel verhoogd", "Prevalence"),
    "signal": ("Signaal", "Signal"),
    "planted_recall_1y": ("Gevonden binnen 1 jaar", "Found within 1 year"),
    "planted_recall_2y": ("Gevonden binnen 2 jaar", "Found within 2 years"),
    "planted_recall_3y": ("Gevonden binnen 3 jaar", "Found within 3 years"),
    "top_planted_recall_2y": ("Bovenaan binnen 2 jaar", "At the top within 2 years"),
    "median_detection_delay": ("Mediane vertraging (jaar)", "Median delay (years)"),
    "false_alarm_rate": ("Vals-alarmpercentage (gescoorde plaatsen)", "False alarm rate (scored places)"),
    "not_scored_share": ("Niet gescoord (te korte reeks)", "Not scored (too little history)"),
    "oracle_recall_2y": ("Grens: orakel binnen 2 jaar", "Limit: oracle within 2 years"),
    "alarm_precision": ("Precisie van alarmen", "Alarm precision"),
    "indicator": ("Indicator", "Indicator"),
}

# -- values that are codes in the tables: model kinds, methods, signals, yes/no ------------------
VALUE_LABELS: dict[str, tuple[str, str]] = {
    "persistence": ("persistentie (vorig jaar)", "persistence (last year)"),
    "context_only": ("alleen context", "context only"),
    "logistic": ("logistische regressie", "logistic regression"),
    "lightgbm": ("LightGBM", "LightGBM"),
    "detector": ("detector (eigen verleden)", "detector (own past)"),
    "elevated": ("verhoogd", "elevated"),
    "emerging": ("opkomend", "emerging"),
    "none": ("geen", "none"),
    "unmitigated": ("zonder mitigatie", "unmitigated"),
    "threshold_optimizer": (
        "fairlearn-drempels per groep (gelijk bereik), ter vergelijking",
        "fairlearn thresholds per group (equal recall), for comparison",
    ),
    "reweighing": ("herweging", "reweighing"),
    "reweighing+group_thresholds": ("herweging + drempels per groep", "reweighing + thresholds per group"),
    "isotonic": ("isotone regressie", "isotonic regression"),
    "platt": ("Platt-schaling", "Platt scaling"),
    "True": ("ja", "yes"),
    "False": ("nee", "no"),
}


def value_label(value: object, lang: str = "nl") -> str:
    """A code in a table cell in words (a model kind, a method, yes/no); other values as they are."""
    text = str(value)
    if text.endswith("+reweighing"):  # a candidate retrained with reweighing: "lightgbm+reweighing"
        return f"{value_label(text.removesuffix('+reweighing'), lang)} + {value_label('reweighing', lang)}"
    words = VALUE_LABELS.get(text)
    return text if words is None else pick(words, lang)


def labelled_values(frame, columns, lang: str = "nl"):
    """``frame`` with the code cells of ``columns`` in words (missing columns are skipped)."""
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = out[column].map(lambda v: v if v != v else value_label(v, lang))
    return out


def codes_in_words(frame, lang: str = "nl"):
    """Audit-style tables with their codes in words: groups, groupings, metrics, methods, yes/no.

    The one place the app's tables and the model card turn stored codes into the reader's words.
    """
    out = frame.copy()
    for column in ("group", "reference"):
        if column in out:
            out[column] = out[column].map(lambda g: group_label(g, lang))
    if "grouping" in out:
        out["grouping"] = out["grouping"].map(lambda g: grouping_label(g, lang))
    if "metric" in out:
        out["metric"] = out["metric"].map(lambda m: column_label(m, lang))
    for column in ("exceeds", "audited", "recall_judged", "judged", "this_version"):
        if column in out:
            out[column] = out[column].map(lambda v: v if v != v else value_label(bool(v), lang))
    if out.index.name == "group":
        out.index = out.index.map(lambda g: group_label(g, lang))
    return labelled_values(out, ["method", "model", "signal"], lang)


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


# -- the gemeente brief (models/brief.py, models/templates/brief.html.j2), Dutch first ------------
BRIEF_TEXTS: dict[str, tuple[str, str]] = {
    "brief_title": ("Gemeentebrief kansenradar", "kansenradar municipality brief"),
    "brief_subtitle": ("{name} ({code}) — signalen voor {year}", "{name} ({code}) — signals for {year}"),
    "brief_made": (
        "Gemaakt op {date} · data: {origin} · vingerafdruk {fingerprint}",
        "Made on {date} · data: {origin} · fingerprint {fingerprint}",
    ),
    "brief_merged": (
        "De gevraagde gemeentecode {old} bestaat niet meer: die gemeente is opgegaan in {name} ({code}). "
        "Deze brief gaat over {name}.",
        "The municipality code {old} asked for no longer exists: that municipality merged into {name} "
        "({code}). This brief is about {name}.",
    ),
    "brief_purpose": (
        "Deze brief zet de signalen van kansenradar voor één gemeente op een rij, als basis voor het "
        "gesprek met de wethouder, de schoolbesturen en het regioteam. kansenradar signaleert plaatsen, "
        "nooit personen; elk cijfer berust op minstens {min_pupils} leerlingen.",
        "This brief sets out kansenradar's signals for one municipality, as the basis for the "
        "conversation with the alderman, the school boards and the regional team. kansenradar flags "
        "places, never persons; every figure rests on at least {min_pupils} pupils.",
    ),
    "brief_two_signals": (
        "Elke plaats heeft twee signalen. Verhoogd: de gekalibreerde kans dat het niveau volgend "
        "schooljaar verhoogd is (hoger dan landelijk, ook na correctie voor toeval). Opkomend: dit jaar "
        "hoger dan de eigen voorgaande jaren en de landelijke verandering doen verwachten.",
        "Every place carries two signals. Elevated: the calibrated chance that its level is elevated "
        "next school year (above the national level, also after allowing for chance). Emerging: this "
        "year higher than its own earlier years and the national change lead us to expect.",
    ),
    "brief_h_summary": ("Samenvatting", "Summary"),
    "brief_elevated": (
        "Verhoogd — kans op een verhoogd niveau in {year}: {risk} (interval {low}–{high}), "
        "risiconiveau {band}; {flag}.",
        "Elevated — chance of an elevated level in {year}: {risk} (interval {low}–{high}), risk band "
        "{band}; {flag}.",
    ),
    "brief_flagged": ("gesignaleerd", "flagged"),
    "brief_not_flagged": ("niet gesignaleerd", "not flagged"),
    "brief_elevated_hidden": (
        "Verhoogd — niet getoond ({label}): het cijfer zou op te weinig leerlingen berusten.",
        "Elevated — not shown ({label}): the figure would rest on too few pupils.",
    ),
    "brief_driver": ("Belangrijkste drijfveer: {driver}.", "Main driver: {driver}."),
    "brief_emerging_none": (
        "Opkomend — geen detector voor dit onderwerp in deze modelversie.",
        "Emerging — no detector for this subject in this model version.",
    ),
    "brief_emerging_prefix": ("Opkomend — ", "Emerging — "),
    "brief_no_champion": (
        "Er is geen goedgekeurd model (champion) voor {target} per {level}: de fairness-poort liet "
        "geen versie door, of er is nog niet getraind. Daarom staat hier geen verhoogd-signaal.",
        "There is no approved model (champion) for {target} per {level}: the fairness gate let no "
        "version through, or none has been trained yet. So no elevated signal is given here.",
    ),
    "brief_no_data": (
        "Geen gegevens voor {target} per {level} in deze run.",
        "No data for {target} per {level} in this run.",
    ),
    "brief_not_in_table": (
        "{name} komt niet voor in de gepubliceerde tabel voor {target}.",
        "{name} does not appear in the published table for {target}.",
    ),
    "brief_h_history": ("Verloop en verandering", "History and change"),
    "brief_chart_history": (
        "{target} — {what}, per schooljaar (gecorrigeerd, %)",
        "{target} — {what}, per school year (shrunken, %)",
    ),
    "brief_line_national": ("landelijk", "national"),
    "brief_band": ("90%-interval", "90% interval"),
    "brief_mark_elevated": ("verhoogd dat jaar", "elevated that year"),
    "brief_mark_not_elevated": ("niet verhoogd", "not elevated"),
    "brief_history_gap": (
        "Jaren zonder punt zijn niet getoond (minder dan {min_pupils} leerlingen of verborgen).",
        "Years without a point are not shown (fewer than {min_pupils} pupils or hidden).",
    ),
    "brief_h_change": ("Wat veranderde sinds {year}", "What changed since {year}"),
    "brief_change_rate": ("Niveau in % (gecorrigeerd, 90%-interval)", "Level in % (shrunken, 90% interval)"),
    "brief_change_observed": ("Waargenomen verhoogd", "Observed elevated"),
    "brief_change_level": ("Verhoogd-signaal voor het jaar erna", "Elevated signal for the year after"),
    "brief_change_emerging": ("Opkomend-signaal", "Emerging signal"),
    "brief_change_note": (
        "Het verhoogd-signaal van {year} is het signaal dat het model toen had gegeven, getraind op de "
        "jaren daarvoor (terugblik).",
        "The elevated signal of {year} is the one the model would have given then, trained on the years "
        "before (look-back).",
    ),
    "brief_yes": ("ja", "yes"),
    "brief_no": ("nee", "no"),
    "brief_not_shown": ("niet getoond", "not shown"),
    "brief_h_places": ("Postcodegebieden en scholen", "Postcode areas and schools"),
    "brief_places_intro": (
        "Gerangschikt op het verhoogd-signaal (hoogste kans eerst), met het opkomend-signaal en de "
        "belangrijkste drijfveer in woorden.",
        "Ranked on the elevated signal (highest chance first), with the emerging signal and the main "
        "driver in words.",
    ),
    "brief_places_hidden": (
        "{n} {places} niet in deze lijst: {n_small} met minder dan {min_pupils} leerlingen en {n_hidden} "
        "verborgen zodat geen cijfer terug te rekenen is.",
        "{n} {places} not in this list: {n_small} with fewer than {min_pupils} pupils and {n_hidden} "
        "hidden so that no figure can be worked back.",
    ),
    "brief_places_none": (
        "Geen {places} met cijfers die getoond mogen worden.",
        "No {places} with figures that may be shown.",
    ),
    "brief_places_heading": ("{target} — {places}", "{target} — {places}"),
    "brief_h_peers": (
        "Naast vergelijkbare gemeenten en het landelijke beeld",
        "Beside similar municipalities and the national picture",
    ),
    "brief_peers_intro": (
        "De {k} gemeenten met de meest gelijke context (CBS-kerncijfers: inkomen, opleiding, "
        "migratieachtergrond, stedelijkheid): {names}.",
        "The {k} municipalities with the most similar context (CBS key figures: income, education, "
        "migration background, urbanity): {names}.",
    ),
    "brief_strip_title": (
        "{target} — {what}, {year}, alle gemeenten (gecorrigeerd, %)",
        "{target} — {what}, {year}, all municipalities (shrunken, %)",
    ),
    "brief_strip_all": ("alle gemeenten", "all municipalities"),
    "brief_strip_peers": ("vergelijkbare gemeenten", "similar municipalities"),
    "brief_national": (
        "Landelijk {year}: {rate} %. Van de {n} getoonde gemeenten hebben er {flagged} een "
        "verhoogd-signaal voor {next} en zijn er {emerging} opkomend.",
        "National {year}: {rate} %. Of the {n} municipalities shown, {flagged} have an elevated signal "
        "for {next} and {emerging} are emerging.",
    ),
    "brief_col_indicator": ("Indicator", "Indicator"),
    "brief_col_peers": ("Vergelijkbare gemeenten (mediaan)", "Similar municipalities (median)"),
    "brief_col_national": ("Alle gemeenten (mediaan)", "All municipalities (median)"),
    "brief_risk_next": ("Kans op verhoogd niveau volgend jaar", "Chance of an elevated level next year"),
    "brief_h_lookback": (
        "Terugblik: hoe eerdere signalen uitpakten",
        "Look-back: how earlier signals turned out",
    ),
    "brief_lookback_level": (
        "Verhoogd-signaal: in {flagged} van de {years} terugblikjaren gegeven; {hits} daarvan was het jaar "
        "erna werkelijk verhoogd. {missed} keer was {name} verhoogd zonder dat het signaal was gegeven.",
        "Elevated signal: given in {flagged} of the {years} look-back years; {hits} of those were really "
        "elevated the year after. {missed} times {name} was elevated without the signal having been given.",
    ),
    "brief_lookback_emerging": (
        "Opkomend-signaal: {flagged} alarm(en) in de terugblikjaren; {hits} daarvan was het jaar erna "
        "verhoogd.",
        "Emerging signal: {flagged} alarm(s) in the look-back years; {hits} of those were elevated the "
        "year after.",
    ),
    "brief_lookback_none": (
        "Geen terugblik: het model kende deze gemeente in geen enkel getoetst jaar met publiceerbare "
        "cijfers.",
        "No look-back: the model saw this municipality in no tested year with publishable figures.",
    ),
    "brief_h_limits": ("Wat de signalen niet kunnen zeggen", "What the signals cannot say"),
    "brief_limit_places": (
        "Het gaat om plaatsen, nooit om personen: geen enkel cijfer zegt iets over een leerling, een "
        "ouder of een leerkracht.",
        "These are places, never persons: no figure says anything about a pupil, a parent or a teacher.",
    ),
    "brief_limit_alarm": (
        "Een signaal of alarm is een reden om te kijken, geen bevinding: het zegt niet dat er iets "
        "misgaat, en ook niet waarom. Het gesprek met de scholen geeft de uitleg.",
        "A flag or alarm is a reason to look, not a finding: it does not say that something is going "
        "wrong, nor why. The conversation with the schools gives the explanation.",
    ),
    "brief_limit_chance": (
        "Een kans is geen zekerheid: van de plaatsen met een kans van 70 % is ongeveer drie op de tien "
        "het jaar erna niet verhoogd. De terugblik laat zien hoe vaak de signalen uitkwamen.",
        "A chance is not a certainty: of the places with a chance of 70 % about three in ten are not "
        "elevated the year after. The look-back shows how often the signals came true.",
    ),
    "brief_limit_small": (
        "Cijfers op minder dan {min_pupils} leerlingen, en cijfers waarmee die terug te rekenen zijn, "
        "worden niet getoond; kleine scholen ontbreken daarom vaak.",
        "Figures on fewer than {min_pupils} pupils, and figures from which those could be worked back, "
        "are not shown; small schools are therefore often missing.",
    ),
    "brief_limit_regime": (
        "Vanaf 2023-24 geldt de doorstroomtoets en is heroverweging bijna verplicht: percentages van voor "
        "en na die breuk zijn niet één op één te vergelijken.",
        "From 2023-24 the doorstroomtoets applies and reconsideration is near-mandatory: rates before and "
        "after that break do not compare one to one.",
    ),
    "brief_h_versions": ("Modelversies en data", "Model versions and data"),
    "brief_versions_intro": (
        "Elk cijfer in deze brief komt uit de gepubliceerde tabellen van deze modelversies, gemaakt op "
        "de data met vingerafdruk {fingerprint} ({origin}).",
        "Every figure in this brief comes from the published tables of these model versions, made on "
        "the data with fingerprint {fingerprint} ({origin}).",
    ),
    "brief_col_subject": ("Onderwerp", "Subject"),
    "brief_col_level": ("Niveau", "Level"),
    "brief_col_model": ("Geregistreerd model", "Registered model"),
    "brief_col_kind": ("Soort model", "Kind of model"),
    "brief_col_gate": ("Fairness-poort", "Fairness gate"),
    "brief_col_detector": ("Opkomend-detector", "Emerging detector"),
    "brief_col_year": ("Kenmerkjaar", "Feature year"),
    "brief_gate_passed": ("doorgelaten", "passed"),
    "brief_gate_refused": ("geweigerd", "refused"),
    "brief_none": ("geen", "none"),
    "brief_page": ("pagina {page} van {pages}", "page {page} of {pages}"),
    "brief_download_html": ("Gemeentebrief (HTML)", "Municipality brief (HTML)"),
    "brief_download_pdf": ("Gemeentebrief (PDF)", "Municipality brief (PDF)"),
    "brief_make_pdf": ("Maak de gemeentebrief als PDF", "Make the municipality brief as PDF"),
    "brief_no_engine": (
        "Geen PDF-programma gevonden (Chromium of Chrome). Download de HTML-versie en druk die af "
        "als PDF vanuit de browser (A4).",
        "No PDF engine found (Chromium or Chrome). Download the HTML version and print it to PDF from "
        "the browser (A4).",
    ),
    "brief_for": ("Gemeentebrief voor {name}", "Municipality brief for {name}"),
}
TEXTS.update(BRIEF_TEXTS)
