"""Write the simulated world in the exact formats DUO and CBS publish.

Nothing downstream may know the data are synthetic: the pipeline reads these files through the
same readers as a user's own downloads. Traps are reproduced on purpose: ``;`` separators,
decimal commas, ``<5`` for counts 1–4, cp1252 for older wide files and UTF-8 with BOM for newer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from features.advice import ADVICE_CODES
from features.sources.duo import REFERENCE_LEVEL_COLUMNS
from features.synthetic.files import CALIBRATION_FILE, RISE_FILE, TRUTH_DIR, TRUTH_FILE
from features.synthetic.parameters import DOORSTROOMTOETS_SCALE, PROVIDER_SCALES
from features.synthetic.world import World

ADVICE_LABELS: dict[str, str] = {
    "VSO": "VSO",
    "PRO": "PRO",
    "VMBO_B": "VMBO-B",
    "VMBO_B_K": "VMBO-B/K",
    "VMBO_K": "VMBO-K",
    "VMBO_K_GT": "VMBO-K/(G)T",
    "VMBO_GT": "VMBO-(G)T",
    "VMBO_GT_HAVO": "VMBO-(G)T/HAVO",
    "HAVO": "HAVO",
    "HAVO_VWO": "HAVO/VWO",
    "VWO": "VWO",
    "ADVIES_NIET_MOGELIJK": "Advies niet mogelijk",
}
"""How the long ``brin6_advies.csv`` labels advice (the reader normalises these)."""

HEROVERWEGING_LABELS: dict[str, str] = {
    "eligible": "Toetsadvies hoger dan schooladvies",
    "raised": "Schooladvies bijgesteld",
    "equal": "Toetsadvies gelijk aan schooladvies",
    "lower": "Toetsadvies lager dan schooladvies",
}

STATLINE_SEX = {"total": "T001038", "male": "3000", "female": "4000"}
VSV_STATLINE_FILE = "84780NED_voortijdig_schoolverlaters.csv"


def suppress(counts: pd.Series, below: int) -> pd.Series:
    """DUO's publication rule: counts 1..below-1 become ``<5``; zero stays ``0``."""
    c = counts.astype(int)
    return c.astype(str).where(~((c > 0) & (c < below)), f"<{below}")


def decimal_comma(values: pd.Series, digits: int = 12) -> pd.Series:
    out = values.map(lambda v: "" if pd.isna(v) else f"{v:.{digits}g}").str.replace(".", ",")
    return out


