"""Gemeentebrief / municipality brief: one printable document per gemeente, Dutch first.

The people kansenradar is for meet about its signals — an analyst briefing a wethouder, a regional
team visiting a gemeente, a policy team deciding where to invest — and a screen or a CSV is a poor
thing to hand over. The brief is one self-contained HTML file (print CSS: A4, page numbers, date,
the data notice on every page) and, where a print engine is installed, a PDF of it.

**It reads bundles only** (:mod:`models.bundle`): the published tables every other output reads,
already through disclosure control (:mod:`features.suppression`). It never re-masks, never reads a
raw score or an unpublished figure, so it cannot show what the app may not. Places hidden by that
control are *counted*, never listed.

Loading every bundle's tables takes a second or two; a brief then takes milliseconds, so
:func:`load_published` is done once and :func:`render_brief` is called per gemeente (the CLI's
``--all`` and the app's download buttons do exactly that).

PDF: headless Chromium's own print (``chromium --headless --print-to-pdf``) — the same engine
``make test`` installs for the browser tests, with CSS paged media (``@page`` margin boxes) for the
running header and page numbers. Where no engine is installed the caller says so and points to the
HTML, which prints the same from any browser.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from features.indicators import label as indicator_label
from features.paths import SKELETON_DIR, output_root
from features.provenance import DataOrigin
from features.suppression import MIN_PUPILS, PRIMARY, SECONDARY
from features.vocabulary import LANGUAGES, LEVELS_WITHIN_GEMEENTE, TARGET_LEVELS, TARGETS, registered_name
from features.years import format_school_year
from models.bundle import Bundle, BundleMeta, find_bundle, newest_bundle, read_provenance
from models.charts import Series, line_chart, strip_chart
from models.explain import emerging_sentence, peer_places
from models.texts import (
    LEVEL_LABELS,
    LEVEL_PLURALS,
    TARGET_LABELS,
    band_word,
    format_number,
    format_risk,
    hidden_label,
    pick,
    t,
    value_label,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "brief.html.j2"
N_PEERS = 20
FONT = '"DejaVu Sans","Liberation Sans",Arial,sans-serif'
PEER_INDICATORS = (
    "rate_now",
    "gap_to_national",
    "trend_3y",
    "pct_low_income",
    "pct_low_education",
    "pct_non_western",
    "urbanity",
)
"""What the peer table compares: the place's own level and development, then its context."""


class BriefError(ValueError):
    """A brief that cannot be made from what the user asked (unknown gemeente, year, no data)."""


# ---------------------------------------------------------------------------- what is published
@dataclass(frozen=True)
class Level:
    """The published tables of one target × level, as the champion's bundle holds them.

    ``meta`` is None when no version is champion; ``history`` then comes from the newest
    version's bundle (observed rates only: never a forecast without an approved model).
    """

    target: str
    level: str
    meta: BundleMeta | None
    scores: pd.DataFrame | None = None
    history: pd.DataFrame | None = None
    emerging: pd.DataFrame | None = None
    lookback: pd.DataFrame | None = None
    features: pd.DataFrame | None = None
    emerging_meta: dict = field(default_factory=dict)

    @property
    def champion(self) -> bool:
        return self.meta is not None


@dataclass(frozen=True)
class Published:
    """Everything a brief may show, loaded once for any number of gemeenten."""

    levels: dict[tuple[str, str], Level]
    origin: DataOrigin | None

    def get(self, target: str, level: str) -> Level | None:
        return self.levels.get((target, level))

    @property
    def gemeenten(self) -> pd.DataFrame:
        """Every gemeente a brief can be made for (code, name), from the gemeente-level tables."""
        frames = []
        for lv in self.levels.values():
            if lv.level != "gemeente":
                continue
            for table in (lv.scores, lv.history):
                if table is not None:
                    frames.append(table[["place_id", "place_name"]])
        if not frames:
            return pd.DataFrame(columns=["code", "name"])
        out = pd.concat(frames).dropna(subset=["place_id"]).drop_duplicates("place_id")
        out = out.rename(columns={"place_id": "code", "place_name": "name"})
        out["name"] = out["name"].fillna(out["code"])
        return out.sort_values("code").reset_index(drop=True)


