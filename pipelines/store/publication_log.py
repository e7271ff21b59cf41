"""The publication log: the ordered versions that were live, so `rollback` undoes publications.

``warehouses/<stem>.publications.json`` beside the version files holds ``live``, the names of the
versions that were published, oldest first (the last one is live), and ``last_number``, the
highest version number ever used (numbers are never reused: the dashboard caches connections and
results by the version file's path). Only writers change it, under the writer lock, by writing a
temp file, fsyncing it, ``os.replace`` and fsyncing the folder.

The live symlink is the truth and the log follows it: a publication swaps the symlink, then
appends to the log; a rollback swaps the symlink, then drops the last entry. A writer killed
between the two steps is settled by the next writer (``settle``): a live version missing from
the log is appended; entries after the live version (an undone publication) are dropped. A
warehouse from before the log gets ``[live version]``. A version file that is neither live nor
in the log (a writer killed between writing it and the swap, a rolled-back or pruned version) is
never a rollback target and is deleted by ``settle``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

VERSION_RE = re.compile(r"-(\d{6})\.duckdb$")
FORMAT = 1


class LogError(RuntimeError):
    """The log cannot be used (unreadable, or it names a version file that is gone)."""


@dataclass(frozen=True)
class Log:
    """``live``: the published version file names, oldest first; ``last_number``: the highest
    version number used so far."""

    live: tuple[str, ...]
    last_number: int


def number_of(name: str) -> int:
    m = VERSION_RE.search(name)
    return int(m.group(1)) if m else 0


def log_path(folder: Path, stem: str) -> Path:
    return folder / f"{stem}.publications.json"


def version_files(folder: Path, stem: str) -> list[Path]:
    """The version files of ``stem`` in ``folder`` (``<stem>-NNNNNN.duckdb``), by number."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob(f"{stem}-*.duckdb") if _is_version(p.name, stem)),
                  key=lambda p: number_of(p.name))  # fmt: skip


def _is_version(name: str, stem: str) -> bool:
    """``<stem>-NNNNNN.duckdb`` exactly (not another live path's ``<stem>-copy-NNNNNN``)."""
    return re.fullmatch(re.escape(stem) + r"-\d{6}\.duckdb", name) is not None


def read(folder: Path, stem: str) -> Log | None:
    """The log as written (None when there is none yet)."""
    path = log_path(folder, stem)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise LogError(f"cannot read the publication log {path}: {exc}") from exc
    names = data.get("live") if isinstance(data, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise LogError(f"the publication log {path} is not a list of versions")
    if not all(_is_version(n, stem) for n in names):
        raise LogError(f"the publication log {path} names a file that is not a version")
    last = data.get("last_number", 0)
    return Log(tuple(names), max([int(last)] + [number_of(n) for n in names]))


def write(folder: Path, stem: str, log: Log) -> None:
    """Replace the log atomically (temp file, fsync, rename, fsync of the folder)."""
    path = log_path(folder, stem)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    body = {"format": FORMAT, "live": list(log.live), "last_number": log.last_number}
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(body, handle, indent=1)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def reconcile(log: Log | None, current: Path | None, files: list[Path]) -> Log:
    """The log that matches the live version ``current`` (see the module docstring)."""
    highest = max([number_of(p.name) for p in files] + [0])
    if log is None:
        names = (current.name,) if current is not None and current.exists() else ()
        return Log(names, highest)
    last = max(log.last_number, highest)
    if current is None or not current.exists():
        return Log(log.live, last)
    if current.name in log.live:
        return Log(log.live[: log.live.index(current.name) + 1], last)
    return Log((*log.live, current.name), last)


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def settle(folder: Path, stem: str, current: Path | None) -> Log:
    """Read the log, make it match the live version, write it back if that changed it, and
    delete every version file that is neither live nor in the log. Call under the writer lock.
    """
    for stale in folder.glob(f".{log_path(folder, stem).name}.*.tmp"):  # a killed write
        stale.unlink(missing_ok=True)
    files = version_files(folder, stem)
    written = read(folder, stem)
    log = reconcile(written, current, files)
    if log != written and (log.live or written is not None):
        folder.mkdir(parents=True, exist_ok=True)
        write(folder, stem, log)
    keep = set(log.live) | ({current.name} if current is not None else set())
    for path in files:
        if path.name not in keep and current is not None:
            _remove(path)
    return log


def record(folder: Path, stem: str, log: Log, published: Path, keep: int) -> Log:
    """After ``published`` went live: append it, keep the last ``keep`` entries, write the log,
    then delete the version files that dropped out (a kill in between leaves files that the
    next ``settle`` deletes, never a log naming a missing file)."""
    names = (*log.live, published.name)
    kept, dropped = names[-keep:], names[:-keep]
    new = Log(kept, max(log.last_number, number_of(published.name)))
    write(folder, stem, new)
    for name in dropped:
        _remove(folder / name)
    return new


def undo(folder: Path, stem: str, log: Log) -> Log:
    """The log after the last publication is undone (its file is deleted after the write)."""
    if len(log.live) < 2:
        raise LogError("no earlier publication to roll back to")
    new = Log(log.live[:-1], log.last_number)
    write(folder, stem, new)
    _remove(folder / log.live[-1])
    return new
