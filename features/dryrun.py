"""``kansenradar validate``: the path of ``run`` up to the panels, without training.

:func:`check_folder` reads the folder exactly as ``run`` and ``features`` do
(:func:`features.catalog.assemble`), then builds the panels, so a folder ``validate`` accepts
is a folder ``run`` can build from, and one it refuses is one ``run`` refuses with the same
problems.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from features.catalog import FolderReport, assemble
from features.errors import DataError
from features.panel import build_panels
from features.vocabulary import ATTAINMENT_TARGET
from features.years import MIN_TRAINING_YEARS, format_school_year

PREVIEW_COLUMNS = ("place_id", "place_name", "school_year", "n_pupils", "n_events", "n_expected")


def trainable(panels: dict[tuple[str, str], pd.DataFrame]) -> tuple[set[tuple[str, str]], list[str]]:
    """The (target, level) panels with enough school years to train, and why the others lack."""
    ok, why = set(), []
    for key, panel in panels.items():
        years = sorted(int(y) for y in panel["school_year"].unique())
        if len(years) >= MIN_TRAINING_YEARS:
            ok.add(key)
        else:
            have = ", ".join(format_school_year(y) for y in years) or "none"
            why.append(f"{key[0]} × {key[1]}: {len(years)} school year(s) ({have})")
    return ok, why


def years_error(data_dir: Path, panels: dict[tuple[str, str], pd.DataFrame]) -> DataError | None:
    """The refusal when no panel has :data:`MIN_TRAINING_YEARS` school years (``validate`` and
    ``run`` give the same one)."""
    ok, why = trainable(panels)
    if ok or not panels:
        return None
    return DataError(
        data_dir,
        f"training needs at least {MIN_TRAINING_YEARS} school years of outcomes; this folder has "
        + "; ".join(why),
        expected=f"files for {MIN_TRAINING_YEARS} or more school years (e.g. the 04-, 05.- and 10.- "
        "files of several years)",
    )


def check_folder(data_dir: Path) -> FolderReport:
    """Read, cross-check and build panels for ``data_dir``; every data problem in the report.

    The attainment target's O, E and O/E per school are kept in ``report.previews`` (validate
    shows them). A folder from which nothing can be trained (too few school years) is refused."""
    from features.targets import add_targets

    sources, report = assemble(data_dir)
    if report.ok:
        try:
            panels = build_panels(sources)
        except DataError as exc:
            report.errors.append(exc)
            return report
        for key in [(ATTAINMENT_TARGET, "school"), (ATTAINMENT_TARGET, "gemeente")]:
            if key in panels:
                shown = add_targets(panels[key])
                cols = [
                    c
                    for c in (
                        *PREVIEW_COLUMNS,
                        "ratio",
                        "shrunk_ratio",
                        "ratio_lower",
                        "ratio_upper",
                        "elevated",
                    )
                    if c in shown
                ]
                report.previews[key] = shown[cols]
        _, why = trainable(panels)
        refusal = years_error(data_dir, panels)
        if refusal is not None:
            report.errors.append(refusal)
        elif why:
            report.notes.extend(f"not trained, too few school years: {w}" for w in why)
    return report