def _registry_champion(name: str) -> str | None:
    """The champion version the MLflow registry names (None when it is unavailable)."""
    try:
        from models.registry import champion_version

        return champion_version(name)
    except Exception:  # no registry: the bundles' own record of promotion decides
        return None


def _load_level(root: Path, target: str, level: str, champion_of: Callable[[str], str | None]) -> Level:
    name = registered_name(target, level)
    bundle: Bundle | None = find_bundle(root, name, champion_of(name))
    if bundle is None:
        newest = newest_bundle(root, name)
        history = newest.history() if newest is not None else None
        return Level(target, level, None, history=history)
    features = bundle.table("features_latest")
    return Level(
        target,
        level,
        bundle.meta,
        scores=bundle.scores(),
        history=bundle.history(),
        emerging=bundle.emerging(),
        lookback=bundle.lookback(),
        features=features.drop_duplicates("place_id").set_index("place_id"),
        emerging_meta=bundle.emerging_meta(),
    )


def load_published(
    root: Path | None = None, champion_of: Callable[[str], str | None] | None = None
) -> Published:
    """The published tables of every target at gemeente level and the levels inside a gemeente."""
    root = output_root() if root is None else root
    champion_of = champion_of or _registry_champion
    levels = {}
    for target in TARGETS:
        for level in ("gemeente", *LEVELS_WITHIN_GEMEENTE):
            if level in TARGET_LEVELS[target]:
                levels[(target, level)] = _load_level(root, target, level, champion_of)
    return Published(levels, read_provenance(root))


# ---------------------------------------------------------------------------- which gemeente
def normalise_code(code: str) -> str:
    """'363', '0363', 'gm0363' and 'GM0363' all mean GM0363."""
    text = code.strip().upper().removeprefix("GM")
    if not text.isdigit() or len(text) > 4:
        raise BriefError(f"{code!r} is not a gemeente code; expected GM followed by four digits, e.g. GM0363")
    return "GM" + text.zfill(4)


def _successor(code: str) -> str | None:
    """The gemeente a merged gemeente's code belongs to now (CBS code history + later mergers)."""
    from features.sources.regions import MERGERS_AFTER_2021, harmonise_gemeente, read_gemeente_history

    try:
        history = read_gemeente_history(SKELETON_DIR / "gemeenten_corop_1981.xlsx")
    except Exception:  # without the code history only the listed mergers after 2021 are known
        history = None
    codes = pd.Series([code])
    if history is not None and code in set(history["code"]):
        last_year = int(history.loc[history["code"] == code, "year"].max())
        mapped = harmonise_gemeente(codes, history, last_year).iloc[0]
    else:
        mapped = code
        for year in sorted(MERGERS_AFTER_2021):
            mapped = MERGERS_AFTER_2021[year].get(mapped, mapped)
    return None if mapped == code else str(mapped)


def resolve_gemeente(code: str, published: Published) -> tuple[str, str | None]:
    """``(code the brief is about, the merged code asked for or None)``; BriefError if unknown."""
    wanted = normalise_code(code)
    known = set(published.gemeenten["code"])
    if wanted in known:
        return wanted, None
    successor = _successor(wanted)
    if successor is not None and successor in known:
        return successor, wanted
    raise BriefError(
        f"gemeente {wanted} is not in the published tables (and is not a merged gemeente whose "
        f"successor is); known codes run from {min(known, default='–')} to {max(known, default='–')}"
    )


# ---------------------------------------------------------------------------- pieces of content
def _pct(value: float, lang: str, digits: int = 1) -> str:
    return "–" if value is None or value != value else f"{format_number(value, lang, digits)} %"


