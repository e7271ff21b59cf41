"""Run one console statement in a worker process and stop it at its budget.

Each query gets a fresh process (``console_worker.py``, duckdb and the standard library only)
that opens the warehouse version read-only with its own DuckDB ``memory_limit`` and
``threads``, and caps its own address space. This process watches it every ``TICK`` seconds and
kills it (SIGKILL, whatever it is doing) when it passes the wall-clock limit, when its resident
memory passes ``memory_mb``, when its result grows past ``result_mb``, or when ``poll`` raises
(the page's poll raises when Streamlit stops the session's script: the session ended or the
user started another run). A DuckDB ``interrupt()`` cannot do this: a single ``repeat('x',
2e9)`` is one function call that no interrupt reaches, and its memory is not DuckDB's to limit.

Gates: at most one query per ``session`` at a time, and at most ``max_concurrent`` queries in
this server process, so that the charts keep their cores. Streamlit-free.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipelines import settings

WORKER = Path(__file__).with_name("console_worker.py")
TICK = 0.02  # seconds between two looks at the worker
POLL_EVERY = 0.25  # seconds between two calls of ``poll``
_GATE = threading.Lock()
_SESSIONS: set[str] = set()  # sessions with a query running (guarded by _GATE)
_running = 0  # queries running in this process (guarded by _GATE)


@dataclass(frozen=True)
class Budget:
    """What one console query may use."""

    seconds: float = 5.0
    memory_mb: int = 512
    max_concurrent: int = 2
    threads: int = 1
    result_mb: int = 64

    @classmethod
    def from_settings(cls, **overrides: object) -> Budget:
        """Defaults from ``pipelines.settings`` (FUNDFLOWS_CONSOLE_*), then ``overrides``."""
        values: dict[str, object] = {
            "seconds": float(settings.console_seconds()),
            "memory_mb": settings.console_memory_mb(),
            "max_concurrent": settings.console_max_concurrent(),
            "threads": settings.console_threads(),
        }
        return cls(**(values | {k: v for k, v in overrides.items() if v is not None}))  # type: ignore[arg-type]


class Stopped(Exception):
    """The query did not finish: ``reason`` is time, memory, result, crashed, session or busy."""

    def __init__(self, reason: str, seconds: float, detail: str = "", peak_mb: float = 0) -> None:
        super().__init__(f"{reason} after {seconds:.2f} s {detail}".strip())
        self.reason, self.seconds, self.detail, self.peak_mb = reason, seconds, detail, peak_mb


@dataclass(frozen=True)
class Outcome:
    answer: tuple  # the worker's ("ok", columns, rows, truncated) or ("error", kind, message)
    seconds: float
    peak_mb: float  # the worker's peak resident memory, as last seen


def running() -> int:
    """Console queries running in this process now."""
    return _running


@contextlib.contextmanager
def _slot(session: str | None, max_concurrent: int) -> Iterator[None]:
    global _running
    with _GATE:
        if session is not None and session in _SESSIONS:
            raise Stopped("session", 0.0)
        if _running >= max_concurrent:
            raise Stopped("busy", 0.0, str(max_concurrent))
        _running += 1
        if session is not None:
            _SESSIONS.add(session)
    try:
        yield
    finally:
        with _GATE:
            _running -= 1
            _SESSIONS.discard(session or "")


def _memory_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of ``pid`` in MB; zeros once it is gone."""
    now = peak = 0.0
    with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmRSS:"):
                now = int(line.split()[1]) / 1024
            elif line.startswith(b"VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return now, peak


def execute(
    path: Path,
    sql: str,
    limit: int,
    budget: Budget,
    session: str | None = None,
    poll: Callable[[float], None] | None = None,
) -> Outcome:
    """Run ``sql`` (one checked read statement) on the version file ``path`` in a worker."""
    request = {"path": str(path), "sql": sql, "limit": limit,
               "memory_mb": budget.memory_mb, "threads": budget.threads}  # fmt: skip
    with _slot(session, budget.max_concurrent):
        started = time.perf_counter()
        worker = subprocess.Popen(  # noqa: S603 - our own script, no shell, no user text in argv
            [sys.executable, "-I", str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            assert worker.stdin is not None  # noqa: S101 - Popen with PIPE
            with contextlib.suppress(BrokenPipeError):
                worker.stdin.write(pickle.dumps(request))
                worker.stdin.close()
            return _watch(worker, budget, started, poll)
        finally:
            if worker.poll() is None:
                worker.kill()
            worker.wait()
            if worker.stdout is not None:
                worker.stdout.close()


def _watch(
    worker: subprocess.Popen,
    budget: Budget,
    started: float,
    poll: Callable[[float], None] | None,
) -> Outcome:
    assert worker.stdout is not None  # noqa: S101 - Popen with PIPE
    chunks: list[bytes] = []
    size, peak, polled = 0, 0.0, started
    with selectors.DefaultSelector() as selector:
        selector.register(worker.stdout, selectors.EVENT_READ)
        while True:
            elapsed = time.perf_counter() - started
            now_mb, peak_mb = _memory_mb(worker.pid)
            peak = max(peak, now_mb, peak_mb)
            if elapsed >= budget.seconds:
                raise Stopped("time", elapsed, f"{budget.seconds:g}", peak)
            if now_mb > budget.memory_mb:
                raise Stopped("memory", elapsed, str(budget.memory_mb), peak)
            if poll is not None and time.perf_counter() - polled >= POLL_EVERY:
                polled = time.perf_counter()
                poll(elapsed)
            if not selector.select(timeout=min(TICK, budget.seconds - elapsed)):
                continue
            data = os.read(worker.stdout.fileno(), 2**20)
            if not data:
                break
            size += len(data)
            if size > budget.result_mb * 2**20:
                elapsed = time.perf_counter() - started
                raise Stopped("result", elapsed, str(budget.result_mb), peak)
            chunks.append(data)
    code = worker.wait()
    elapsed = time.perf_counter() - started
    if code != 0 or not chunks:
        raise Stopped("crashed", elapsed, f"exit code {code}", peak)
    answer = pickle.loads(b"".join(chunks))  # noqa: S301 - written by our own worker
    return Outcome(answer, elapsed, peak)
