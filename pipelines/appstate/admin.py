"""The local admin password: a salted scrypt hash in the app state store, throttled sign-in.

The hash lives in its own table ``admin_credential`` of the sqlite state store
(``settings.state_path()``), never in the warehouse. Verification recomputes scrypt with the
stored salt and parameters and compares in constant time.

Throttling is per client, never global, so guessing cannot lock the admin out. A sign-in names
its client keys (the gate passes one for its Streamlit session and one for its source address);
``admin_throttle`` counts each key's failures in a row. After ``FREE_FAILURES`` failures a key
waits ``delay_after(failures)`` seconds (2, 4, 8 … up to ``MAX_DELAY_SECONDS``) before its next
attempt is even checked; a key's failures are forgotten ``FORGET_SECONDS`` after its last one
and cleared by a success. A failure is charged before scrypt runs (refunded on success), so
parallel attempts of one client wait too, and the store is not locked while scrypt runs.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines import settings

MIN_LENGTH = 10
MAX_LENGTH = 1024
FREE_FAILURES = 3  # failures in a row of one client before it has to wait
MAX_DELAY_SECONDS = 300
FORGET_SECONDS = 3600
ANONYMOUS = "anonymous"  # the client key of a caller that names none
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
CREATE TABLE IF NOT EXISTS admin_throttle (
    client       TEXT PRIMARY KEY,  -- e.g. "session:<random id>", "address:<ip>"
    failures     INTEGER NOT NULL,  -- failed sign-ins in a row
    last_failure REAL NOT NULL
);
DROP TABLE IF EXISTS admin_attempt;  -- the one global lockout of before (issue 15)
"""


class AdminError(ValueError):
    """A password that cannot be accepted (too short, too long)."""


@dataclass(frozen=True)
class SignIn:
    """Outcome of one sign-in: ``ok``; otherwise ``reason`` and, when throttled,
    ``retry_after``."""

    ok: bool
    reason: str = ""  # "", "wrong_password", "throttled", "not_configured"
    retry_after: int = 0  # seconds until this client's next attempt is considered


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
        con.execute("DELETE FROM admin_throttle")
    finally:
        con.close()


def has_password(state: Path | None = None) -> bool:
    con = _connect(state)
    try:
        count: int = con.execute("SELECT count(*) FROM admin_credential").fetchone()[0]
        return count > 0
    finally:
        con.close()


def delay_after(failures: int) -> int:
    """Seconds a client waits after its ``failures``-th failure in a row."""
    if failures < FREE_FAILURES:
        return 0
    return min(MAX_DELAY_SECONDS, int(2 ** min(failures - FREE_FAILURES + 1, 30)))


def wait_for(records: Iterable[tuple[int, float]], now: float) -> int:
    """Seconds until a client whose keys have these ``(failures, last_failure)`` may try again
    (the longest of its keys' waits; 0: now)."""
    wait = 0.0
    for failures, last in records:
        if now - last < FORGET_SECONDS:
            wait = max(wait, last + delay_after(failures) - now)
    return math.ceil(wait) if wait > 0 else 0


def _charge(con: sqlite3.Connection, keys: Sequence[str], now: float) -> int:
    """Under BEGIN IMMEDIATE: the client's wait, or 0 after charging it one failure."""
    records = [
        (key, *found)
        for key in keys
        for found in con.execute(
            "SELECT failures, last_failure FROM admin_throttle WHERE client = ?", (key,)
        ).fetchall()
    ]
    wait = wait_for([(f, last) for _key, f, last in records], now)
    if wait:
        return wait
    known = {key: (f if now - last < FORGET_SECONDS else 0) for key, f, last in records}
    con.executemany(
        "INSERT OR REPLACE INTO admin_throttle VALUES (?, ?, ?)",
        [(key, known.get(key, 0) + 1, now) for key in keys],
    )
    con.execute("DELETE FROM admin_throttle WHERE last_failure < ?", (now - FORGET_SECONDS,))
    return 0


def _clock() -> float:
    return time.time()


def verify(
    password: str,
    state: Path | None = None,
    now: float | None = None,
    clients: Sequence[str] = (),
) -> SignIn:
    """Check ``password`` against the stored hash, throttled per client key in ``clients``
    (its session and its address; none given: one shared anonymous key)."""
    now = _clock() if now is None else now
    keys = list(dict.fromkeys(str(c)[:200] for c in clients)) or [ANONYMOUS]
    con = _connect(state)
    try:
        con.execute("BEGIN IMMEDIATE")
        row = con.execute("SELECT n, r, p, salt, hash FROM admin_credential").fetchone()
        wait = _charge(con, keys, now) if row is not None else 0
        con.execute("COMMIT")
        if row is None:
            return SignIn(False, "not_configured")
        if wait:
            return SignIn(False, "throttled", wait)
        n, r, p, salt, expected = row
        given = _derive(password[:MAX_LENGTH], salt, n, r, p, len(expected))
        if not (hmac.compare_digest(given, expected) and len(password) <= MAX_LENGTH):
            return SignIn(False, "wrong_password")
        con.executemany("DELETE FROM admin_throttle WHERE client = ?", [(k,) for k in keys])
        return SignIn(True)
    finally:
        con.close()
