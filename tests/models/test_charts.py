"""The card's SVG charts: well-formed, escaped, and drawn where the numbers say."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from models.charts import IntervalPanel, Point, interval_chart, scatter_chart

SVG = "{http://www.w3.org/2000/svg}"
XSS = "<script>alert(1)</script> & co"


def test_interval_chart_is_valid_svg_with_one_point_per_finite_value() -> None:
    panel = IntervalPanel("bereik", [0.25, math.nan, 0.75], [0.2, 0.1, 0.7], [0.3, 0.2, 0.8], reference=0.25)
    svg = interval_chart(XSS, ["stedelijk", XSS, "landelijk"], [panel, panel])
    root = ET.fromstring(svg)  # well-formed: a data label cannot break out
    circles = root.findall(f"{SVG}circle")
    assert len(circles) == 4  # two panels × two finite values; NaN draws nothing
    xs = sorted(float(c.get("cx")) for c in circles[:2])
    assert xs[1] - xs[0] > 0  # 0.25 and 0.75 land at different places, left to right
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert XSS in texts and "stedelijk" in texts


def test_scatter_chart_puts_a_larger_value_higher_and_further_right() -> None:
    svg = scatter_chart("t", [Point(0.1, 0.1, "a"), Point(0.4, 0.3, "b", 0.2, 0.35)], "x", "y", diagonal=True)
    circles = ET.fromstring(svg).findall(f"{SVG}circle")
    (ax, ay), (bx, by) = ((float(c.get("cx")), float(c.get("cy"))) for c in circles)
    assert bx > ax and by < ay  # SVG's y grows downwards
