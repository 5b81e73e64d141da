"""The domain vocabulary: the one home of kansenradar's codes.

Targets, levels (kinds of place), the valid target × level pairs, model kinds, signal kinds and
the names under which models are registered are *codes*: decisions and tables carry them, and
they are worded only at the edge (``models/texts.py``). Every other module imports them from
here, so adding a target or a level is one edit, and a typo is an error at import time instead
of an empty table (``tests/architecture/test_vocabulary.py`` fails when another module defines
its own list of target or level names).

This module imports nothing heavy on purpose: the CLI checks a user's ``--target``/``--level``
against it before pandas, scikit-learn or MLflow are loaded, so a usage error answers at once.
"""

from __future__ import annotations

TARGETS: tuple[str, ...] = ("under_advice", "under_advice_attainment", "dropout")
"""What is predicted: under-advice (advice below the test: DUO heroverweging), under-advice
relative to attainment (fewer HAVO+ advices than the school's reference levels lead one to
expect: an observed/expected ratio) and early school leaving (VSV)."""

ATTAINMENT_TARGET = "under_advice_attainment"
"""The target measured as a ratio observed/expected (SMR) instead of a rate (events/pupils)."""
RATIO_TARGETS: tuple[str, ...] = (ATTAINMENT_TARGET,)
"""Targets whose outcome is O/E with Poisson–gamma shrinkage (``features/targets.py``)."""
RATE_TARGETS: tuple[str, ...] = tuple(t for t in TARGETS if t not in RATIO_TARGETS)
"""Targets whose outcome is a rate events/pupils with beta-binomial shrinkage."""

LEVELS: tuple[str, ...] = ("school", "pc4", "gemeente", "rmc")
"""Kinds of place, finest first."""

TARGET_LEVELS: dict[str, tuple[str, ...]] = {
    "under_advice": ("school", "pc4", "gemeente"),
    ATTAINMENT_TARGET: ("school", "pc4", "gemeente"),
    "dropout": ("school", "gemeente", "rmc"),
}
"""Per target, the levels its outcome can be built at (a school's pupils live in a PC4 area for
primary schools; VSV is published per VO school and per gemeente of residence, RMC = its
gemeenten)."""

LEVELS_WITHIN_GEMEENTE: tuple[str, ...] = ("pc4", "school")
"""Kinds of place that lie inside one gemeente, coarsest first: the order of a drill-down."""

BASELINE_KINDS: tuple[str, ...] = ("persistence", "context_only")
"""Simple baselines trained beside every candidate (see ``models/estimators.py``)."""

CANDIDATE_KINDS: tuple[str, ...] = ("logistic", "lightgbm")
"""Learned competitors; the one with the better held-out average precision is the candidate."""

MODEL_KINDS: tuple[str, ...] = (*BASELINE_KINDS, *CANDIDATE_KINDS)

LANGUAGES: tuple[str, ...] = ("nl", "en")
"""Languages of every user-facing word, Dutch first (the default)."""

SIGNAL_KINDS: tuple[str, ...] = ("elevated", "emerging")
"""The two signals every place carries: *verhoogd* (level model) and *opkomend* (detector)."""

GROUPINGS: tuple[str, ...] = ("urbanity", "migration", "income", "province", "denomination")
"""Ways to group places for the fairness audit (see ``models/groups.py`` for how each is cut)."""

CONCEPTS: tuple[str, ...] = ("own_level", "development", "context", "size_uncertainty", "test_regime")
"""What an explanation groups a place's indicators into (see ``models/explain.py``)."""


def pairs() -> list[tuple[str, str]]:
    """Every valid (target, level), in the order of :data:`TARGETS` then :data:`LEVELS`."""
    return [(t, lv) for t in TARGETS for lv in TARGET_LEVELS[t]]


def is_valid_pair(target: str, level: str) -> bool:
    """True when ``target`` can be built at ``level``."""
    return level in TARGET_LEVELS.get(target, ())


def registered_name(target: str, level: str) -> str:
    """Registry name of the level model (``kansenradar-under-advice-school``)."""
    return f"kansenradar-{target}-{level}".replace("_", "-")


def emerging_registered_name(target: str, level: str) -> str:
    """Registry name of the emerging detector (``kansenradar-emerging-dropout-gemeente``)."""
    return f"kansenradar-emerging-{target}-{level}".replace("_", "-")


def experiment_name(target: str) -> str:
    """MLflow experiment that holds the runs of one target (all its levels)."""
    return f"kansenradar/{target}"


DENOMINATIONS: tuple[str, ...] = (
    "Algemeen bijzonder",
    "Antroposofisch",
    "Evangelisch",
    "Evangelische broedergemeenschap",
    "Gereformeerd",
    "Gereformeerd vrijgemaakt",
    "Gereformeerd vrijgemaakt / Evangelisch",
    "Hindoeïstisch",
    "Humanistisch",
    "Interconfessioneel",
    "Islamitisch",
    "Joods",
    "Joods orthodox",
    "Openbaar",
    "Overige",
    "Protestants-Christelijk",
    "Reformatorisch",
    "Rooms-Katholiek",
)
"""School denominations by one spelling each (DUO's own, as a name: denominations are not translated).
DUO's files spell some differently from year to year and file to file ("Hindoeistisch" /
"Hindoeïstisch") and cut names at 30 characters; :func:`denomination_name` maps every spelling to
one of these, so the audit never splits one group in two. Other names (combinations such as
"Samenwerking PC, RK") pass through with their spacing tidied."""


def _folded(text: str) -> str:
    """Lower case without diacritics or extra spaces: how two spellings of one name compare."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text)
    return " ".join("".join(ch for ch in plain if not unicodedata.combining(ch)).lower().split())


_DENOMINATION_KEYS = {_folded(name): name for name in DENOMINATIONS}


def denomination_name(raw: object) -> str | None:
    """One spelling per denomination: ``None`` for a blank cell; the :data:`DENOMINATIONS` name
    when the cell matches one without diacritics and case, or is one cut at DUO's 30 characters.

    >>> denomination_name("Hindoeistisch") == denomination_name("Hindoeïstisch") == "Hindoeïstisch"
    True
    >>> denomination_name("Evangelische broedergemeenscha")
    'Evangelische broedergemeenschap'
    >>> denomination_name("   ") is None
    True
    """
    if raw is None or not isinstance(raw, str) or not raw.strip():
        return None
    key = _folded(raw)
    if key in _DENOMINATION_KEYS:
        return _DENOMINATION_KEYS[key]
    if len(raw) >= 30:  # DUO cuts names at 30 characters: the one name it is the start of
        starts = [name for k, name in _DENOMINATION_KEYS.items() if k.startswith(key)]
        if len(starts) == 1:
            return starts[0]
    return " ".join(raw.split())
