"""The deck as PPTX (re-opened with python-pptx) and as PDF (one page per slide, fonts embedded)."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.util import Inches

from dashboard.present import chart_images as chart_export
from dashboard.present import deck_pdf
from dashboard.present.deck import Deck, DeckLabels, SourceDoc, ViewSlide, slide_count, write_pptx

RES = SourceDoc(
    "doc_res", "A/RES/58/220 — Resolution 58/220 (UN, 2003)", "https://undocs.org/A/RES/58/220"
)
MAYORS = SourceDoc("doc_mayors", "A/CONF.191/L.11 — Mayors meeting (UN, 2001)")


@pytest.fixture(scope="module")
def png() -> bytes:
    fig = go.Figure(go.Bar(x=["PGTF", "DGTTF"], y=[3, 5]), layout={"width": 600, "height": 338})
    return chart_export.to_bytes(fig, "png")


def _deck(png: bytes, lang: str = "en", demo: bool = True, sources: int = 0) -> Deck:
    many = tuple(SourceDoc(f"d{i}", f"Document {i}") for i in range(sources))
    views = (
        ViewSlide("Money by stage group", "US$2.1M transferred", png, ("Pledges are not added",),
                  (RES, MAYORS), ("1 flow without exchange rate not included",)),
        ViewSlide("Contributions by contributor", "Thailand gave most", png, (), (MAYORS, *many)),
        ViewSlide("City-to-city partnerships", "—", None, (), (), (), "No data for these filters"),
    )  # fmt: skip
    subtitle = ("Dataset: demo", "Filters: 2019–2020", "23 November 2026")
    return Deck(lang, "Funding flows", subtitle, views, demo=demo, labels=DeckLabels())


def _texts(slide) -> dict[str, str]:
    return {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}


def test_pptx_has_title_one_slide_per_view_and_closing_sources(tmp_path: Path, png: bytes):
    deck = _deck(png)
    prs = Presentation(str(write_pptx(deck, tmp_path / "talk.pptx")))
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles == [
        "Funding flows",
        "Money by stage group",
        "Contributions by contributor",
        "City-to-city partnerships",
        "Source documents",
    ]
    assert len(prs.slides) == slide_count(deck) == 5
    assert _texts(prs.slides[0])["subtitle"].splitlines() == list(deck.subtitle_lines)


def test_each_view_slide_has_chart_headline_rules_and_numbered_footnotes(tmp_path, png):
    prs = Presentation(str(write_pptx(_deck(png), tmp_path / "talk.pptx")))
    first, second, empty = (prs.slides[i] for i in (1, 2, 3))
    texts = _texts(first)
    assert texts["headline"] == "US$2.1M transferred"
    assert "• Pledges are not added" in texts["rules"]
    assert "1 flow without exchange rate not included" in texts["rules"]
    assert texts["footnotes"] == (
        "Sources: [1] A/RES/58/220 — Resolution 58/220 (UN, 2003); "
        "[2] A/CONF.191/L.11 — Mayors meeting (UN, 2001)"
    )
    assert [s.name for s in first.shapes if s.shape_type == 13] == ["chart"]  # 13: picture
    assert _texts(second)["footnotes"] == "Sources: [2] A/CONF.191/L.11 — Mayors meeting (UN, 2001)"
    assert _texts(empty)["chart"] == "No data for these filters"
    assert "footnotes" not in _texts(empty)


def test_closing_slide_lists_every_source_with_its_link(tmp_path, png):
    prs = Presentation(str(write_pptx(_deck(png), tmp_path / "talk.pptx")))
    lines = _texts(prs.slides[-1])["source_list"].splitlines()
    assert lines == [
        "[1] A/RES/58/220 — Resolution 58/220 (UN, 2003) — https://undocs.org/A/RES/58/220",
        "[2] A/CONF.191/L.11 — Mayors meeting (UN, 2001)",
    ]


def test_long_source_lists_are_cut_on_the_slide_and_paged_at_the_end(tmp_path, png):
    deck = _deck(png, sources=20)
    prs = Presentation(str(write_pptx(deck, tmp_path / "talk.pptx")))
    note = _texts(prs.slides[2])["footnotes"]
    assert note.endswith("[5] Document 2; … and 17 more, listed on the last slide")
    assert [s.shapes.title.text for s in prs.slides][-2:] == [
        "Source documents (1/2)",
        "Source documents (2/2)",
    ]
    assert len(prs.slides) == slide_count(deck) == 6


def test_demo_notice_is_on_every_slide_only_when_demo_rows_are_shown(tmp_path, png):
    with_demo = Presentation(str(write_pptx(_deck(png), tmp_path / "a.pptx")))
    assert all(_texts(s).get("demo_notice") == "Demo data — synthetic" for s in with_demo.slides)
    real = Presentation(str(write_pptx(_deck(png, demo=False), tmp_path / "b.pptx")))
    assert not any("demo_notice" in _texts(s) for s in real.slides)
    assert [_texts(s)["page_number"] for s in real.slides] == [f"{i} / 5" for i in range(1, 6)]


def test_arabic_slides_are_mirrored_and_marked_right_to_left(tmp_path, png):
    prs = Presentation(str(write_pptx(_deck(png, lang="ar"), tmp_path / "ar.pptx")))
    slide = prs.slides[1]
    chart = next(s for s in slide.shapes if s.name == "chart")
    rules = next(s for s in slide.shapes if s.name == "rules")
    assert chart.left > rules.left
    assert chart.left + chart.width == Inches(13.333 - 0.4)
    para = rules.text_frame.paragraphs[0]._p
    assert para.pPr.get("rtl") == "1"


def test_pdf_has_one_page_per_slide_at_slide_size(tmp_path, png):
    deck = _deck(png, sources=20)
    data = deck_pdf.write_pdf(deck, tmp_path / "talk.pdf").read_bytes()
    assert deck_pdf.pdf_page_count(data) == slide_count(deck) == 6
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(960, 540)}


def test_html_rendition_sets_direction_and_escapes_text(png):
    deck = _deck(png, lang="ar")
    page = deck_pdf.deck_html(deck)
    assert '<html lang="ar" dir="rtl">' in page
    evil = Deck("en", "<script>x</script>", (), (), labels=DeckLabels())
    assert "<script>x" not in deck_pdf.deck_html(evil)


def test_arabic_and_chinese_pdfs_embed_fonts_that_have_their_glyphs(tmp_path, png):
    arabic = Deck("ar", "التدفقات المالية", ("مجموعة البيانات: demo",), (), labels=DeckLabels())
    chinese = Deck("zh", "资金流动", ("数据集：demo",), (), labels=DeckLabels())
    ar = deck_pdf.write_pdf(arabic, tmp_path / "ar.pdf").read_bytes()
    zh = deck_pdf.write_pdf(chinese, tmp_path / "zh.pdf").read_bytes()
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+DejaVuSans", ar)
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+NotoSansCJK", zh)
