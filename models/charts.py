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


# -- the gemeente brief's charts (models/brief.py): readable in black and white -------------------
# The brief is printed, often on a black-and-white office printer, so these charts carry meaning by
# shape, line style and words, never by colour alone: the place is a solid black line with filled
# marks, the national line is dashed, an interval is a light grey band, an elevated year is a
# filled diamond with its own legend entry.
BLACK, BAND, TICK = "#000", "#d9d9d9", "#9a9a9a"


@dataclass(frozen=True)
class Series:
    """One line of a :func:`line_chart`: values per x position (NaN: a gap), drawn in ``style``.

    ``style`` is ``"solid"`` (the place) or ``"dashed"`` (a reference such as the national rate);
    ``marks`` gives each point's mark: ``"dot"``, ``"open"`` or ``"diamond"`` (None: no mark).
    """

    label: str
    values: Sequence[float]
    style: str = "solid"
    marks: Sequence[str | None] | None = None


def _mark(kind: str | None, x: float, y: float) -> str:
    if kind == "diamond":
        return (
            f"<path d='M{x:.1f},{y - 6:.1f} L{x + 6:.1f},{y:.1f} L{x:.1f},{y + 6:.1f} "
            f"L{x - 6:.1f},{y:.1f} Z' fill='{BLACK}' stroke='{BLACK}'/>"
        )
    if kind == "open":
        return f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='#fff' stroke='{BLACK}' stroke-width='1.3'/>"
    if kind == "dot":
        return f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='{BLACK}'/>"
    return ""


def _nice_max(value: float) -> float:
    """A round upper end for a percentage axis (5, 10, 20, 25, 40, 50 … 100)."""
    for step in (1, 2, 5, 10, 20, 25, 40, 50, 60, 80, 100):
        if value <= step:
            return float(step)
    return float(math.ceil(value / 10) * 10)


def _wrapped_title(title: str, max_chars: int = 88) -> list[str]:
    """A long title in lines of at most ``max_chars`` (the brief's titles name what is measured)."""
    lines, line = [], ""
    for word in title.split(" "):
        if line and len(line) + 1 + len(word) > max_chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    band: tuple[Sequence[float], Sequence[float]] | None = None,
    band_label: str = "",
    legend: Sequence[tuple[str, str]] = (),
    y_unit: str = "%",
) -> str:
    """Values over years: lines in black (solid/dashed), an optional grey interval band.

    ``legend`` adds entries for marks (``("diamond", "elevated")``); every line is named in the
    legend too, so the chart reads without colour. Missing values break the line.
    """
    heading = _wrapped_title(title)
    width, left, right, top, plot_h = 660, 46, 16, 34 + 15 * (len(heading) - 1), 170
    n = max(len(x_labels), 1)
    plot_w = width - left - right
    finite = [v for s in series for v in s.values if _finite(v)]
    if band is not None:
        finite += [v for v in band[1] if _finite(v)]
    y_max = _nice_max(max([*finite, 1.0]) * 1.05)
    quarter = y_max / 4
    y_min = -quarter * math.ceil(-min(finite) / quarter) if finite and min(finite) < 0 else 0.0  # a shortfall

    def sx(i: int) -> float:
        return left + (i + 0.5) * plot_w / n

    def sy(v: float) -> float:
        return top + plot_h - (max(y_min, min(v, y_max)) - y_min) / (y_max - y_min) * plot_h

    body = [
        _text(0, 14 + 15 * i, line, extra=f"font-weight='600' fill='{BLACK}'", size=12)
        for i, line in enumerate(heading)
    ]
    for step in range(round((y_max - y_min) / quarter) + 1):
        value = y_min + step * quarter
        y = sy(value)
        body.append(
            _line(left, y, left + plot_w, y, f"stroke='#e6e6e6' stroke-width='{1.2 if value == 0 else 0.6}'")
        )
        body.append(_text(left - 5, y + 4, f"{value:g}{y_unit}", anchor="end", size=9))
    if band is not None:
        lows, highs = band
        run: list[int] = []
        for i in [*range(n), n]:  # one polygon per unbroken stretch
            if i < n and _finite(lows[i]) and _finite(highs[i]):
                run.append(i)
                continue
            if run:
                pts = [(sx(j), sy(highs[j])) for j in run] + [(sx(j), sy(lows[j])) for j in reversed(run)]
                if len(run) == 1:
                    j = run[0]
                    pts = [
                        (sx(j) - 4, sy(highs[j])),
                        (sx(j) + 4, sy(highs[j])),
                        (sx(j) + 4, sy(lows[j])),
                        (sx(j) - 4, sy(lows[j])),
                    ]
                body.append(
                    "<polygon points='" + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + f"' fill='{BAND}'/>"
                )
            run = []
    for s in series:
        dash = " stroke-dasharray='5,4'" if s.style == "dashed" else ""
        pts = [(sx(i), sy(v)) if _finite(v) else None for i, v in enumerate(s.values)]
        path, pen = [], False
        for p in pts:
            if p is None:
                pen = False
                continue
            path.append(f"{'L' if pen else 'M'}{p[0]:.1f},{p[1]:.1f}")
            pen = True
        if path:
            width_ = 1.3 if s.style == "dashed" else 2
            body.append(
                f"<path d='{' '.join(path)}' fill='none' stroke='{BLACK}' stroke-width='{width_}'{dash}/>"
            )
        for p, mark in zip(pts, s.marks or [None] * len(pts), strict=True):
            if p is not None:
                body.append(_mark(mark, *p))
    step = max(1, math.ceil(n / 12))
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            body.append(_text(sx(i), top + plot_h + 14, label, anchor="middle", size=9))
    # legend: every line and mark in words, so nothing depends on colour
    x, y = left, top + plot_h + 34
    entries: list[tuple[str, str]] = [(f"line:{s.style}", s.label) for s in series]
    if band is not None and band_label:
        entries.append(("band", band_label))
    entries += list(legend)
    for kind, label in entries:
        if kind.startswith("line:"):
            dash = " stroke-dasharray='5,4'" if kind == "line:dashed" else ""
            body.append(_line(x, y - 4, x + 22, y - 4, f"stroke='{BLACK}' stroke-width='1.6'{dash}"))
        elif kind == "band":
            body.append(f"<rect x='{x}' y='{y - 9}' width='22' height='10' fill='{BAND}'/>")
        else:
            body.append(_mark(kind, x + 11, y - 4))
        body.append(_text(x + 27, y, label, size=9))
        x += 40 + 5.2 * len(label)
        if x > width - 120:
            x, y = left, y + 15
    return _svg(width, y + 8, title, body)


