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
from features.synthetic.files import CALIBRATION_FILE, RISE_FILE, TRUTH_DIR, TRUTH_FILE
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
        path = out_dir / f"04-leerlingen-bo-sbo-schooladviezen-{year}-{year + 1}.csv"
        _write(frame, path, "cp1252" if year < 2022 else "utf-8-sig")
        written.append(path)

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


def write_truth_files(world: World, out_dir: Path) -> list[Path]:
    """Files for tests and benchmarks only: the pipeline never reads these."""
    (out_dir / TRUTH_DIR).mkdir(parents=True, exist_ok=True)
    paths = [out_dir / TRUTH_FILE, out_dir / CALIBRATION_FILE, out_dir / RISE_FILE]
    world.ground_truth.to_csv(paths[0], index=False, lineterminator="\n")
    world.calibration.to_csv(paths[1], index=False, lineterminator="\n")
    rise = world.rise.round({"expected_rate": 6, "rise": 6})
    rise.to_csv(paths[2], index=False, lineterminator="\n")
    return paths
