"""The XML guard: a parser, not a byte scan, decides whether a file declares a DTD or entities.

``refuse_dtd`` runs expat (the parser defusedxml wraps, with its forbid_dtd/forbid_entities
semantics) over the file's prolog, chunk by chunk, until the root element starts. Expat detects
the encoding itself from the byte order mark or the XML declaration (UTF-8 with or without BOM,
UTF-16 LE/BE with or without BOM, Latin-1 and other single-byte encodings), so padding (a
megabyte of comment before the DOCTYPE) or another encoding cannot hide a declaration. Any
DOCTYPE is refused, at its first bytes when it names an external DTD and at the first entity
declaration or the end of its internal subset otherwise: nothing in it is ever expanded or
fetched. A DOCTYPE cannot follow the root element's start (it would not be well-formed), so
the rest of the file needs no scan; the streaming reader (``iati_xml``) also checks the DOCTYPE
its own parser saw (``check_docinfo``), so the two parsers cannot disagree unnoticed.
"""

from __future__ import annotations

from pathlib import Path
from xml.parsers import expat

from lxml import etree

from pipelines.sources.candidates import UnusableFile

# expat 2.5 rescans an unfinished token (a long comment) on every feed: big feeds, and a cap on
# what may come before the root element, keep that linear-ish (16 MB prolog: ~0.1 s)
CHUNK_BYTES = 1 << 20
DOCTYPE_LIMIT = 1 << 20  # an internal subset longer than this is refused without reading on
PROLOG_LIMIT = 16 << 20  # libxml2 itself refuses a comment over 10 MB (huge_tree off)

ENTITIES = (
    "{name} declares XML entities in a DOCTYPE; IATI files have none, and entity "
    "declarations are how XML bombs (billion laughs) and external-entity reads work: "
    "refused without reading further"
)
EXTERNAL = (
    "{name} points at an external DTD (DOCTYPE SYSTEM/PUBLIC); IATI files have none: "
    "refused (external entities are never fetched)"
)
DOCTYPE = (
    "{name} has a DOCTYPE; IATI files have none, and a DTD is how XML bombs and external "
    "entities get in: refused"
)
TOO_LONG = "{name} has a DOCTYPE longer than {limit} bytes: refused"
LONG_PROLOG = (
    "{name} has more than {limit} bytes before its root element (comments, processing "
    "instructions); IATI files start with <iati-activities>: refused"
)


class _RootReached(Exception):
    """The root element started: the prolog held no DOCTYPE."""


class _Prolog:
    """Expat handlers that refuse a DTD or an entity declaration wherever the prolog has it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.doctype_at: int | None = None  # byte offset where the DOCTYPE starts
        self.expat = self._parser()

    def refuse(self, message: str, limit: int = DOCTYPE_LIMIT) -> UnusableFile:
        return UnusableFile(message.format(name=self.name, limit=f"{limit:,}"))

    def start_doctype(
        self, _name: str, system_id: str | None, public_id: str | None, _sub: int
    ) -> None:
        if system_id or public_id:
            raise self.refuse(EXTERNAL)
        self.doctype_at = self.expat.CurrentByteIndex

    def entity(self, *_args: object) -> None:
        raise self.refuse(ENTITIES)

    def end_doctype(self) -> None:
        raise self.refuse(DOCTYPE)

    def external_ref(self, *_args: object) -> int:
        raise self.refuse(ENTITIES)

    def start_element(self, *_args: object) -> None:
        raise _RootReached

    def _parser(self) -> expat.XMLParserType:
        parser = expat.ParserCreate()  # no encoding given: BOM or XML declaration decide
        parser.StartDoctypeDeclHandler = self.start_doctype
        parser.EndDoctypeDeclHandler = self.end_doctype
        parser.EntityDeclHandler = self.entity
        parser.UnparsedEntityDeclHandler = self.entity
        parser.ExternalEntityRefHandler = self.external_ref
        parser.StartElementHandler = self.start_element
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        return parser


def _not_read(name: str, exc: expat.ExpatError | ValueError) -> UnusableFile:
    text = str(exc)
    if "encoding" in text:
        return UnusableFile(
            f"{name}: its encoding cannot be read ({text}); IATI files are UTF-8 "
            "(UTF-16 and single-byte encodings are read too)"
        )
    return UnusableFile(f"{name} is not well-formed XML: {text}")


def refuse_dtd(path: Path) -> None:
    """``UnusableFile`` when the file is empty, has any DOCTYPE or entity declaration, or its
    prolog is not well-formed XML; returns once the root element starts."""
    prolog = _Prolog(path.name)
    parser, fed, content = prolog.expat, 0, False
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(CHUNK_BYTES):
                content = content or bool(chunk.strip())
                parser.Parse(chunk, False)
                fed += len(chunk)
                if prolog.doctype_at is not None and fed - prolog.doctype_at > DOCTYPE_LIMIT:
                    raise prolog.refuse(TOO_LONG)
                if fed > PROLOG_LIMIT:
                    raise prolog.refuse(LONG_PROLOG, PROLOG_LIMIT)
            if not content:
                raise UnusableFile(f"{path.name} is empty")
            parser.Parse(b"", True)
        except _RootReached:
            return
        except UnusableFile:
            raise
        except (expat.ExpatError, ValueError) as exc:  # ValueError: an encoding expat lacks
            raise _not_read(path.name, exc) from exc
    raise UnusableFile(f"{path.name} is not well-formed XML: no root element")


def check_docinfo(tree: etree._ElementTree, name: str) -> None:
    """Refuse a DOCTYPE that lxml's parser saw (the second parser's view of the same bytes)."""
    # the ignores below: lxml-stubs 0.5.1 lack DocInfo.system_url/.doctype, DTD.iterentities
    info = tree.docinfo
    if info.system_url or info.public_id:  # type: ignore[attr-defined]
        raise UnusableFile(EXTERNAL.format(name=name))
    internal = info.internalDTD
    if internal is not None and next(internal.iterentities(), None) is not None:  # type: ignore[attr-defined]
        raise UnusableFile(ENTITIES.format(name=name))
    if info.doctype or internal is not None:  # type: ignore[attr-defined]
        raise UnusableFile(DOCTYPE.format(name=name))
