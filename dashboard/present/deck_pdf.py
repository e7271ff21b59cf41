"""The deck as a PDF, one page per slide: an HTML rendition of the slides printed by Chromium.

No LibreOffice here, and a plain PDF library would not shape Arabic; Chromium does (HarfBuzz),
embeds the fonts it used (DejaVu Sans for Arabic and Cyrillic, Noto Sans CJK for Chinese) and
runs offline on a local file. The page size is the slide size (13.333 x 7.5 in, 16:9).
"""

from __future__ import annotations

import base64
import html
import re
import subprocess
import tempfile
from pathlib import Path

from dashboard.present import chart_images as chart_export
from dashboard.present.deck import Deck, ViewSlide, slide_count

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-pdf-header-footer",
]  # fmt: skip
FONT_STACK = {
    "zh": '"Noto Sans CJK SC", "DejaVu Sans", sans-serif',
    "ar": '"DejaVu Sans", "Noto Sans CJK SC", sans-serif',
}
DEFAULT_FONTS = '"DejaVu Sans", "Liberation Sans", "Noto Sans CJK SC", sans-serif'
CSS = """
@page { size: 13.333in 7.5in; margin: 0 }
html, body { margin: 0; padding: 0; font-family: FONTS; color: #111; }
.slide { width: 13.333in; height: 7.5in; box-sizing: border-box; padding: 0.35in 0.4in;
  position: relative; overflow: hidden; break-after: page; display: flex; flex-direction: column }
.slide:last-child { break-after: auto }
h1 { font-size: 30pt; margin: 0 0 0.1in 0 } .title h1 { font-size: 36pt; margin-top: 1.8in }
.headline { font-size: 24pt; font-weight: bold; margin-bottom: 0.15in }
.body { display: flex; gap: 0.3in; flex: 1; min-height: 0 }
.body img { width: 8.6in; height: 4.84in; object-fit: contain }
.empty { width: 8.6in; font-size: 20pt; color: #444; padding-top: 1in }
.rules { font-size: 12pt; flex: 1 } .rules h2 { font-size: 13pt; margin: 0 0 0.08in 0 }
.rules li { margin-bottom: 0.05in }
.sub p { font-size: 18pt; color: #444; margin: 0.1in 0 }
.foot { font-size: 9pt; color: #444; margin-right: 1.4in } [dir=rtl] .foot { margin: 0 0 0 1.4in }
.sources li { font-size: 12pt; margin-bottom: 0.06in; list-style: none }
.demo { position: absolute; top: 0.05in; inset-inline-end: 0.2in; color: #b01c1c;
  font-weight: bold; font-size: 12pt }
.page { position: absolute; bottom: 0.12in; inset-inline-end: 0.2in; font-size: 9pt; color: #444 }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _frame(deck: Deck, inner: str, page: int, pages: int, cls: str = "") -> str:
    demo = f'<div class="demo">{_e(deck.labels.demo_notice)}</div>' if deck.demo else ""
    counter = _e(deck.labels.page.format(page=page, pages=pages))
    counter_div = f'<div class="page" dir="ltr">{counter}</div>'
    return f'<section class="slide {cls}">{demo}{inner}{counter_div}</section>'


def _view(deck: Deck, view: ViewSlide) -> str:
    if view.image_png:
        data = base64.b64encode(view.image_png).decode("ascii")
        chart = f'<img alt="" src="data:image/png;base64,{data}">'
    else:
        chart = f'<div class="empty">{_e(view.empty_text)}</div>'
    rules = "".join(f"<li>{_e(r)}</li>" for r in view.rules)
    notes = "".join(f"<p>{_e(n)}</p>" for n in view.notes)
    side = (
        f'<div class="rules"><h2>{_e(deck.labels.rules_heading)}</h2><ul>{rules}</ul>{notes}</div>'
    )
    foot = f'<div class="foot">{_e(deck.footnote(view))}</div>'
    return (
        f'<h1>{_e(view.title)}</h1><div class="headline">{_e(view.headline)}</div>'
        f'<div class="body">{chart}{side}</div>{foot}'
    )


def deck_html(deck: Deck) -> str:
    """The whole deck as one HTML document, one ``section.slide`` per slide."""
    pages = slide_count(deck)
    sub = "".join(f"<p>{_e(line)}</p>" for line in deck.subtitle_lines)
    parts = [_frame(deck, f'<h1>{_e(deck.title)}</h1><div class="sub">{sub}</div>', 1, pages,
                    "title")]  # fmt: skip
    for i, view in enumerate(deck.slides, start=2):
        parts.append(_frame(deck, _view(deck, view), i, pages))
    source_pages = deck.source_pages()
    for i, chunk in enumerate(source_pages):
        suffix = f" ({i + 1}/{len(source_pages)})" if len(source_pages) > 1 else ""
        items = "".join(
            f"<li>[{n}] {_e(d.citation)}{' — ' + _e(d.url) if d.url else ''}</li>" for n, d in chunk
        )
        inner = f'<h1>{_e(deck.labels.closing_title + suffix)}</h1><ul class="sources">{items}</ul>'
        parts.append(_frame(deck, inner, 2 + len(deck.slides) + i, pages))
    css = CSS.replace("FONTS", FONT_STACK.get(deck.lang, DEFAULT_FONTS))
    direction = "rtl" if deck.rtl else "ltr"
    head = f'<head><meta charset="utf-8"><title>{_e(deck.title)}</title><style>{css}</style></head>'
    body = "".join(parts)
    opening = f'<!doctype html><html lang="{_e(deck.lang)}" dir="{direction}">'
    return f"{opening}{head}<body>{body}</body></html>"


def write_pdf(deck: Deck, path: Path, timeout: float = 120) -> Path:
    """Print the HTML rendition to ``path`` with headless Chromium (offline, local file)."""
    browser = chart_export.chromium_path()
    if browser is None:
        raise chart_export.ExportError("no Chromium found: install Debian's `chromium` package")
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="fundflows-deck-") as tmp:
        page = Path(tmp) / "deck.html"
        page.write_text(deck_html(deck), encoding="utf-8")
        args = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile",
                f"--print-to-pdf={path}", page.as_uri()]  # fmt: skip
        done = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    if not path.is_file() or path.stat().st_size == 0:
        tail = done.stderr.decode(errors="replace")[-400:]
        raise chart_export.ExportError(f"Chromium did not print the deck: {tail}")
    return path


def pdf_page_count(data: bytes) -> int:
    """Pages in a PDF written by Chromium (its page objects are uncompressed dictionaries)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