def strip_chart(
    title: str,
    everyone: Sequence[float],
    peers: Sequence[float],
    own: float | None,
    labels: tuple[str, str, str],
    *,
    unit: str = "%",
) -> str:
    """One value of every place on one axis: all places as grey ticks, the peers as open circles,
    the place itself as a black diamond — the national picture and the peer group at a glance.

    ``labels`` names the three kinds of mark (all places, peers, this place) in the legend.
    """
    heading = _wrapped_title(title)
    width, left, right, top = 660, 16, 16, 30 + 15 * (len(heading) - 1)
    plot_w = width - left - right
    values = [v for v in [*everyone, *peers, own if own is not None else math.nan] if _finite(v)]
    x_max = _nice_max(max([*values, 1.0]) * 1.05)
    x_min = -_nice_max(-min(values) * 1.05) if values and min(values) < 0 else 0.0

    def sx(v: float) -> float:
        return left + (max(x_min, min(v, x_max)) - x_min) / (x_max - x_min) * plot_w

    axis = top + 34
    body = [
        _text(0, 14 + 15 * i, line, extra=f"font-weight='600' fill='{BLACK}'", size=12)
        for i, line in enumerate(heading)
    ]
    body.append(_line(left, axis, left + plot_w, axis, f"stroke='{BLACK}' stroke-width='0.8'"))
    for frac in (0, 0.25, 0.5, 0.75, 1):
        v = x_min + frac * (x_max - x_min)
        body.append(_line(sx(v), axis, sx(v), axis + 4, f"stroke='{BLACK}'"))
        body.append(_text(sx(v), axis + 15, f"{v:g}{unit}", anchor="middle", size=9))
    for v in everyone:
        if _finite(v):
            body.append(_line(sx(v), axis - 14, sx(v), axis - 2, f"stroke='{TICK}' stroke-width='1'"))
    for v in peers:
        if _finite(v):
            body.append(_mark("open", sx(v), axis - 20))
    if own is not None and _finite(own):
        body.append(_mark("diamond", sx(own), axis - 30))
    y, x = axis + 34, left
    for kind, label in zip(("tick", "open", "diamond"), labels, strict=True):
        if kind == "tick":
            body.append(_line(x + 11, y - 10, x + 11, y + 1, f"stroke='{TICK}' stroke-width='1.2'"))
        else:
            body.append(_mark(kind, x + 11, y - 4))
        body.append(_text(x + 27, y, label, size=9))
        x += 50 + 5.2 * len(label)
    return _svg(width, y + 8, title, body)
