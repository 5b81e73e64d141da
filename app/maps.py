"""The gemeente map as filled SVG shapes in classes: light for the browser, readable without colour.

Why not Plotly's ``choropleth_map``: it draws with MapLibre/WebGL, which made the Overview the
slowest page to open *and* to leave (measured in Chromium: a page with only that map took
0.9 s to show against 0.4 s for the same map drawn as SVG shapes, and leaving it cost another
0.7 s). Plotly's SVG ``choropleth`` needs world topology from a CDN, which an offline
installation does not have. So the gemeenten are drawn as filled outlines on plain axes, one
trace per class, with an invisible point per gemeente carrying its hover text.

Classes rather than a continuous scale: a legend of a few labelled classes can be read without
telling shades apart (colour is never the only carrier), and for the risk map the classes are
the risk bands in words (:data:`models.bands.RISK_BANDS`), so map, table and export agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from models.bands import RISK_BANDS, risk_band
from models.texts import BAND_WORDS, pick, t

COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NOT_SHOWN = "#d9d9d9"
LAT_STRETCH = 1 / math.cos(math.radians(52.2))  # a degree of latitude is longer than one of longitude here


@dataclass(frozen=True)
class Outlines:
    """Each gemeente's outer rings as plot coordinates (None between rings) and a hover point."""

    xs: dict[str, list[float | None]]
    ys: dict[str, list[float | None]]
    anchor: dict[str, tuple[float, float]]


def outlines(collection: dict) -> Outlines:
    """Outer rings of every (Multi)Polygon feature, keyed by feature ``id`` (holes are not drawn)."""
    xs: dict[str, list[float | None]] = {}
    ys: dict[str, list[float | None]] = {}
    anchor: dict[str, tuple[float, float]] = {}
    for feature in collection.get("features", []):
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates", [])
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        elif geometry.get("type") != "MultiPolygon":
            continue
        fid = str(feature.get("id"))
        xs[fid], ys[fid] = [], []
        for polygon in polygons:
            ring = polygon[0]
            xs[fid] += [p[0] for p in ring] + [None]
            ys[fid] += [p[1] for p in ring] + [None]
        largest = max((p[0] for p in polygons), key=len)
        anchor[fid] = (float(np.mean([p[0] for p in largest])), float(np.mean([p[1] for p in largest])))
    return Outlines(xs, ys, anchor)


def risk_classes(risk: pd.Series, lang: str) -> tuple[pd.Series, list[str]]:
    """The risk band of each calibrated risk (NaN stays NaN) and the bands' labels, low to high."""
    order = {band: k for k, (_, band) in enumerate(RISK_BANDS)}
    lower, labels = 0.0, []
    for upper, band in RISK_BANDS:
        top = "" if upper >= 1 else f"{upper:.0%}"
        labels.append(f"{pick(BAND_WORDS[band], lang)} ({lower:.0%}–{top})".replace("–)", "+)"))
        lower = upper
    return risk.map(risk_band).map(order), labels


def quantile_classes(values: pd.Series, n: int = 5, digits: int = 1) -> tuple[pd.Series, list[str]]:
    """Up to ``n`` classes with about as many gemeenten each, labelled by their ranges."""
    finite = values.dropna()
    if finite.empty:
        return pd.Series(np.nan, index=values.index), []
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, n + 1)))
    if len(edges) < 2:
        edges = np.array([finite.min(), finite.min() + 1])
    codes = pd.cut(values, edges, include_lowest=True, labels=False)
    labels = [f"{lo:.{digits}f}–{hi:.{digits}f}" for lo, hi in pairwise(edges)]
    return codes, labels


def class_map(
    shapes: Outlines,
    place_ids: Sequence[str],
    classes: pd.Series,
    labels: list[str],
    hover: Sequence[str],
    *,
    title: str,
    legend_title: str,
    lang: str,
    height: int = 600,
) -> go.Figure:
    """Gemeenten filled by class (grey: not shown under the disclosure rules or no value)."""
    codes = pd.Series(np.asarray(classes, dtype=float), index=list(place_ids))
    palette = COLOURS[-len(labels) :] if len(labels) <= len(COLOURS) else COLOURS
    fig = go.Figure()
    groups = [(math.nan, t("map_not_shown", lang), NOT_SHOWN)] + [
        (float(k), label, palette[min(k, len(palette) - 1)]) for k, label in enumerate(labels)
    ]
    for code, label, colour in groups:
        members = codes[codes.isna()] if math.isnan(code) else codes[codes == code]
        xs = [x for fid in members.index if fid in shapes.xs for x in shapes.xs[fid]]
        ys = [y for fid in members.index if fid in shapes.ys for y in shapes.ys[fid]]
        if not xs:
            continue
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=colour,
                mode="lines",
                line={"color": "white", "width": 0.4},
                hoverinfo="skip",
                name=label,
            )
        )
    known = [(fid, text) for fid, text in zip(place_ids, hover, strict=True) if fid in shapes.anchor]
    fig.add_trace(
        go.Scatter(
            x=[shapes.anchor[fid][0] for fid, _ in known],
            y=[shapes.anchor[fid][1] for fid, _ in known],
            mode="markers",
            marker={"size": 9, "opacity": 0},
            hovertext=[text for _, text in known],
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False, fixedrange=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=LAT_STRETCH)
    fig.update_layout(
        height=height,
        title=title,
        plot_bgcolor="white",
        margin={"l": 0, "r": 0, "t": 60, "b": 0},
        legend={
            "title": {"text": legend_title},
            "traceorder": "reversed",
            "orientation": "h",
            "yanchor": "top",
            "y": 0,
        },
        hovermode="closest",
    )
    return fig
