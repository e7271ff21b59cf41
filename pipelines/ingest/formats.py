"""The file formats the loader knows: a ``Source`` per format, registered in ``SOURCES``.

A ``Source`` says whether a file is its format (``sniff``, from the first bytes), parses it into
loader candidates (``parse`` → ``ParsedFile``, the frame every parser produces) and describes
itself for messages (``describe``). ``open_input`` asks the sources in order and wraps what the
first one that recognises the file gives in an ``Opened`` input, which the load and validate
orchestration (``pipelines.ingest.load``) drives without knowing the format (``ParsedInput``
for a file parsed whole, ``StreamInput`` for an IATI file read while it is written: see
``pipelines.ingest.inputs``).

A new format is one parser module in ``pipelines/sources/`` plus one ``Source`` here, put in
``SOURCES`` before the template (which takes any file no other source claims).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from pipelines.ingest.inputs import ParsedInput, Progress, StreamInput
from pipelines.ingest.jobs import Opened
from pipelines.sources.candidates import ParsedFile, UnusableFile
from pipelines.sources.iati.parse import IatiStream
from pipelines.sources.iati.xml import head_is_xml, may_have_transactions

PRELOAD_BYTES = 16 << 20  # smaller IATI files are read whole before the publication starts
HEAD_BYTES = 512
__all__ = ["SOURCES", "Opened", "ParsedInput", "Source", "StreamInput", "open_input", "parse_any"]


class Source(Protocol):
    name: str

    def sniff(self, head: bytes) -> bool: ...

    def parse(self, path: Path, progress: Progress | None = None) -> ParsedFile: ...

    def describe(self) -> str: ...


def _reading(path: Path, progress: Progress | None) -> Callable[[int, int], None] | None:
    """Byte progress of a reader as text: ``reading NAME: NN%`` (a bar on a terminal)."""
    if progress is None:
        return None

    def bytes_progress(done: int, total: int) -> None:
        progress(f"reading {path.name}: {done / max(total, 1):.0%}")

    return bytes_progress


class IatiSource:
    name = "iati"

    def sniff(self, head: bytes) -> bool:
        return head_is_xml(head)  # UTF-8 or UTF-16, with or without a byte order mark

    def parse(self, path: Path, progress: Progress | None = None) -> ParsedFile:
        from pipelines.sources.iati import parse

        return parse.parse(path, progress=_reading(path, progress))

    def describe(self) -> str:
        return "IATI activity XML (2.01-2.03; 1.0x through a documented mapping)"

    def stream(self, path: Path, dataset: str, progress: Progress | None) -> IatiStream | None:
        """The file as a stream read while it is written, or None when it has no transaction."""
        prefix = f"iati:{dataset}:"  # flow ids: iati:<dataset>:<iati-identifier>#<n>#<split>
        stream = IatiStream(path, _reading(path, progress), key_prefix=prefix)
        if path.stat().st_size < PRELOAD_BYTES:
            stream.preload()  # malformed XML is refused before any publication starts
        if stream.preloaded or may_have_transactions(path):
            return stream
        return None


class TemplateSource:
    name = "template"

    def sniff(self, head: bytes) -> bool:
        return True  # the import template takes every file no other source claims

    def parse(self, path: Path, progress: Progress | None = None) -> ParsedFile:
        from pipelines.sources import template

        return template.parse(path)

    def describe(self) -> str:
        return "the import template as CSV or XLSX"


SOURCES: tuple[Source, ...] = (IatiSource(), TemplateSource())


def source_of(path: Path) -> Source:
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    return next(source for source in SOURCES if source.sniff(head))


def parse_any(path: Path, progress: Progress | None = None) -> ParsedFile:
    """The file parsed whole by the first source that recognises it."""
    path = Path(path)
    if not path.is_file():
        raise UnusableFile(f"{path}: no such file")
    return source_of(path).parse(path, progress)


def open_input(path: Path, dataset: str, progress: Progress | None = None) -> Opened:
    """The file opened by its source: a stream when the source streams, else parsed whole."""
    path = Path(path)
    if not path.is_file():
        raise UnusableFile(f"{path}: no such file")
    source = source_of(path)
    stream = getattr(source, "stream", None)
    if stream is not None:
        opened = stream(path, dataset, progress)
        if opened is not None:
            return StreamInput(opened, reopen=lambda ds, pr: open_input(path, ds, pr))
    return ParsedInput(source.parse(path, progress))  # (an XML file without transactions: why)