def _place_name(row: pd.Series) -> str:
    name = row.get("place_name")
    return str(row["place_id"]) if name is None or name != name else str(name)


def _table(header: list[str], rows: list[list[str]], classes: str = "") -> dict:
    """A table for the template: cells are plain text, escaped there (names come from data)."""
    return {"header": header, "rows": rows, "classes": classes}


def _flag_word(flag: float, lang: str) -> str:
    if flag != flag:
        return "–"
    return t("brief_flagged" if flag == 1 else "brief_not_flagged", lang)


def _emerging_word(state: object, lang: str) -> str:
    words = {
        "alarm": t("emerging_yes", lang),
        "no_alarm": t("emerging_no", lang),
        "insufficient_history": t("insufficient_history", lang),
    }
    return words.get(state, "–") if isinstance(state, str) else "–"


def _signals(lv: Level, code: str, name: str, lang: str) -> dict:
    """Both signals of one target for the gemeente, in words."""
    target = pick(TARGET_LABELS[lv.target], lang)
    level = pick(LEVEL_LABELS["gemeente"], lang).lower()
    out: dict = {"target": target, "lines": [], "champion": lv.champion}
    if not lv.champion:
        out["lines"].append(t("brief_no_champion", lang, target=target.lower(), level=level))
        return out
    row = lv.scores[lv.scores["place_id"] == code]
    if row.empty:
        out["lines"].append(t("brief_not_in_table", lang, name=name, target=target.lower()))
        return out
    r = row.iloc[0]
    if r["suppressed"]:
        out["lines"].append(t("brief_elevated_hidden", lang, label=hidden_label(r["disclosure"], lang)))
    else:
        out["lines"].append(
            t(
                "brief_elevated",
                lang,
                year=format_school_year(int(r["target_year"])),
                risk=format_risk(r["risk"]),
                low=format_risk(r["risk_low"]),
                high=format_risk(r["risk_high"]),
                band=band_word(r["risk"], lang),
                flag=_flag_word(r["flag"], lang),
            )
        )
        driver = r.get(f"drivers_{lang}")
        if isinstance(driver, str) and driver:
            out["lines"].append(t("brief_driver", lang, driver=driver))
    if lv.emerging is None:
        out["lines"].append(t("brief_emerging_none", lang))
    else:
        mine = lv.emerging[lv.emerging["place_id"] == code].sort_values("school_year")
        guard = int(lv.emerging_meta.get("params", {}).get("guard_band", 1))
        sentence = emerging_sentence(mine, int(r["feature_year"]), guard, lang)
        out["lines"].append(t("brief_emerging_prefix", lang) + sentence)
    return out


def _history_chart(lv: Level, code: str, name: str, lang: str) -> Markup | None:
    if lv.history is None:
        return None
    h = lv.history[lv.history["place_id"] == code].sort_values("school_year")
    if h.empty:
        return None
    national = h["national_rate"].astype(float) * 100
    marks = ["diamond" if e == 1 else ("open" if e == 0 else None) for e in h["elevated"]]
    svg = line_chart(
        t(
            "brief_chart_history",
            lang,
            target=pick(TARGET_LABELS[lv.target], lang),
            what=t(f"what_{lv.target}", lang),
        ),
        [format_school_year(int(y)) for y in h["school_year"]],
        [
            Series(name, h["shrunk_rate"].astype(float).tolist(), "solid", marks),
            Series(t("brief_line_national", lang), national.tolist(), "dashed"),
        ],
        band=(h["rate_lower"].astype(float).tolist(), h["rate_upper"].astype(float).tolist()),
        band_label=t("brief_band", lang),
        legend=[("diamond", t("brief_mark_elevated", lang)), ("open", t("brief_mark_not_elevated", lang))],
    )
    return Markup(svg)


