"""The model card's charts as inline SVG: points with intervals, and labelled scatter plots.

Why not matplotlib: the card is written in two languages for every registered version, and
matplotlib took about 0.3 s per figure (18 figures per card pair), the largest serial cost of the
main job after this round's changes. These two chart kinds are simple enough that plain SVG draws
them in milliseconds; the text stays text (searchable, translatable, sharp when printed), and the
file still opens anywhere without scripts. Every label is escaped: group names come from data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

BLUE, LIGHT, GREY, INK = "#2a6f97", "#7aa6c2", "#888", "#1b1b1b"
FONT = "font-family='system-ui,sans-serif'"


@dataclass(frozen=True)
class IntervalPanel:
    """One panel: a metric per group as a point with its interval, and the reference group's value."""

    title: str
    values: Sequence[float]
    lows: Sequence[float]
    highs: Sequence[float]
    reference: float | None = None


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    y_low: float | None = None
    y_high: float | None = None


def _finite(v: float | None) -> bool:
    return v is not None and isinstance(v, int | float) and math.isfinite(v)


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "", size: int = 11) -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' {FONT} font-size='{size}' {extra}>"
        f"{escape(str(text))}</text>"
    )


def _line(x1: float, y1: float, x2: float, y2: float, style: str) -> str:
    return f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' {style}/>"


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:.0f}' height='{height:.0f}' "
        f"viewBox='0 0 {width:.0f} {height:.0f}' role='img' aria-label='{escape(title, quote=True)}'>"
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def interval_chart(title: str, groups: Sequence[str], panels: Sequence[IntervalPanel]) -> str:
    """Side-by-side panels on a 0–1 scale, one row per group; dotted line: the reference group."""
    label_w, panel_w, gap, row_h, top = 150, 230, 20, 24, 46
    width = label_w + len(panels) * (panel_w + gap)
    height = top + row_h * len(groups) + 30
    body = [_text(8, 16, title, extra=f"font-weight='600' fill='{INK}'")]
    for i, group in enumerate(groups):
        body.append(_text(label_w - 8, top + row_h * i + 16, group, anchor="end"))
    for p, panel in enumerate(panels):
        x0 = label_w + p * (panel_w + gap)

        def sx(v: float, x0: float = x0) -> float:
            return x0 + max(0.0, min(1.0, v)) * panel_w

        bottom = top + row_h * len(groups)
        body.append(_text(x0 + panel_w / 2, top - 10, panel.title, anchor="middle"))
        body.append(
            f"<rect x='{x0}' y='{top}' width='{panel_w}' height='{bottom - top}' fill='none' stroke='#ccc'/>"
        )
        for tick in (0, 0.5, 1):
            body.append(_text(sx(tick), bottom + 14, f"{tick:g}", anchor="middle", extra=f"fill='{GREY}'"))
        if _finite(panel.reference):
            x = sx(panel.reference)
            body.append(_line(x, top, x, bottom, f"stroke='{GREY}' stroke-dasharray='2,3'"))
        for i, (v, lo, hi) in enumerate(zip(panel.values, panel.lows, panel.highs, strict=True)):
            y = top + row_h * i + 12
            if _finite(lo) and _finite(hi):
                body.append(_line(sx(lo), y, sx(hi), y, f"stroke='{LIGHT}' stroke-width='2'"))
            if _finite(v):
                body.append(f"<circle cx='{sx(v):.1f}' cy='{y}' r='4' fill='{BLUE}'/>")
    return _svg(width, height, title, body)


def scatter_chart(
    title: str,
    points: Sequence[Point],
    x_label: str,
    y_label: str,
    *,
    diagonal: bool = False,
) -> str:
    """Labelled points (with vertical intervals when given); ``diagonal`` draws y = x."""
    size, left, top = 300, 56, 30
    xs = [p.x for p in points if _finite(p.x)]
    ys = [v for p in points for v in (p.y, p.y_high) if _finite(v)]
    x_max = max([*xs, 0.05]) * 1.15
    y_max = max([*ys, 0.05]) * 1.15
    if diagonal:
        x_max = y_max = max(x_max, y_max)
    x_min = min([*xs, 0.0])
    y_min = min([v for p in points for v in (p.y, p.y_low) if _finite(v)] + [0.0])

    def sx(v: float) -> float:
        return left + (v - x_min) / (x_max - x_min) * size

    def sy(v: float) -> float:
        return top + size - (v - y_min) / (y_max - y_min) * size

    body = [
        _text(8, 16, title, extra=f"font-weight='600' fill='{INK}'"),
        f"<rect x='{left}' y='{top}' width='{size}' height='{size}' fill='none' stroke='#ccc'/>",
        _text(left + size / 2, top + size + 34, x_label, anchor="middle"),
        _text(
            14,
            top + size / 2,
            y_label,
            anchor="middle",
            extra=f"transform='rotate(-90 14 {top + size / 2:.1f})'",
        ),
    ]
    for frac in (0, 0.5, 1):
        xv, yv = x_min + frac * (x_max - x_min), y_min + frac * (y_max - y_min)
        body.append(_text(sx(xv), top + size + 14, f"{xv:.2f}", anchor="middle", extra=f"fill='{GREY}'"))
        body.append(_text(left - 4, sy(yv) + 4, f"{yv:.2f}", anchor="end", extra=f"fill='{GREY}'"))
    if diagonal:
        body.append(_line(sx(0), sy(0), sx(x_max), sy(y_max), f"stroke='{GREY}' stroke-dasharray='4,3'"))
    for p in points:
        if not (_finite(p.x) and _finite(p.y)):
            continue
        if _finite(p.y_low) and _finite(p.y_high):
            body.append(
                _line(sx(p.x), sy(p.y_low), sx(p.x), sy(p.y_high), f"stroke='{LIGHT}' stroke-width='2'")
            )
        body.append(f"<circle cx='{sx(p.x):.1f}' cy='{sy(p.y):.1f}' r='4' fill='{BLUE}'/>")
        body.append(_text(sx(p.x) + 6, sy(p.y) - 5, p.label, size=9))
    return _svg(left + size + 20, top + size + 44, title, body)
