"""The brief's charts: well-formed, escaped, gaps where figures are hidden, and grey only."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

from models.charts import Series, line_chart, strip_chart

SVG = "{http://www.w3.org/2000/svg}"
XSS = "<script>alert(1)</script> & co"


def _grey_only(svg: str) -> bool:
    """Every colour is a grey (r = g = b): the chart prints the same in black and white."""
    for colour in re.findall(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\b", svg):
        full = "".join(c * 2 for c in colour) if len(colour) == 3 else colour
        if not full[0:2] == full[2:4] == full[4:6]:
            return False
    return True


def test_line_chart_breaks_at_a_hidden_year_and_names_every_line() -> None:
    svg = line_chart(
        XSS,
        ["2020-21", "2021-22", "2022-23", "2023-24"],
        [
            Series(XSS, [10.0, math.nan, 12.0, 14.0], "solid", ["open", None, "diamond", "dot"]),
            Series("landelijk", [9.0, 9.5, 10.0, 10.5], "dashed"),
        ],
        band=([8.0, math.nan, 10.0, 12.0], [12.0, math.nan, 14.0, 16.0]),
        band_label="90%-interval",
        legend=[("diamond", "verhoogd")],
    )
    root = ET.fromstring(svg)
    place = root.findall(f"{SVG}path")[0].get("d")
    assert place.count("M") == 2  # the hidden year breaks the line in two
    assert len(root.findall(f"{SVG}polygon")) == 2  # and the band
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert XSS in texts and "landelijk" in texts and "verhoogd" in texts and "90%-interval" in texts
    assert "<script>" not in svg and _grey_only(svg)


def test_strip_chart_marks_the_place_right_of_a_lower_peer() -> None:
    svg = strip_chart("t", [1.0, 2.0, 3.0, 30.0], [2.0], 30.0, ("alle", "peers", XSS))
    root = ET.fromstring(svg)
    diamond = next(p for p in root.findall(f"{SVG}path") if p.get("d", "").startswith("M"))
    peer = root.findall(f"{SVG}circle")[0]
    assert float(diamond.get("d")[1:].split(",")[0]) > float(peer.get("cx"))
    assert "<script>" not in svg and _grey_only(svg)


def test_the_grey_check_sees_colour() -> None:
    assert not _grey_only("<rect fill='#2a6f97'/>") and _grey_only("<rect fill='#d9d9d9'/>")


def test_a_negative_shortfall_is_drawn_below_zero_not_clipped() -> None:
    """Under-advice relative to attainment is a shortfall 1 − O/E: it can be below zero."""
    svg = line_chart("t", ["a", "b"], [Series("x", [-8.0, 6.0], "solid", ["dot", "dot"])])
    root = ET.fromstring(svg)
    low, high = (float(c.get("cy")) for c in root.findall(f"{SVG}circle"))
    zero = next(t for t in root.iter(f"{SVG}text") if t.text == "0%")
    assert low > float(zero.get("y")) - 4 > high  # SVG's y grows downwards