def _change(lv: Level, code: str, year: int, lang: str) -> dict | None:
    """The gemeente's published values and signals in feature year t against t − 1."""
    if lv.history is None:
        return None
    prev = year - 1
    h = lv.history[lv.history["place_id"] == code].set_index("school_year")

    def rate(y: int) -> str:
        if y not in h.index or pd.isna(h.loc[y, "shrunk_rate"]):
            return t("brief_not_shown", lang)
        r = h.loc[y]
        return (
            f"{_pct(r['shrunk_rate'], lang)} ({format_number(r['rate_lower'], lang, 1)}–"
            f"{format_number(r['rate_upper'], lang, 1)})"
        )

    def observed(y: int) -> str:
        if y not in h.index or pd.isna(h.loc[y, "elevated"]):
            return t("brief_not_shown", lang)
        return t("brief_yes" if h.loc[y, "elevated"] == 1 else "brief_no", lang)

    rows = [
        [t("brief_change_rate", lang), rate(prev), rate(year)],
        [t("brief_change_observed", lang), observed(prev), observed(year)],
    ]
    if lv.champion:
        now = lv.scores[lv.scores["place_id"] == code]
        then = lv.lookback[(lv.lookback["place_id"] == code) & (lv.lookback["feature_year"] == prev)]

        def level_signal(frame: pd.DataFrame) -> str:
            if frame.empty or pd.isna(frame["risk"].iloc[0]):
                return t("brief_not_shown", lang)
            r = frame.iloc[0]
            return f"{_flag_word(r['flag'], lang)}, {format_risk(r['risk'])} ({band_word(r['risk'], lang)})"

        rows.append([t("brief_change_level", lang), level_signal(then), level_signal(now)])
    if lv.emerging is not None:
        e = lv.emerging[lv.emerging["place_id"] == code].set_index("school_year")["state"]
        rows.append(
            [
                t("brief_change_emerging", lang),
                _emerging_word(e.get(prev), lang),
                _emerging_word(e.get(year), lang),
            ]
        )
    return {
        "heading": t("brief_h_change", lang, year=format_school_year(prev)),
        "table": _table(["", format_school_year(prev), format_school_year(year)], rows),
        "note": t("brief_change_note", lang, year=format_school_year(prev)) if lv.champion else "",
    }


def _places(published: Published, target: str, code: str, lang: str) -> list[dict]:
    """The gemeente's PC4 areas and schools that may be shown, ranked; hidden ones counted."""
    out = []
    for level in LEVELS_WITHIN_GEMEENTE:
        lv = published.get(target, level)
        if lv is None:
            continue
        places = pick(LEVEL_PLURALS[level], lang)
        heading = t("brief_places_heading", lang, target=pick(TARGET_LABELS[target], lang), places=places)
        if not lv.champion:
            level_word = pick(LEVEL_LABELS[level], lang).lower()
            out.append(
                {
                    "heading": heading,
                    "lines": [
                        t(
                            "brief_no_champion",
                            lang,
                            target=pick(TARGET_LABELS[target], lang).lower(),
                            level=level_word,
                        )
                    ],
                }
            )
            continue
        within = lv.scores[lv.scores["gemeente_code"] == code]
        shown = within[~within["suppressed"].astype(bool)].sort_values("rank")
        hidden = within[within["suppressed"].astype(bool)]
        lines = []
        if len(hidden):
            lines.append(
                t(
                    "brief_places_hidden",
                    lang,
                    n=len(hidden),
                    places=places,
                    n_small=int((hidden["disclosure"] == PRIMARY).sum()),
                    n_hidden=int((hidden["disclosure"] == SECONDARY).sum()),
                    min_pupils=MIN_PUPILS,
                )
            )
        if shown.empty:
            lines.insert(0, t("brief_places_none", lang, places=places))
            out.append({"heading": heading, "lines": lines})
            continue
        header = [t("place", lang)]
        if level == "school":
            header.append(t("pc4", lang))
        header += [
            t("pupils", lang),
            t("risk", lang),
            t("risk_band", lang),
            t("interval", lang),
            t("flag", lang),
            t("emerging", lang),
            t("driver", lang),
        ]
        rows = []
        for _, r in shown.iterrows():
            cells = [_place_name(r)]
            if level == "school":
                cells.append("" if pd.isna(r.get("pc4")) else str(r["pc4"]))
            cells += [
                format_number(r["n_pupils"], lang),
                format_risk(r["risk"]),
                band_word(r["risk"], lang),
                f"{format_risk(r['risk_low'])}–{format_risk(r['risk_high'])}",
                t("flag_yes", lang) if r["flag"] == 1 else t("flag_no", lang),
                _emerging_word(r.get("emerging_state"), lang),
                r.get(f"drivers_{lang}") or "–",
            ]
            rows.append(cells)
        out.append({"heading": heading, "lines": lines, "table": _table(header, rows, "places")})
    return out