def _write(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    text = frame.to_csv(sep=";", index=False, lineterminator="\r\n")
    path.write_bytes(text.encode(encoding))


def write_published_files(world: World, out_dir: Path, suppress_below: int = 5) -> list[Path]:
    """Write every published file of the world into ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    brin4 = world.advice["brin6"].str[:4]
    vest = world.advice["brin6"].str[4:]

    # brin6_advies.csv (long, UTF-8 with BOM, zero rows omitted as DUO does)
    long = world.advice.melt(
        id_vars=["brin6", "school_type", "school_year"],
        value_vars=list(ADVICE_CODES),
        var_name="advice",
        value_name="n",
    )
    long = long[long["n"] > 0].sort_values(["school_year", "brin6", "advice"], kind="stable")
    adv = pd.DataFrame(
        {
            "INSTELLINGSCODE": long["brin6"].str[:4],
            "VESTIGINGSCODE": long["brin6"].str[4:],
            "TYPE_PO": long["school_type"].str.upper(),
            "PEILJAAR": long["school_year"],
            "ADVIES": long["advice"].map(ADVICE_LABELS),
            "AANTAL_LEERLINGEN": suppress(long["n"], suppress_below),
        }
    )
    path = out_dir / "brin6_advies.csv"
    _write(adv, path, "utf-8-sig")
    written.append(path)

    # brin6_heroverweging.csv
    her = world.heroverweging.melt(
        id_vars=["brin6", "school_type", "school_year"],
        value_vars=list(HEROVERWEGING_LABELS),
        var_name="cat",
        value_name="n",
    )
    her = her[her["n"] > 0].sort_values(["school_year", "brin6", "cat"], kind="stable")
    path = out_dir / "brin6_heroverweging.csv"
    _write(
        pd.DataFrame(
            {
                "INSTELLINGSCODE": her["brin6"].str[:4],
                "VESTIGINGSCODE": her["brin6"].str[4:],
                "TYPE_PO": her["school_type"].str.upper(),
                "PEILJAAR": her["school_year"],
                "TOETSEN_EN_ADVIEZEN": her["cat"].map(HEROVERWEGING_LABELS),
                "AANTAL_LEERLINGEN": suppress(her["n"], suppress_below),
            }
        ),
        path,
        "utf-8-sig",
    )
    written.append(path)

    # brin6_eindscores.csv
    e = world.eindscores[world.eindscores["n"] > 0].sort_values(["school_year", "brin6"])
    path = out_dir / "brin6_eindscores.csv"
    _write(
        pd.DataFrame(
            {
                "INSTELLINGSCODE": e["brin6"].str[:4],
                "VESTIGINGSCODE": e["brin6"].str[4:],
                "TYPE_PO": e["school_type"].str.upper(),
                "PEILJAAR": e["school_year"],
                "LEERJAAR": 8,
                "DOORSTROOMTOETS_PO": e["test"],
                "GEMIDDELDE_UITSLAG": decimal_comma(e["mean_score"]),
                "AANTAL_LEERLINGEN": suppress(e["n"], suppress_below),
                "AANTAL_ONTHEFFINGEN": suppress(e["n_exempt"], suppress_below),
            }
        ),
        path,
        "utf-8-sig",
    )
    written.append(path)

    # wide schooladviezen per year, as published for 2019-20 … 2024-25
    schools = world.schools.set_index("brin6")
    for year in sorted(world.advice["school_year"].unique()):
        if year < 2019:
            continue
        w = world.advice[world.advice["school_year"] == year]
        new_ids = year >= 2022
        frame = pd.DataFrame(
            {
                ("INSTELLINGSCODE" if new_ids else "BRIN_NUMMER"): brin4[w.index],
                ("VESTIGINGSCODE" if new_ids else "VESTIGINGSNUMMER"): vest[w.index],
                "POSTCODE_VESTIGING": schools.loc[w["brin6"], "pc4"].fillna("").to_numpy(),
                "GEMEENTENUMMER": schools.loc[w["brin6"], "gemeente_code"].str[2:].to_numpy(),
                "SOORT_PO": w["school_type"],
            }
        )
        for code in ADVICE_CODES:
            frame[code] = suppress(w[code], suppress_below)
        prefix = "04.-" if year in DOTTED_ADVICE_YEARS else "04-"
        path = out_dir / f"{prefix}leerlingen-bo-sbo-schooladviezen-{year}-{year + 1}.csv"
        if year >= CURRENT_FORMAT_FROM:
            frame = pd.concat(
                [_places(world, w["brin6"], year), frame.iloc[:, 5:].set_index(w.index)], axis=1
            )
            _write_quoted(frame, path)
        else:
            _write(frame, path, "cp1252")
        written.append(path)
    written += write_current_wide_files(world, out_dir, suppress_below)

    # VSV per school, one file per year (file year = calendar year the school year ends)
    for year, v in world.vsv_school.groupby("school_year"):
        path = out_dir / f"vsv-per-swv-{int(year) + 1}.csv"
        _write(
            pd.DataFrame(
                {
                    "SAMENWERKINGSVERBAND_NUMMER": v["swv_code"],
                    "brin_nummer": v["brin6"].str[:4],
                    "vestigings_nummer": v["brin6"].str[4:],
                    "aantal_leerlingen": v["n_pupils"],
                    "vsv_totaal": v["n_vsv"],
                    "vsv_vmbo": v["n_vsv_vmbo"],
                    "vsv_mbo": v["n_vsv_mbo"],
                    "vsv_overig": v["n_vsv_other"],
                }
            ),
            path,
            "ascii",
        )
        written.append(path)

    # CBS 84780NED StatLine CSV: gemeenten plus the national total
    g = world.vsv_gemeente
    nl = g.groupby(["school_year", "sex"], as_index=False)[["n_pupils", "n_vsv"]].sum()
    nl["gemeente_code"] = "NL01  "
    g = pd.concat([nl, g], ignore_index=True)
    pct = np.round(100 * g["n_vsv"] / g["n_pupils"].where(g["n_pupils"] > 0), 1)
    statline = pd.DataFrame(
        {
            "ID": np.arange(len(g)),
            "Geslacht": g["sex"].map(STATLINE_SEX),
            "RegioS": g["gemeente_code"].str.ljust(6),
            "Perioden": g["school_year"].astype(str) + "SJ00",
            "Leerlingen_1": g["n_pupils"],
            "VoortijdigeSchoolverlaters_2": g["n_vsv"],
            "NietVoortijdigeSchoolverlaters_3": g["n_pupils"] - g["n_vsv"],
            "VoortijdigeSchoolverlatersPercentage_4": pct.map(lambda v: "." if pd.isna(v) else f"{v}"),
        }
    )
    path = out_dir / VSV_STATLINE_FILE
    _write(statline, path, "utf-8-sig")
    written.append(path)
    return written


DOTTED_ADVICE_YEARS = (2019, 2020)
"""DUO named the schooladviezen of 2019-20 and 2020-21 ``04.-…``; later years ``04-…``."""
CURRENT_FORMAT_FROM = 2022
"""From 2022-23 the wide files carry INSTELLINGSCODE/VESTIGINGSCODE, every field quoted."""
WIDE_PROVIDERS_BEFORE = ("CET", "IEP", "ROUTE8", "DIA", "AMN")
WIDE_PROVIDERS_FROM_2023 = ("IEP", "ROUTE8", "DIA", "AMN", "DOE", "LIB")
DOORSTROOMTOETS_CODES = {"CET": "LIB", "IEP": "IEP", "ROUTE8": "ROUTE8", "DIA": "DIA", "AMN": "AMN"}
"""Provider columns of the wide eindscores file from 2023-24: Cito's Leerling in Beeld (LIB)
replaced the Centrale Eindtoets; a school whose BRIN ends in an odd digit switched from LIB to
DOE (the new provider of the 2024-25 file), so both columns carry schools."""


WIDE_SCALES_FROM_2023: dict[str, tuple[float, float, float, float]] = {
    **{p: PROVIDER_SCALES[p] for p in ("IEP", "ROUTE8", "DIA")},
    "AMN": (340.0, 30.0, 100.0, 600.0),
    "DOE": (220.0, 25.0, 100.0, 400.0),
    "LIB": (175.0, 15.0, 100.0, 300.0),
}
"""(centre, SD, min, max) of each provider's school means in the wide file from 2023-24, around
the means of the 2024-25 sample (IEP 72–80, ROUTE8 123–140, DIA 355, AMN 341, DOE 222, LIB
172–174); the world itself simulates one doorstroomtoets scale."""


def _places(world: World, brin6: pd.Series, year: int) -> pd.DataFrame:
    """The place columns DUO's current wide files start with, for these schools and year."""
    from features.paths import SKELETON_DIR
    from features.sources._csv import read_published_csv

    raw = read_published_csv(
        SKELETON_DIR / "gemiddelde-eindscores-bo-sbo-2018-2019.csv",
        ["BRIN_NUMMER", "VESTIGINGSNUMMER"],
        optional=[
            "INSTELLINGSNAAM_VESTIGING",
            "POSTCODE_VESTIGING",
            "PLAATSNAAM",
            "GEMEENTENAAM",
            "PROVINCIE",
            "DENOMINATIE_VESTIGING",
            "BEVOEGD_GEZAG_NUMMER",
        ],
    )
    raw.index = raw["BRIN_NUMMER"] + raw["VESTIGINGSNUMMER"].str.zfill(2)
    raw = raw[~raw.index.duplicated()]
    schools = world.schools.set_index("brin6")
    ids = brin6.to_numpy()
    get = lambda col: raw[col].reindex(ids).fillna("").to_numpy()  # noqa: E731
    return pd.DataFrame(
        {
            "PEILDATUM_LEERLINGEN": f"{year}1001",
            "PRIKDATUM": f"{year + 1}0904",
            "INSTELLINGSCODE": [b[:4] for b in ids],
            "VESTIGINGSCODE": [b[4:] for b in ids],
            "INSTELLINGSNAAM_VESTIGING": get("INSTELLINGSNAAM_VESTIGING"),
            "POSTCODE_VESTIGING": get("POSTCODE_VESTIGING"),
            "PLAATSNAAM": get("PLAATSNAAM"),
            "GEMEENTENUMMER": schools.loc[ids, "gemeente_code"].str[2:].to_numpy(),
            "GEMEENTENAAM": get("GEMEENTENAAM"),
            "PROVINCIE": get("PROVINCIE"),
            "SOORT_PO": schools.loc[ids, "school_type"].to_numpy(),
            "DENOMINATIE_VESTIGING": get("DENOMINATIE_VESTIGING"),
            "BEVOEGD_GEZAG_NUMMER": get("BEVOEGD_GEZAG_NUMMER"),
        },
        index=brin6.index,
    )


def _write_quoted(frame: pd.DataFrame, path: Path) -> None:
    """DUO's current wide files: every field quoted, an unpublished mean an unquoted ``NA``."""
    import csv

    text = frame.to_csv(sep=";", index=False, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    path.write_bytes(text.replace('"\x00NA"', "NA").encode("utf-8"))


def write_current_wide_files(world: World, out_dir: Path, suppress_below: int = 5) -> list[Path]:
    """The wide ``05.-`` eindscores and ``10.-`` referentieniveaus files of every simulated year,
    in today's format (DOE and LIB columns from 2023-24; ``NA`` mean under ``<5`` pupils,
    ``0,000…`` over 0 pupils)."""
    written = []
    eind = world.eindscores
    for year in sorted(eind["school_year"].unique()):
        e = eind[eind["school_year"] == year].reset_index(drop=True)
        regime = year >= 2023
        providers = WIDE_PROVIDERS_FROM_2023 if regime else WIDE_PROVIDERS_BEFORE
        own = world.schools.set_index("brin6").loc[e["brin6"], "provider"].to_numpy()
        if regime:
            own = np.array([DOORSTROOMTOETS_CODES[p] for p in own], dtype=object)
            odd = e["brin6"].str[-1].str.isdigit() & (
                e["brin6"].str[-1].map(lambda c: c.isdigit() and int(c) % 2 == 1)
            )
            own = np.where((own == "LIB") & odd.to_numpy(), "DOE", own)
        frame = _places(world, e["brin6"], int(year))
        frame["ONTHEFFING_REDEN_ND"] = suppress(e["n_exempt"], suppress_below)
        for p in providers:
            n = np.where(own == p, e["n"], 0)
            frame[f"{p}_AANTAL"] = suppress(pd.Series(n), suppress_below).to_numpy()
            score = e["mean_score"].fillna(0.0).to_numpy()
            if regime:  # the world's one doorstroomtoets scale, put on each provider's own
                centre, sd = DOORSTROOMTOETS_SCALE[:2]
                to = WIDE_SCALES_FROM_2023[p]
                score = np.clip(to[0] + to[1] * (score - centre) / sd, to[2], to[3])
            mean = np.where(own == p, score, 0.0)
            text = pd.Series(mean).map(lambda v: f"{v:.12f}".replace(".", ","))
            frame[f"{p}_GEM"] = np.where((n > 0) & (n < suppress_below), "\x00NA", text)
        path = out_dir / f"05.-gemiddelde-eindscores-bo-sbo-{year}-{year + 1}.csv"
        _write_quoted(frame, path)
        written.append(path)
    ref = world.reference_levels
    for year in sorted(ref["school_year"].unique()) if not ref.empty else []:
        r = ref[ref["school_year"] == year].reset_index(drop=True)
        places = _places(world, r["brin6"], int(year)).drop(columns=["PRIKDATUM"])
        frame = places.rename(columns={"PEILDATUM_LEERLINGEN": "PEILDATUM"})
        has_pupils = r[[c for c, _, _ in REFERENCE_LEVEL_COLUMNS]].sum(axis=1) > 0
        for column, _, _ in REFERENCE_LEVEL_COLUMNS:
            frame[column] = suppress(r[column], suppress_below)
        frame = frame[(r["school_type"].str.upper() == "BO").to_numpy() & has_pupils.to_numpy()]
        path = out_dir / f"10.-leerlingen-bo-referentieniveaus-{year}-{year + 1}.csv"
        _write_quoted(frame, path)
        written.append(path)
    return written


def write_truth_files(world: World, out_dir: Path) -> list[Path]:
    """Files for tests and benchmarks only: the pipeline never reads these."""
    (out_dir / TRUTH_DIR).mkdir(parents=True, exist_ok=True)
    paths = [out_dir / TRUTH_FILE, out_dir / CALIBRATION_FILE, out_dir / RISE_FILE]
    world.ground_truth.to_csv(paths[0], index=False, lineterminator="\n")
    world.calibration.to_csv(paths[1], index=False, lineterminator="\n")
    rise = world.rise.round({"expected_rate": 6, "rise": 6})
    rise.to_csv(paths[2], index=False, lineterminator="\n")
    return paths
