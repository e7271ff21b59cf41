"""A warehouse whose loaded names are markup (issue 15, point 7): links, images, raw HTML and
Markdown emphasis as contributor, recipient, description, source and file name, loaded
through the real loader, plus a saved view and a contributor group with such names."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

from markdown_it import MarkdownIt

from pipelines.appstate import store as state
from pipelines.ingest import load
from pipelines.store import warehouse

HOSTILE = (
    "[x](http://example.invalid/a)",
    "![i](http://127.0.0.1:9/t.png)",
    '<a href="http://example.invalid/">a</a>',
    '<img src="http://127.0.0.1:9/i.png">',
    "**bold**",
)
# a file name cannot hold "/": links and images that need none
HOSTILE_FILE = "**bold** <b>b [x](x.invalid) ![i](i.png) <img src=x.png> www.x.invalid.csv"
VIEW_NAME = "![v](http://127.0.0.1:9/v.png) <b>view</b>"
GROUP_NAME = "[g](http://example.invalid/g) **group**"
OUTSIDE_MARKS = ("example.invalid", "127.0.0.1:9", "x.invalid", "i.png", "x.png")
COLUMNS = ["date", "stage", "contributor", "contributor_kind", "contributor_country", "fund",
           "recipient", "recipient_kind", "recipient_country", "modality", "instrument",
           "amount", "currency", "description", "source"]  # fmt: skip


def recipient(name: str) -> str:
    return f"{name} to"


def _rows() -> list[dict[str, str]]:
    rows = []
    for n, name in enumerate(HOSTILE):
        base = {"contributor": name, "contributor_kind": "foundation",
                "contributor_country": "FRA", "recipient": recipient(name),
                "recipient_kind": "government", "recipient_country": "SEN",
                "instrument": "grant", "currency": "USD", "description": name,
                "source": name}  # fmt: skip
        # through a fund (Funds page, Sankey), and direct (Compare, Explore)
        rows.append(base | {"date": f"2023-0{n + 1}-15", "stage": "paid", "fund": "pgtf",
                            "amount": str(900_000_000 + n * 1_000_000)})  # fmt: skip
        rows.append(base | {"date": f"2024-0{n + 1}-15", "stage": "disbursement", "fund": "",
                            "modality": "south_south", "amount": str(500_000 + n)})  # fmt: skip
    return rows


def hostile_file(folder: Path) -> Path:
    path = folder / HOSTILE_FILE
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(_rows())
    return path


def hostile_warehouse(built: Path, folder: Path) -> tuple[Path, Path]:
    """A copy of the built warehouse with the hostile batch loaded into ``main``, and a state
    store holding a saved view and a group with hostile names: (warehouse, state store)."""
    folder.mkdir(parents=True, exist_ok=True)
    live = folder / "warehouse.duckdb"
    live.write_bytes(warehouse.resolve(built).read_bytes())
    (report,) = load.load_files(live, [hostile_file(folder)], dataset="main")
    assert report.status == "loaded", report.message
    assert report.rows_loaded == 2 * len(HOSTILE), report.rejects
    store = folder / "state.sqlite"
    state.save_view(store, VIEW_NAME, "dataset=main&fund=pgtf", "funds")
    with warehouse.attached_reader(live) as con:
        ids = [r[0] for r in con.execute(
            "SELECT actor_id FROM actor WHERE name IN (SELECT unnest($n::VARCHAR[]))",
            {"n": list(HOSTILE)}).fetchall()]  # fmt: skip
    state.save_group(store, GROUP_NAME, sorted(ids)[:2])
    return live, store


def source_links(live: Path) -> frozenset[str]:
    """Web addresses of the bundled source documents: the only outside links a page may show
    on purpose (a fund event's source); documents a load created are not among them."""
    with warehouse.attached_reader(live) as con:
        rows = con.execute(
            "SELECT url FROM source_document WHERE url IS NOT NULL AND batch_id IS NULL"
        ).fetchall()
    return frozenset(r[0] for r in rows)


_MD = MarkdownIt("commonmark")
_TAG = re.compile(r"<[^>]+>")


def rendered(markdown: str) -> tuple[str, str]:
    """CommonMark HTML of ``markdown`` and its text (tags removed, entities decoded, the
    word joiners that break autolinks removed)."""
    out = _MD.render(markdown)
    return out, html.unescape(_TAG.sub("", out)).replace("\u2060", "")


def markup_in(markdown: str) -> list[str]:
    """Markup the string would produce: links, images, emphasis, raw HTML, and addresses
    that GitHub's autolinks (which Streamlit applies) would turn into links."""
    out, _text = rendered(markdown)
    found = [tag for tag in ("<a ", "<img", "<strong", "<em>", "<b>") if tag in out]
    text_only = html.unescape(_TAG.sub("", out))
    found += [mark for mark in ("://", "www.") if mark in text_only]
    return found