def _peers(lv: Level, code: str, name: str, year: int, lang: str) -> dict | None:
    """The gemeente beside its 20 nearest peers in context and all gemeenten."""
    if not lv.champion or lv.features is None or code not in lv.features.index:
        return None
    target = pick(TARGET_LABELS[lv.target], lang)
    peers = peer_places(lv.features, code, N_PEERS)
    scores = lv.scores.set_index("place_id")
    names = [str(scores["place_name"].get(p, p)) if p in scores.index else str(p) for p in peers]
    h = lv.history[lv.history["school_year"] == year].set_index("place_id")
    everyone = h["shrunk_rate"].astype(float)
    own = float(everyone.get(code, np.nan))
    svg = strip_chart(
        t(
            "brief_strip_title",
            lang,
            target=target,
            what=t(f"what_{lv.target}", lang),
            year=format_school_year(year),
        ),
        everyone.dropna().tolist(),
        everyone.reindex(peers).dropna().tolist(),
        own,
        (t("brief_strip_all", lang), t("brief_strip_peers", lang), name),
    )
    feats = lv.features
    rows = []
    risk = scores["risk"].astype(float)
    rows.append(
        [
            t("brief_risk_next", lang),
            format_risk(risk.get(code, np.nan)),
            format_risk(risk.reindex(peers).median()),
            format_risk(risk.median()),
        ]
    )
    for indicator in PEER_INDICATORS:
        if indicator not in feats.columns:
            continue
        column = feats[indicator].astype(float)
        rows.append(
            [
                indicator_label(indicator, lang),
                "–" if pd.isna(column.get(code)) else format_number(column[code], lang, 1),
                format_number(column.reindex(peers).median(), lang, 1),
                format_number(column.median(), lang, 1),
            ]
        )
    shown = scores[~scores["suppressed"].astype(bool)]
    national_rate = h["national_rate"].dropna()
    national = t(
        "brief_national",
        lang,
        year=format_school_year(year),
        rate=format_number(float(national_rate.iloc[0]) * 100, lang, 1) if len(national_rate) else "–",
        n=len(shown),
        flagged=int((shown["flag"] == 1).sum()),
        next=format_school_year(year + 1),
        emerging=int((shown.get("emerging_state") == "alarm").sum()) if "emerging_state" in shown else 0,
    )
    return {
        "target": target,
        "intro": t("brief_peers_intro", lang, k=len(peers), names=", ".join(names)),
        "chart": Markup(svg),
        "national": national,
        "table": _table(
            [t("brief_col_indicator", lang), name, t("brief_col_peers", lang), t("brief_col_national", lang)],
            rows,
        ),
    }


