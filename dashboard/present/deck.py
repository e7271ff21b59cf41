"""A story as a PowerPoint deck (python-pptx): title, one slide per view, closing source list.

The deck is described by plain data (``dashboard.present.deck_model``: ``Deck``, ``ViewSlide``,
``SourceDoc``); this module only lays it out. Arabic slides are mirrored and their paragraphs marked
right-to-left; the viewer shapes the text. The PDF rendition lives in
``dashboard.present.deck_pdf``.
"""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from dashboard.present.deck_model import Deck, DeckLabels, SourceDoc, ViewSlide

__all__ = ["Deck", "DeckLabels", "SourceDoc", "ViewSlide", "build_pptx", "slide_count",
           "write_pptx"]  # fmt: skip

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
DEMO_RED = RGBColor(0xB0, 0x1C, 0x1C)
INK = RGBColor(0x11, 0x11, 0x11)
MUTED = RGBColor(0x44, 0x44, 0x44)


def _box(
    slide,
    deck: Deck,
    name: str,
    box: tuple[float, float, float, float],
    lines,
    size: int,
    bold: bool = False,
    color: RGBColor = INK,
):
    """A text box at (left, top, width, height) inches, mirrored for right-to-left decks."""
    left, top, width, height = box
    if deck.rtl:
        left = SLIDE_W - left - width
    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    for i, line in enumerate([lines] if isinstance(lines, str) else list(lines)):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
        _style(para, deck, size, bold, color)
    return shape


def _style(para, deck: Deck, size: int, bold: bool = False, color: RGBColor = INK) -> None:
    for run in para.runs:
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
    if deck.rtl:
        para.alignment = PP_ALIGN.RIGHT
        para._p.get_or_add_pPr().set("rtl", "1")  # python-pptx has no API for paragraph direction


def _title(slide, deck: Deck, text: str, top: float = 0.35, size: int = 30) -> None:
    title = slide.shapes.title
    title.left, title.top = Inches(0.4), Inches(top)
    title.width, title.height = Inches(SLIDE_W - 0.8), Inches(0.8)
    title.text = text
    _style(title.text_frame.paragraphs[0], deck, size, bold=True)
    if not deck.rtl:
        title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT


def _decorate(slide, deck: Deck, page: int, pages: int) -> None:
    """Demo notice (when demo rows are shown) and the page counter, on every slide."""
    if deck.demo:
        _box(
            slide,
            deck,
            "demo_notice",
            (SLIDE_W - 4.6, 0.02, 4.4, 0.34),
            deck.labels.demo_notice,
            12,
            bold=True,
            color=DEMO_RED,
        )
    counter = deck.labels.page.format(page=page, pages=pages)
    _box(
        slide,
        deck,
        "page_number",
        (SLIDE_W - 1.5, SLIDE_H - 0.4, 1.3, 0.3),
        counter,
        9,
        color=MUTED,
    )


def _title_slide(prs, deck: Deck) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _title(slide, deck, deck.title, top=2.2, size=36)
    _box(
        slide,
        deck,
        "subtitle",
        (0.4, 3.3, SLIDE_W - 0.8, 2.5),
        deck.subtitle_lines,
        18,
        color=MUTED,
    )


def _view_slide(prs, deck: Deck, view: ViewSlide) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    _title(slide, deck, view.title)
    _box(slide, deck, "headline", (0.4, 1.15, SLIDE_W - 0.8, 0.6), view.headline, 24, bold=True)
    left = SLIDE_W - 0.4 - 8.6 if deck.rtl else 0.4
    if view.image_png:
        from io import BytesIO

        pic = slide.shapes.add_picture(
            BytesIO(view.image_png),
            Inches(left),
            Inches(1.85),
            width=Inches(8.6),
            height=Inches(4.84),
        )
        pic.name = "chart"
    else:
        _box(slide, deck, "chart", (0.4, 3.5, 8.6, 1.0), view.empty_text, 20, color=MUTED)
    side = [deck.labels.rules_heading, *[f"• {r}" for r in view.rules], *view.notes]
    _box(slide, deck, "rules", (9.2, 1.85, 3.75, 4.8), side, 12)
    note = deck.footnote(view)
    if note:
        _box(slide, deck, "footnotes", (0.4, 6.75, SLIDE_W - 2.2, 0.65), note, 9, color=MUTED)


def _closing_slides(prs, deck: Deck) -> None:
    pages = deck.source_pages()
    for i, chunk in enumerate(pages):
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        suffix = f" ({i + 1}/{len(pages)})" if len(pages) > 1 else ""
        _title(slide, deck, deck.labels.closing_title + suffix)
        lines = [f"[{n}] {d.citation}" + (f" — {d.url}" if d.url else "") for n, d in chunk]
        _box(slide, deck, "source_list", (0.4, 1.3, SLIDE_W - 0.8, 5.7), lines, 12)


def build_pptx(deck: Deck) -> Presentation:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(Inches(SLIDE_W)), Emu(Inches(SLIDE_H))
    _title_slide(prs, deck)
    for view in deck.slides:
        _view_slide(prs, deck, view)
    _closing_slides(prs, deck)
    total = len(prs.slides)
    for page, slide in enumerate(prs.slides, start=1):
        _decorate(slide, deck, page, total)
    return prs


def write_pptx(deck: Deck, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_pptx(deck).save(str(path))
    return path


def slide_count(deck: Deck) -> int:
    """Title + one per view + the closing source pages."""
    return 1 + len(deck.slides) + len(deck.source_pages())
