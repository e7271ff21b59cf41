"""Safe, streaming access to an IATI activity XML file.

``sniff`` refuses what is not an IATI activity file we can read (with the reason): any DOCTYPE
or entity declaration, decided by a parser over the whole prolog in whatever encoding the file
declares (``iati_guard``: XML bombs such as billion laughs, external entities and DTDs), non-IATI
roots, IATI organisation files, unsupported versions. ``activities`` streams the
``<iati-activity>`` elements with DTD loading, entity resolution and network access off (and
refuses a DOCTYPE its own parser sees), freeing each element once read so memory stays flat
whatever the file size.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipelines.sources.candidates import UnusableFile
from pipelines.sources.iati.guard import check_docinfo, refuse_dtd

SUPPORTED = ("2.01", "2.02", "2.03")
V1_NOTE = (
    "IATI {what}: read through the 1.0x mapping (transaction types IF→1, C→2, D→3, E→4, "
    "IR→5, LR→6, R→7, QP→8, QS→9, CG→10; roles Funding/Accountable/Extending/Implementing→1-4; "
    "region vocabulary DAC→1)"
)
PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}
# a byte order mark, or "<" as the first UTF-16 LE/BE character (XML 1.0, appendix F)
UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
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


def _root(path: Path) -> tuple[str, str | None]:
    """(root tag, version of the <iati-activities> element) from the first start events."""
    with path.open("rb") as fh:
        events = etree.iterparse(fh, events=("start",), **PARSER_OPTIONS)
        try:
            return _first_tags(events, path.name)
        except etree.XMLSyntaxError as exc:
            raise UnusableFile(f"{path.name} is not well-formed XML: {exc}") from exc


def _first_tags(events: etree.iterparse, name: str) -> tuple[str, str | None]:
    root_tag = ""
    for index, (_, el) in enumerate(events):
        tag = el.tag if isinstance(el.tag, str) else ""
        if index == 0:
            check_docinfo(el.getroottree(), name)
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
    refuse_dtd(path)
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


def _head_text(head: bytes) -> str:
    """The first bytes as text: UTF-16 by its byte order mark or, without one, by the zero
    byte that an ASCII first character has in UTF-16 LE/BE; UTF-8 otherwise."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head[:1] != b"\x00" and head[1:2] == b"\x00":
        return head.decode("utf-16-le", errors="replace")
    if head[:1] == b"\x00" and head[1:2] not in (b"", b"\x00"):
        return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")


def head_is_xml(head: bytes) -> bool:
    """True when the first character (after a byte order mark and white space) is ``<``, in
    UTF-8 or in UTF-16 with or without a byte order mark."""
    return _head_text(head).lstrip("\ufeff \t\r\n").startswith("<")


def looks_like_xml(path: Path) -> bool:
    """``head_is_xml`` of the file's first 512 bytes."""
    with path.open("rb") as fh:
        return head_is_xml(fh.read(512))


def may_have_transactions(path: Path) -> bool:
    """False only when the bytes hold no ``<transaction`` tag at all (then the file has nothing
    to load and the loader says so before it starts a publication). UTF-16 files, with or
    without a byte order mark: True."""
    with path.open("rb") as fh:
        if fh.read(2) in UTF16_STARTS:
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
    first = True  # the DOCTYPE lxml saw (if any) is checked on the first activity
    with path.open("rb") as fh:
        events = etree.iterparse(fh, events=("end",), tag="iati-activity", **STREAM_OPTIONS)
        try:
            for _, el in events:
                if first:
                    check_docinfo(el.getroottree(), path.name)
                    first = False
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
