"""Static chart images (PNG at 2x scale, SVG, PDF) through kaleido driving Debian's Chromium.

One kaleido browser per process: started on the first export, reused by every later one
(~0.15 s per image instead of ~2 s), stopped at interpreter exit. MathJax is off, plotly.js is
the copy inside the plotly package and map geometry comes from the project's own topojson
folder, so an export needs no network. Nothing here runs on an ordinary dashboard rerun: only
when someone asks for an image file (a button, ``fundflows chart``, ``fundflows deck``).
"""

from __future__ import annotations

import atexit
import shutil
import struct
import threading
from pathlib import Path

import kaleido
import plotly.graph_objects as go
from kaleido.errors import ChromeNotFoundError

from pipelines import settings

FORMATS = ("png", "svg", "pdf")
PNG_SCALE = 2
DEFAULT_WIDTH = 1200
DEFAULT_HEIGHT = 675
TOPOJSON_DIR = settings.REPO_ROOT / "dashboard" / "static" / "topojson"

_lock = threading.Lock()
_state = {"running": False}


class ExportError(RuntimeError):
    """An image could not be made (no Chromium, unknown format); the message says what to do."""


def chromium_path() -> str | None:
    """The Chromium kaleido will drive: ``chromium`` on PATH (Debian: /usr/bin/chromium)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _start() -> None:
    if _state["running"]:
        return
    if chromium_path() is None:
        raise ExportError("no Chromium found: install Debian's `chromium` package")
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _state["running"] = True
    atexit.register(stop_server)


def stop_server() -> None:
    """Stop this process's kaleido browser (safe to call when none runs)."""
    with _lock:
        if _state["running"]:
            kaleido.stop_sync_server(silence_warnings=True)
            _state["running"] = False


def is_running() -> bool:
    return bool(_state["running"])


def _size(fig: go.Figure, width: int | None, height: int | None) -> tuple[int, int]:
    layout = fig.layout
    return (
        int(width or layout.width or DEFAULT_WIDTH),
        int(height or layout.height or DEFAULT_HEIGHT),
    )


def to_bytes(
    fig: go.Figure,
    fmt: str = "png",
    width: int | None = None,
    height: int | None = None,
) -> bytes:
    """The figure as PNG (scale 2), SVG or PDF bytes; size from the arguments or the layout."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown image format {fmt!r}: choose one of {', '.join(FORMATS)}")
    w, h = _size(fig, width, height)
    opts = {"format": fmt, "width": w, "height": h, "scale": PNG_SCALE if fmt == "png" else 1}
    topojson = TOPOJSON_DIR.as_uri() + "/" if TOPOJSON_DIR.is_dir() else None
    with _lock:  # the kaleido server answers one request at a time, in order
        try:
            _start()
            result = kaleido.calc_fig_sync(fig.to_dict(), opts=opts, topojson=topojson)
        except ChromeNotFoundError as exc:
            raise ExportError("kaleido found no Chromium: install Debian's `chromium`") from exc
        except Exception as exc:
            raise ExportError(f"kaleido could not draw the chart: {exc}") from exc
    return bytes(result)


def write(fig: go.Figure, path: Path, fmt: str | None = None, **size: int | None) -> Path:
    """Write the figure to ``path``; the format defaults to the file's suffix."""
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    data = to_bytes(fig, fmt, **size)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])