def _lookback(lv: Level, code: str, name: str, lang: str) -> dict | None:
    if not lv.champion or lv.lookback is None:
        return None
    target = pick(TARGET_LABELS[lv.target], lang)
    mine = lv.lookback[lv.lookback["place_id"] == code].sort_values("target_year")
    if mine.empty:
        return {"target": target, "lines": [t("brief_lookback_none", lang)]}
    flag, elevated = mine["flag"].astype(int), mine["elevated_next"].astype(int)
    lines = [
        t(
            "brief_lookback_level",
            lang,
            flagged=int(flag.sum()),
            years=len(mine),
            hits=int((flag & elevated).sum()),
            missed=int(((1 - flag) & elevated).sum()),
            name=name,
        )
    ]
    alarm = mine["emerging_alarm"]
    if alarm.notna().any():
        a = alarm.fillna(0).astype(int)
        lines.append(t("brief_lookback_emerging", lang, flagged=int(a.sum()), hits=int((a & elevated).sum())))
    header = [t("year", lang), t("lb_flag_issued", lang)]
    has_alarm = alarm.notna().any()
    if has_alarm:
        header.append(t("lb_emerging_alarm", lang))
    header.append(t("lb_turned_out", lang))
    rows = []
    for r in mine.itertuples():
        cells = [format_school_year(int(r.target_year)), t("flag_yes", lang) if r.flag == 1 else "—"]
        if has_alarm:
            cells.append(
                t("insufficient_history", lang)
                if r.emerging_alarm != r.emerging_alarm
                else (t("emerging_yes", lang) if r.emerging_alarm == 1 else "—")
            )
        cells.append(t("flag_yes", lang) if r.elevated_next == 1 else t("lb_not_elevated", lang))
        rows.append(cells)
    return {"target": target, "lines": lines, "table": _table(header, rows)}


def _versions(published: Published, lang: str) -> dict:
    rows = []
    for (target, level), lv in published.levels.items():
        subject, where = pick(TARGET_LABELS[target], lang), pick(LEVEL_LABELS[level], lang)
        if lv.meta is None:
            rows.append(
                [subject, where, registered_name(target, level), t("brief_none", lang), "–", "–", "–"]
            )
            continue
        m = lv.meta
        detector = lv.emerging_meta
        rows.append(
            [
                subject,
                where,
                f"{m.name} v{m.version}",
                f"{value_label(m.model_kind, lang)} · {value_label(m.calibration, lang)}",
                t("brief_gate_passed" if m.gate_allowed else "brief_gate_refused", lang),
                f"v{detector['version']}" if detector.get("version") else t("brief_none", lang),
                str(m.feature_year),
            ]
        )
    origin = published.origin
    return {
        "intro": t(
            "brief_versions_intro",
            lang,
            fingerprint=origin.fingerprint if origin else "–",
            origin=_origin_word(origin, lang),
        ),
        "table": _table(
            [
                t("brief_col_subject", lang),
                t("brief_col_level", lang),
                t("brief_col_model", lang),
                t("brief_col_kind", lang),
                t("brief_col_gate", lang),
                t("brief_col_detector", lang),
                t("brief_col_year", lang),
            ],
            rows,
        ),
    }


def _origin_word(origin: DataOrigin | None, lang: str) -> str:
    if origin is None:
        return "–"
    return t("simulated", lang) if origin.simulated else origin.label


def feature_year(published: Published, year: int | None = None) -> int:
    """The feature year the brief speaks of: the champions' (all bundles of one run share it)."""
    years = sorted({int(lv.meta.feature_year) for lv in published.levels.values() if lv.meta is not None})
    if not years:
        history_years = [
            int(lv.history["school_year"].max()) for lv in published.levels.values() if lv.history is not None
        ]
        if not history_years:
            raise BriefError("no published tables: run `kansenradar run` first")
        years = [max(history_years)]
    if year is None:
        return years[-1]
    if year not in years:
        raise BriefError(
            f"--year {year}: the published tables hold signals for feature year "
            f"{', '.join(map(str, years))} (school year {', '.join(format_school_year(y) for y in years)})"
        )
    return year


