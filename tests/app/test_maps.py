"""The gemeente map: every place in exactly one class, hidden places grey, words beside colours."""

from __future__ import annotations

import math

import pandas as pd

from app.maps import NOT_SHOWN, class_map, outlines, quantile_classes, risk_classes


def square(x: float, y: float) -> list:
    return [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]


COLLECTION = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "id": "GM1", "geometry": {"type": "Polygon", "coordinates": [square(0, 0)]}},
        {
            "type": "Feature",
            "id": "GM2",
            "geometry": {"type": "MultiPolygon", "coordinates": [[square(2, 0)], [square(4, 0)]]},
        },
        {"type": "Feature", "id": "GM3", "geometry": {"type": "Polygon", "coordinates": [square(0, 2)]}},
    ],
}


def test_outlines_keep_every_ring_and_a_point_to_hover() -> None:
    shapes = outlines(COLLECTION)
    assert shapes.xs["GM2"].count(None) == 2  # two rings, each closed by a gap
    assert shapes.anchor["GM1"] == (0.4, 0.4)  # mean of the ring's five positions


def test_risk_classes_are_the_risk_bands_in_words() -> None:
    codes, labels = risk_classes(pd.Series([0.05, 0.2, 0.45, 0.9, math.nan]), "nl")
    assert codes.tolist()[:4] == [0, 1, 2, 3] and math.isnan(codes.iloc[4])
    assert labels[0].startswith("laag") and labels[-1].startswith("zeer hoog")
    assert risk_classes(pd.Series([0.5]), "en")[1][2].startswith("high")


def test_each_place_is_drawn_once_in_its_class_and_hidden_ones_grey() -> None:
    values = pd.Series([1.0, 5.0, math.nan])
    classes, labels = quantile_classes(values, n=2)
    fig = class_map(
        outlines(COLLECTION),
        ["GM1", "GM2", "GM3"],
        classes,
        labels,
        ["<b>a</b>", "b", "c"],
        title="t",
        legend_title="%",
        lang="en",
    )
    filled = [trace for trace in fig.data if trace.fill == "toself"]
    grey = next(trace for trace in filled if trace.fillcolor == NOT_SHOWN)
    assert grey.x.count(None) == 1 and grey.name.startswith("not shown")  # GM3
    drawn = sum(trace.x.count(None) for trace in filled)
    assert drawn == 4  # GM1 + two rings of GM2 + GM3, none twice
    hover = fig.data[-1]
    assert len(hover.x) == 3 and list(hover.hovertext) == ["<b>a</b>", "b", "c"]


def test_the_map_draws_the_boundaries_of_the_data_in_use(tmp_path, monkeypatch) -> None:
    """A user's own boundary file, read by the run, reaches the map; before a run the embedded."""
    from app import ui
    from models.bundle import write_boundaries

    monkeypatch.setenv("KANSENRADAR_OUTPUT_DIR", str(tmp_path))
    embedded = ui.boundaries()
    assert len(embedded["features"]) > 300  # the embedded national boundaries
    write_boundaries(tmp_path, COLLECTION)  # what `run` writes for the data it read
    assert [f["id"] for f in ui.boundaries()["features"]] == ["GM1", "GM2", "GM3"]
    assert set(outlines(ui.boundaries()).anchor) == {"GM1", "GM2", "GM3"}
