"""The local admin password: a salted scrypt hash in the app state store, rate-limited sign-in.

The hash lives in its own table ``admin_credential`` of the sqlite state store
(``settings.state_path()``), never in the warehouse. Verification recomputes scrypt with the
stored salt and parameters and compares in constant time. Failed sign-ins are recorded in
``admin_attempt``: after ``MAX_FAILURES`` failures within ``WINDOW_SECONDS`` every sign-in is
refused (without even checking the password) until the oldest of them leaves the window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from pipelines import settings

MIN_LENGTH = 10
MAX_LENGTH = 1024
MAX_FAILURES = 5
WINDOW_SECONDS = 600
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS admin_credential (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    algorithm TEXT NOT NULL,
    n INTEGER NOT NULL, r INTEGER NOT NULL, p INTEGER NOT NULL,
    salt      BLOB NOT NULL,
    hash      BLOB NOT NULL,
    set_at    REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS admin_attempt (
    at REAL NOT NULL,
    ok INTEGER NOT NULL
);
"""


class AdminError(ValueError):
    """A password that cannot be accepted (too short, too long)."""


@dataclass(frozen=True)
class SignIn:
    """Outcome of one sign-in: ``ok``; otherwise ``reason`` and, when locked, ``retry_after``."""

    ok: bool
    reason: str = ""  # "", "wrong_password", "locked", "not_configured"
    retry_after: int = 0  # seconds until a new attempt is considered


def _connect(state: Path | None) -> sqlite3.Connection:
    path = Path(state) if state else settings.state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10, isolation_level=None)
    con.executescript(_SCHEMA)
    return con


def _derive(password: str, salt: bytes, n: int, r: int, p: int, dklen: int = 32) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=64 * 1024 * 1024
    )


def set_password(password: str, state: Path | None = None) -> None:
    """Store a new salted scrypt hash of ``password`` (replacing any earlier one)."""
    if len(password) < MIN_LENGTH:
        raise AdminError(f"the password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise AdminError(f"the password may have at most {MAX_LENGTH} characters")
    salt = secrets.token_bytes(16)
    digest = _derive(password, salt, SCRYPT["n"], SCRYPT["r"], SCRYPT["p"], SCRYPT["dklen"])
    con = _connect(state)
    try:
        con.execute(
            "INSERT OR REPLACE INTO admin_credential VALUES (1, 'scrypt', ?, ?, ?, ?, ?, ?)",
            (SCRYPT["n"], SCRYPT["r"], SCRYPT["p"], salt, digest, time.time()),
        )
        con.execute("DELETE FROM admin_attempt")
    finally:
        con.close()


def has_password(state: Path | None = None) -> bool:
    con = _connect(state)
    try:
        return con.execute("SELECT count(*) FROM admin_credential").fetchone()[0] > 0
    finally:
        con.close()


def _locked_for(con: sqlite3.Connection, now: float) -> int:
    """Seconds the sign-in stays refused (0: not locked)."""
    since = now - WINDOW_SECONDS
    rows = con.execute(
        "SELECT at FROM admin_attempt WHERE ok = 0 AND at > ? ORDER BY at DESC LIMIT ?",
        (since, MAX_FAILURES),
    ).fetchall()
    if len(rows) < MAX_FAILURES:
        return 0
    oldest = rows[-1][0]
    return max(1, int(oldest + WINDOW_SECONDS - now) + 1)


def verify(password: str, state: Path | None = None, now: float | None = None) -> SignIn:
    """Check ``password`` against the stored hash, with the failed-attempt limit."""
    now = time.time() if now is None else now
    con = _connect(state)
    try:
        con.execute("BEGIN IMMEDIATE")
        row = con.execute("SELECT n, r, p, salt, hash FROM admin_credential").fetchone()
        if row is None:
            con.execute("COMMIT")
            return SignIn(False, "not_configured")
        wait = _locked_for(con, now)
        if wait:
            con.execute("COMMIT")
            return SignIn(False, "locked", wait)
        n, r, p, salt, expected = row
        given = _derive(password[:MAX_LENGTH], salt, n, r, p, len(expected))
        ok = hmac.compare_digest(given, expected) and len(password) <= MAX_LENGTH
        if ok:
            con.execute("DELETE FROM admin_attempt WHERE ok = 0")
        else:
            con.execute("INSERT INTO admin_attempt VALUES (?, 0)", (now,))
            con.execute("DELETE FROM admin_attempt WHERE at < ?", (now - 2 * WINDOW_SECONDS,))
        con.execute("COMMIT")
        return SignIn(True) if ok else SignIn(False, "wrong_password")
    finally:
        con.close()