# ---------------------------------------------------------------------------- the document
def _css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes, angle brackets and control characters escaped,
    so a name from the data can neither end the string nor the ``<style>`` element."""
    return '"' + "".join(f"\\{ord(c):x} " if c in '\\"<>&' or ord(c) < 32 else c for c in text) + '"'


def print_css(notice: str | None, footer: str, lang: str) -> Markup:
    """The page layout: A4, running notice on top, date and page numbers at the foot.

    The margin boxes (CSS paged media) repeat on every printed page, so the Demonstratiedata
    notice cannot be cut off a page; tables repeat their header and never leave it alone at a
    page's foot (rows and headings do not break from what follows).
    """
    page_words = t("brief_page", lang, page="\x00", pages="\x01")
    before, rest = page_words.split("\x00")
    middle, after = rest.split("\x01")
    counter = f"{_css_string(before)} counter(page) {_css_string(middle)} counter(pages) {_css_string(after)}"
    top = (
        f"@top-center{{content:{_css_string(notice)};font-size:7.5pt;color:#000;font-weight:600;font-family:{FONT}}}"
        if notice
        else ""
    )
    return Markup(
        "@page{size:A4;margin:17mm 14mm 16mm 14mm;"
        + top
        + f"@bottom-left{{content:{_css_string(footer)};font-size:7.5pt;color:#333;font-family:{FONT}}}"
        + f"@bottom-right{{content:{counter};font-size:7.5pt;color:#333;font-family:{FONT}}}}}"
    )


@dataclass(frozen=True)
class Brief:
    """One gemeente's brief: its identity and the rendered HTML."""

    code: str
    name: str
    lang: str
    html: str
    merged_from: str | None = None

    def filename(self, suffix: str = ".pdf") -> str:
        return brief_filename(self.code, self.name, self.lang, suffix)


def brief_filename(code: str, name: str, lang: str = "nl", suffix: str = ".pdf") -> str:
    """``GM0363_Amsterdam.pdf``: code first (sorts, unique), name for people, safe on every OS;
    an English brief is ``GM0363_Amsterdam.en.pdf``."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name.encode("ascii", "ignore").decode()).strip("-")
    tag = "" if lang == LANGUAGES[0] else f".{lang}"  # the default language has no tag
    return f"{code}_{slug or 'gemeente'}{tag}{suffix}"


def render_brief(
    published: Published,
    code: str,
    lang: str = "nl",
    year: int | None = None,
    today: datetime | None = None,
) -> Brief:
    """The brief of one gemeente in one language, as a self-contained HTML document."""
    code, merged_from = resolve_gemeente(code, published)
    year = feature_year(published, year)
    names = published.gemeenten.set_index("code")["name"]
    name = str(names.get(code, code))
    w = partial(t, lang=lang)
    origin = published.origin
    date = (today or datetime.now(UTC)).strftime("%Y-%m-%d")
    targets = []
    for target in TARGETS:
        lv = published.get(target, "gemeente")
        label = pick(TARGET_LABELS[target], lang)
        if lv is None or (lv.history is None and not lv.champion):
            level_word = pick(LEVEL_LABELS["gemeente"], lang).lower()
            targets.append(
                {
                    "target": label,
                    "signals": {"lines": [w("brief_no_data", target=label.lower(), level=level_word)]},
                }
            )
            continue
        targets.append(
            {
                "target": label,
                "signals": _signals(lv, code, name, lang),
                "chart": _history_chart(lv, code, name, lang),
                "change": _change(lv, code, year, lang),
                "places": _places(published, target, code, lang),
                "peers": _peers(lv, code, name, year, lang),
                "lookback": _lookback(lv, code, name, lang),
            }
        )
    notice = w("simulated_notice") if origin is not None and origin.simulated else None
    fingerprint = origin.fingerprint if origin else ""
    footer = f"kansenradar · {name} ({code}) · {date} · {_origin_word(origin, lang)} {fingerprint}"
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    html = env.get_template(TEMPLATE).render(
        w=w,
        lang=lang,
        page_css=print_css(notice, footer.strip(), lang),
        notice=notice,
        name=name,
        code=code,
        merged_from=merged_from,
        year_label=format_school_year(year + 1),
        date=date,
        origin=_origin_word(origin, lang),
        fingerprint=origin.fingerprint if origin else "–",
        min_pupils=MIN_PUPILS,
        targets=targets,
        versions=_versions(published, lang),
    )
    return Brief(code, name, lang, html, merged_from)


# ---------------------------------------------------------------------------- PDF
ENGINE_ENV = "KANSENRADAR_CHROMIUM"
ENGINE_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "msedge")
WINDOWS_ENGINES = (
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
)
"""Chrome and Edge print the same way on Windows (both are Chromium); ``KANSENRADAR_CHROMIUM``
names any other installation."""


def pdf_engine() -> str | None:
    """The Chromium-family browser that prints the PDF, or None when none is installed."""
    given = os.environ.get(ENGINE_ENV)
    if given:
        return given if Path(given).is_file() or shutil.which(given) else None
    for name in ENGINE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in WINDOWS_ENGINES if Path(p).is_file()), None)


class NoPdfEngine(RuntimeError):
    """No browser to print with: the caller points the user to the HTML."""


def html_to_pdf(html_path: Path, pdf_path: Path, engine: str | None = None, timeout: float = 120) -> Path:
    """Print an HTML file to PDF with headless Chromium (A4 and margins come from the page's CSS)."""
    engine = engine or pdf_engine()
    if engine is None:
        raise NoPdfEngine(f"no PDF engine (Chromium/Chrome/Edge) found; set {ENGINE_ENV} or open {html_path}")
    pdf_path = Path(pdf_path).resolve()
    pdf_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="kansenradar-chromium-") as profile:
        command = [
            engine,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf_path}",
            "--no-pdf-header-footer",
            Path(html_path).resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        raise RuntimeError(f"{engine} wrote no PDF (exit {done.returncode}): {done.stderr[-500:]}")
    return pdf_path


