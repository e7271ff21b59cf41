"""Static chart export through kaleido and Debian's Chromium: formats, sizes, one browser.

The kaleido browser is started once for the whole test session by the first export and
stopped at interpreter exit (the module's own atexit hook).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import plotly.graph_objects as go
import psutil
import pytest
from lxml import etree
from PIL import Image

from dashboard.present import chart_images as chart_export
from dashboard.present.deck_pdf import pdf_page_count

LAND = (200, 230, 160)


def _bar(width: int = 400, height: int = 300) -> go.Figure:
    layout = go.Layout(width=width, height=height, title="Contributions, USD")
    return go.Figure(go.Bar(x=["PGTF", "UNFSSC"], y=[3.0, 5.0]), layout=layout)


def _browsers() -> set[int]:
    me = psutil.Process()
    return {p.pid for p in me.children(recursive=True) if "chrom" in p.name().lower()}


def test_png_is_drawn_at_twice_the_figure_size():
    data = chart_export.to_bytes(_bar(400, 300), "png")
    assert chart_export.png_size(data) == (800, 600)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (800, 600)


def test_svg_parses_and_keeps_the_figure_size_and_title():
    data = chart_export.to_bytes(_bar(640, 360), "svg")
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))
    assert (root.get("width"), root.get("height")) == ("640", "360")
    texts = "".join(root.itertext())
    assert "Contributions, USD" in texts


def test_pdf_has_one_page_of_the_figure_size_in_points():
    data = chart_export.to_bytes(_bar(600, 400), "pdf")
    assert data.startswith(b"%PDF-")
    assert pdf_page_count(data) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert box is not None
    assert (float(box.group(1)), float(box.group(2))) == (450.0, 300.0)


def test_size_falls_back_to_a_sixteen_by_nine_default():
    fig = go.Figure(go.Bar(x=[1], y=[1]))
    data = chart_export.to_bytes(fig, "png")
    assert chart_export.png_size(data) == (2 * 1200, 2 * 675)


def test_write_takes_the_format_from_the_suffix(tmp_path: Path):
    out = chart_export.write(_bar(), tmp_path / "sub" / "chart.svg")
    assert out.read_bytes().lstrip().startswith(b"<svg")


def test_unknown_format_is_refused_with_the_choices():
    with pytest.raises(chart_export.ExportError, match="png, svg, pdf"):
        chart_export.to_bytes(_bar(), "eps")


def test_exports_reuse_one_browser():
    chart_export.to_bytes(_bar(), "svg")
    before = _browsers()
    for fmt in ("png", "svg", "pdf"):
        chart_export.to_bytes(_bar(), fmt)
    assert chart_export.is_running()
    assert before
    assert _browsers() == before


def test_map_draws_land_from_the_project_topojson_offline():
    geo = go.Figure(
        go.Scattergeo(lon=[4.83, 1.22], lat=[45.76, 6.13], mode="markers+lines"),
        layout=go.Layout(
            width=500,
            height=300,
            geo={"showland": True, "landcolor": "rgb(200,230,160)", "scope": "world"},
        ),
    )
    data = chart_export.to_bytes(geo, "png")
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        colours = dict((colour, count) for count, colour in rgb.getcolors(maxcolors=1 << 20))
        total = rgb.width * rgb.height
    assert colours.get(LAND, 0) > 0.05 * total
