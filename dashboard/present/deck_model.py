"""What a deck says, as plain data: sources, view slides, labels, and the deck itself.

The story module fills these with translated text and chart images; ``dashboard.present.deck`` lays
them out as PPTX and ``dashboard.present.deck_pdf`` as PDF. Sources are numbered once for the whole
deck in order of first use, cited as footnotes on each slide and listed in full at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FOOTNOTE_LIMIT = 4  # sources cited on one slide; the rest are on the closing slide
SOURCES_PER_PAGE = 12
RTL_LANGS = {"ar"}


@dataclass(frozen=True)
class SourceDoc:
    """One source document: its id and the citation line shown to people."""

    source_document_id: str
    citation: str
    url: str | None = None


@dataclass(frozen=True)
class ViewSlide:
    title: str
    headline: str
    image_png: bytes | None  # None: the view had no data; ``empty_text`` says so
    rules: tuple[str, ...] = ()
    sources: tuple[SourceDoc, ...] = ()
    notes: tuple[str, ...] = ()  # data flags, e.g. "12 flows without exchange rate not included"
    empty_text: str = ""


@dataclass(frozen=True)
class DeckLabels:
    rules_heading: str = "What is counted"
    sources_heading: str = "Sources"
    footnote: str = "{heading}: {sources}"
    closing_title: str = "Source documents"
    more_sources: str = "… and {count} more, listed on the last slide"
    demo_notice: str = "Demo data — synthetic"
    page: str = "{page} / {pages}"


@dataclass(frozen=True)
class Deck:
    lang: str
    title: str
    subtitle_lines: tuple[str, ...]  # dataset, filters, date
    slides: tuple[ViewSlide, ...]
    demo: bool = False  # demo/illustrative rows shown: the notice goes on every slide
    labels: DeckLabels = field(default_factory=DeckLabels)

    @property
    def rtl(self) -> bool:
        return self.lang in RTL_LANGS

    def numbered_sources(self) -> list[tuple[int, SourceDoc]]:
        """Every source document of the deck, numbered in order of first citation."""
        seen: dict[str, tuple[int, SourceDoc]] = {}
        for slide in self.slides:
            for doc in slide.sources:
                seen.setdefault(doc.source_document_id, (len(seen) + 1, doc))
        return list(seen.values())

    def number_of(self, doc: SourceDoc) -> int:
        return next(
            n for n, d in self.numbered_sources() if d.source_document_id == doc.source_document_id
        )

    def source_pages(self) -> list[list[tuple[int, SourceDoc]]]:
        docs = self.numbered_sources()
        pages = [docs[i : i + SOURCES_PER_PAGE] for i in range(0, len(docs), SOURCES_PER_PAGE)]
        return pages or [[]]

    def footnote(self, slide: ViewSlide) -> str:
        """``Sources: [1] …; [2] …`` for one slide, long lists cut with a pointer to the end."""
        cited = [f"[{self.number_of(d)}] {d.citation}" for d in slide.sources[:FOOTNOTE_LIMIT]]
        extra = len(slide.sources) - FOOTNOTE_LIMIT
        if extra > 0:
            cited.append(self.labels.more_sources.format(count=extra))
        if not cited:
            return ""
        return self.labels.footnote.format(heading=self.labels.sources_heading,
                                           sources="; ".join(cited))  # fmt: skip