def htmls_to_pdfs(pages: list[Path], engine: str | None = None, workers: int = 0) -> list[Path]:
    """Print many HTML files to PDF (``x.html`` → ``x.pdf``), for ``brief --all``.

    Starting Chromium takes about 2 s and printing a brief a few tenths, so a batch drives one
    browser over the DevTools protocol when Playwright is installed (it is in the dev extras
    ``make`` installs): the same engine and print path, ≈0.3 s a brief instead of ≈2.4 s. Without
    Playwright each file is printed by its own ``chromium --print-to-pdf``, ``workers`` at a time.
    """
    engine = engine or pdf_engine()
    if engine is None:
        raise NoPdfEngine(f"no PDF engine (Chromium/Chrome/Edge) found; set {ENGINE_ENV}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    outs = [Path(p).with_suffix(".pdf") for p in pages]
    if sync_playwright is None:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            return list(pool.map(lambda html, out: html_to_pdf(html, out, engine), pages, outs))
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=engine, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        for html, out in zip(pages, outs, strict=True):
            page.goto(Path(html).resolve().as_uri())
            page.pdf(
                path=str(out), prefer_css_page_size=True, print_background=True, display_header_footer=False
            )
        browser.close()
    return outs


def pdf_bytes(brief: Brief, engine: str | None = None) -> bytes:
    """The brief as PDF bytes (the app's download button)."""
    with tempfile.TemporaryDirectory(prefix="kansenradar-brief-") as tmp:
        html = Path(tmp) / brief.filename(".html")
        html.write_text(brief.html, encoding="utf-8")
        return html_to_pdf(html, Path(tmp) / brief.filename(".pdf"), engine).read_bytes()


def write_brief(brief: Brief, out: Path, engine: str | None = None) -> Path:
    """Write the brief as ``.html`` or ``.pdf`` (by suffix); a PDF keeps its HTML beside it."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".html":
        out.write_text(brief.html, encoding="utf-8")
        return out
    if out.suffix.lower() != ".pdf":
        raise BriefError(f"{out}: the brief is written as .pdf or .html, not {out.suffix or 'no suffix'}")
    html = out.with_suffix(".html")
    html.write_text(brief.html, encoding="utf-8")
    return html_to_pdf(html, out, engine)
