"""Safe, streaming access to an IATI activity XML file.

``sniff`` refuses what is not an IATI activity file we can read (with the reason): DOCTYPEs
that declare entities (XML bombs such as billion laughs) or point at an external DTD (external
entities), non-IATI roots, IATI organisation files, unsupported versions. ``activities`` streams
the ``<iati-activity>`` elements with entity resolution and network access off, freeing each
element once read so memory stays flat whatever the file size.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipelines.sources.candidates import UnusableFile

HEAD_BYTES = 1 << 20
SUPPORTED = ("2.01", "2.02", "2.03")
V1_NOTE = (
    "IATI {what}: read through the 1.0x mapping (transaction types IF→1, C→2, D→3, E→4, "
    "IR→5, LR→6, R→7, QP→8, QS→9, CG→10; roles Funding/Accountable/Extending/Implementing→1-4; "
    "region vocabulary DAC→1)"
)
ENTITY_RE = re.compile(rb"<!ENTITY")
EXTERNAL_DTD_RE = re.compile(rb"<!DOCTYPE[^>\[]*\b(SYSTEM|PUBLIC)\b")
PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "huge_tree": False}
# for the activity stream: whitespace-only text, comments, PIs and xml:id tables are not needed
STREAM_OPTIONS = {
    **PARSER_OPTIONS,
    "remove_blank_text": True,
    "remove_comments": True,
    "remove_pis": True,
    "collect_ids": False,
}


@dataclass(frozen=True)
class Sniffed:
    version: str
    is_v1: bool
    note: str


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    return head


def _refuse_doctype(head: bytes, name: str) -> None:
    if not head.strip():
        raise UnusableFile(f"{name} is empty")
    if ENTITY_RE.search(head):
        raise UnusableFile(
            f"{name} declares XML entities in a DOCTYPE; IATI files have none, and entity "
            "declarations are how XML bombs (billion laughs) and external-entity reads work: "
            "refused without reading further"
        )
    if EXTERNAL_DTD_RE.search(head):
        raise UnusableFile(
            f"{name} points at an external DTD (DOCTYPE SYSTEM/PUBLIC); IATI files have none: "
            "refused (external entities are never fetched)"
        )
    start = head.find(b"<!DOCTYPE")
    subset = head.find(b"[", start) if start >= 0 else -1
    if subset >= 0 and head.find(b"]", subset) < 0 and subset < head.find(b">", start):
        raise UnusableFile(f"{name} has a DOCTYPE longer than {HEAD_BYTES} bytes: refused")


def _root(path: Path) -> tuple[str, str | None]:
    """(root tag, version of the <iati-activities> element) from the first start events."""
    with path.open("rb") as fh:
        events = etree.iterparse(fh, events=("start",), **PARSER_OPTIONS)
        try:
            return _first_tags(events)
        except etree.XMLSyntaxError as exc:
            raise UnusableFile(f"{path.name} is not well-formed XML: {exc}") from exc


def _first_tags(events: etree.iterparse) -> tuple[str, str | None]:
    root_tag = ""
    for index, (_, el) in enumerate(events):
        tag = el.tag if isinstance(el.tag, str) else ""
        if index == 0:
            root_tag = tag
            if tag != "result":
                return tag, el.get("version")
        if tag == "iati-activities":
            return root_tag, el.get("version")
        if tag == "iati-activity" or index > 200:
            break
    return root_tag, None


def sniff(path: Path) -> Sniffed:
    """What kind of IATI file this is, or ``UnusableFile`` saying why it cannot be read."""
    _refuse_doctype(_head(path), path.name)
    root, version = _root(path)
    if root == "iati-organisations":
        raise UnusableFile(f"{path.name} is an IATI organisation file, not an activity file")
    if root == "result" and version is None:
        what = "2014 Datastore response (<result> root, no version)"
        return Sniffed("1.0x", True, V1_NOTE.format(what=what))
    if root not in ("iati-activities", "result"):
        raise UnusableFile(f"{path.name} is XML but not IATI activities (root <{root}>)")
    if not version:
        raise UnusableFile(f"{path.name}: <iati-activities> has no version attribute")
    if version in SUPPORTED:
        return Sniffed(version, False, "")
    if re.fullmatch(r"1\.0[1-5]", version):
        return Sniffed(version, True, V1_NOTE.format(what=f"version {version}"))
    raise UnusableFile(
        f"{path.name}: IATI version {version} is not supported (2.01–2.03 load; 1.01–1.05 "
        "load through a documented mapping)"
    )


def may_have_transactions(path: Path) -> bool:
    """False only when the bytes hold no ``<transaction`` tag at all (then the file has nothing
    to load and the loader says so before it starts a publication). UTF-16 files: True."""
    with path.open("rb") as fh:
        if fh.read(2) in (b"\xff\xfe", b"\xfe\xff"):
            return True
        if path.stat().st_size == 0:
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return data.find(b"<transaction") >= 0


def activities(
    path: Path, progress: Callable[[int, int], None] | None = None
) -> Iterator[etree._Element]:
    """Yield each ``<iati-activity>`` element; it is cleared after the caller is done with it."""
    total = path.stat().st_size
    step, next_report = max(total // 200, 1 << 20), 0
    with path.open("rb") as fh:
        events = etree.iterparse(fh, events=("end",), tag="iati-activity", **STREAM_OPTIONS)
        try:
            for _, el in events:
                yield el
                el.clear(keep_tail=False)
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]
                if progress is not None and fh.tell() >= next_report:
                    progress(fh.tell(), total)
                    next_report = fh.tell() + step
        except etree.XMLSyntaxError as exc:
            raise UnusableFile(f"{path.name} is not well-formed XML: {exc}") from exc
    if progress is not None:
        progress(total, total)
