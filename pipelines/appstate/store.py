"""The app state store: saved views and contributor groups (sql/README.md: not warehouse data).

A small SQLite file (``data/state.sqlite`` or ``FUNDFLOWS_STATE``) that the dashboard may
write while it only ever reads the warehouse. Each call opens and closes its own connection,
so it is safe from Streamlit's script threads. Other modules may add their own tables.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_view (
    name       TEXT PRIMARY KEY,
    query      TEXT NOT NULL,
    page       TEXT NOT NULL,
    settings   TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contributor_group (
    name       TEXT PRIMARY KEY,
    actor_ids  TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""
MAX_NAME = 80


class StateError(ValueError):
    """A state-store request a user can correct (empty name, unknown view)."""


@dataclass(frozen=True)
class SavedView:
    name: str
    query: str
    page: str
    created_at: str
    settings: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def permalink(self, base: str = "") -> str:
        """Relative (or ``base``-prefixed) link that reproduces the view."""
        path = f"{base.rstrip('/')}/{self.page}" if self.page else base.rstrip("/") + "/"
        query = self.query
        if self.settings:  # what the URL cannot hold: the Explore page re-applies the named view
            query = "&".join(q for q in (query, urlencode({"ex_apply": self.name})) if q)
        return f"{path}?{query}" if query else path


@dataclass(frozen=True)
class ContributorGroup:
    name: str
    actor_ids: tuple[str, ...]
    created_at: str


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=10)) as con:
        con.executescript(SCHEMA)
        with con:
            yield con


def _clean_name(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise StateError("a name is needed")
    if len(cleaned) > MAX_NAME:
        raise StateError(f"names are at most {MAX_NAME} characters")
    return cleaned


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save_view(
    path: Path, name: str, query: str, page: str, settings: dict[str, Any] | None = None
) -> SavedView:
    """Save (or replace) a named view: URL query string, page url path, page settings.

    ``settings`` holds what the URL does not (e.g. the Explore page's pivot choices).
    """
    view = SavedView(_clean_name(name), query.lstrip("?"), page.strip("/"), _now(),
                     dict(settings or {}))  # fmt: skip
    with _connect(path) as con:
        con.execute(
            "INSERT OR REPLACE INTO saved_view (name, query, page, settings, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (view.name, view.query, view.page, json.dumps(view.settings), view.created_at),
        )
    return view


def _view(row: tuple[str, str, str, str | None, str]) -> SavedView:
    name, query, page, settings, created_at = row
    return SavedView(name, query, page, created_at, json.loads(settings or "{}"))


def list_views(path: Path) -> list[SavedView]:
    with _connect(path) as con:
        rows = con.execute(
            "SELECT name, query, page, settings, created_at FROM saved_view ORDER BY name"
        ).fetchall()
    return [_view(row) for row in rows]


def get_view(path: Path, name: str) -> SavedView:
    with _connect(path) as con:
        row = con.execute(
            "SELECT name, query, page, settings, created_at FROM saved_view WHERE name = ?",
            (name,),
        ).fetchone()
    if row is None:
        raise StateError(f"no saved view named {name!r}")
    return _view(row)


def delete_view(path: Path, name: str) -> bool:
    with _connect(path) as con:
        return con.execute("DELETE FROM saved_view WHERE name = ?", (name,)).rowcount > 0


def save_group(path: Path, name: str, actor_ids: list[str] | tuple[str, ...]) -> ContributorGroup:
    """Save (or replace) a named contributor group (its members' actor ids, order kept)."""
    members = tuple(dict.fromkeys(a for a in actor_ids if a))
    if not members:
        raise StateError("a group needs at least one contributor")
    group = ContributorGroup(_clean_name(name), members, _now())
    with _connect(path) as con:
        con.execute(
            "INSERT OR REPLACE INTO contributor_group (name, actor_ids, created_at) "
            "VALUES (?, ?, ?)",
            (group.name, json.dumps(list(members)), group.created_at),
        )
    return group


def list_groups(path: Path) -> list[ContributorGroup]:
    with _connect(path) as con:
        rows = con.execute(
            "SELECT name, actor_ids, created_at FROM contributor_group ORDER BY name"
        ).fetchall()
    return [ContributorGroup(n, tuple(json.loads(ids)), at) for n, ids, at in rows]


def delete_group(path: Path, name: str) -> bool:
    with _connect(path) as con:
        return con.execute("DELETE FROM contributor_group WHERE name = ?", (name,)).rowcount > 0
