"""The SQL console's budget and session for the page: ``[fundflows]`` secrets over settings.

Streamlit secrets (``.streamlit/secrets.toml``) win over the environment:

    [fundflows]
    console_memory_mb = 512       # hard memory limit of one query (FUNDFLOWS_CONSOLE_MEMORY_MB)
    console_seconds = 5           # wall-clock limit of one query (FUNDFLOWS_CONSOLE_SECONDS)
    console_max_concurrent = 2    # queries at once per server (FUNDFLOWS_CONSOLE_MAX_CONCURRENT)
    console_threads = 1           # DuckDB threads of one query (FUNDFLOWS_CONSOLE_THREADS)
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.workbench.console_runner import Budget

KEYS = {"console_memory_mb": "memory_mb", "console_seconds": "seconds",
        "console_max_concurrent": "max_concurrent", "console_threads": "threads"}  # fmt: skip


def _section() -> dict:
    try:
        return dict(st.secrets["fundflows"]) if "fundflows" in st.secrets else {}
    except (FileNotFoundError, KeyError):  # StreamlitSecretNotFoundError is a FileNotFoundError
        return {}


def budget() -> Budget:
    """The budget of one console query: secrets, else FUNDFLOWS_CONSOLE_*, else defaults."""
    chosen: dict[str, object] = {}
    for key, field in KEYS.items():
        value = _section().get(key)
        if value is None:
            continue
        number = float(value) if field == "seconds" else int(value)
        if number <= 0:
            raise ValueError(f"[fundflows] {key} must be positive, not {value!r}")
        chosen[field] = number
    return Budget.from_settings(**chosen)


def session() -> str | None:
    """This browser session's id (one console query at a time per session)."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def progress() -> Callable[[float], None]:
    """A poll for ``sql_console.run``: shows the seconds so far. Each update is a Streamlit
    call, so when the session ends or the user starts another run, Streamlit raises its stop
    exception here and the runner kills the query's worker."""
    slot = st.empty()

    def poll(seconds: float) -> None:
        slot.caption(f"⏳ {seconds:.1f} s")

    return poll
