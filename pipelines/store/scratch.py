"""Temporary files in the warehouse folder's temp area, ``<warehouse folder>/tmp/``, never in
the system's /tmp, so that they are removed even when their process is killed.

Each user of the area works in a private folder (mode 0700) holding ``.lock``, which it keeps
locked (``flock``, exclusive) while the folder is in use. The kernel drops that lock when the
process ends, however it ends, so ``clear``, which every writer calls as it takes the writer
lock (``pipelines.store.warehouse.writer_lock``), removes each folder whose lock it can take: the
leftovers of processes that are gone. Loose files in the area are leftovers too. A folder that
has no lock yet is left alone for ``GRACE_SECONDS`` (it may be being created).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

AREA = "tmp"
LOCK = ".lock"
GRACE_SECONDS = 60


def area(live: Path) -> Path:
    """The temp area of the warehouse at ``live``."""
    return Path(live).parent / AREA


@contextlib.contextmanager
def private_folder(live: Path, prefix: str = "work") -> Iterator[Path]:
    """A fresh folder in the temp area, locked while the block runs, removed afterwards."""
    base = area(live)
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=base))
    handle = open(folder / LOCK, "w")  # noqa: SIM115 - held open for the lock's lifetime
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        handle.close()


def _stale(folder: Path) -> bool:
    """Whether ``folder`` belongs to no live process (its lock can be taken)."""
    try:
        fd = os.open(folder / LOCK, os.O_RDONLY)
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime > GRACE_SECONDS
        except FileNotFoundError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing drops the lock this check took
    return True


def clear(live: Path) -> list[Path]:
    """Remove what processes that are gone left in the temp area; return what was removed.
    Never fails: a leftover that cannot be removed now is tried again by the next writer."""
    base = area(live)
    removed: list[Path] = []
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for entry in entries:
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                if not _stale(entry):
                    continue
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
    return removed
