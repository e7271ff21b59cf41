"""Where `fundflows export` may write: a regular file, or a folder of Parquet partitions.

``check`` refuses, before anything is written, an ``--out`` that is a folder (for a file
export), a device, pipe or socket (``/dev/null``, ``/dev/full``, also through a symlink), a file
(for a partitioned export), and an existing file, descriptor or export folder unless ``force``.
A folder is replaced only when it holds nothing but an earlier partitioned export (partition
folders and ``datapackage.json``), so ``--force`` never empties a folder of other files.

``staged`` gives the paths to write to: hidden siblings of the targets in the same folder. Once
the export is complete they are renamed over the targets (``os.replace``: the old file stays
whole until then); on any error they are removed, so a full or read-only disk leaves no partial
file and an existing file unchanged. The descriptor goes beside the file or inside the folder.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipelines.query.export import ExportError

DESCRIPTOR = "datapackage.json"
SPECIAL = "{} is not a regular file (a device, pipe or socket): refused"


@dataclass(frozen=True)
class Target:
    out: Path  # the file, or the folder of partitions
    folder: bool
    descriptor: Path | None  # beside the file, inside the folder, or None (--no-datapackage)


def _kind(path: Path) -> str:
    """'missing', 'file', 'folder' or 'special' (device, pipe, socket), following symlinks."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISREG(mode):
        return "file"
    return "folder" if stat.S_ISDIR(mode) else "special"


def _is_earlier_export(folder: Path) -> bool:
    """True when ``folder`` holds only partition folders (``name=value``) and a descriptor."""
    return all(
        (entry.name == DESCRIPTOR and entry.is_file())
        or ("=" in entry.name and entry.is_dir() and not entry.is_symlink())
        for entry in folder.iterdir()
    )


def _exists(path: Path) -> ExportError:
    return ExportError(f"{path} already exists: add --force to replace it")


def _check_file(out: Path, descriptor: bool, force: bool) -> Target:
    kind = _kind(out)
    if kind == "folder":
        raise ExportError(
            f"{out} is a folder: give a file name (a folder only with --partition-by)"
        )
    if kind == "special":
        raise ExportError(f"{out} is not a regular file (a device, pipe or socket): refused")
    if out.name == DESCRIPTOR and descriptor:
        raise ExportError(f"{out}: that name is the data package descriptor's; choose another")
    if kind == "file" and not force:
        raise _exists(out)
    beside = out.parent / DESCRIPTOR if descriptor else None
    if beside is not None:
        beside_kind = _kind(beside)
        if beside_kind in ("folder", "special"):
            raise ExportError(f"{beside} is not a regular file: refused (or use --no-datapackage)")
        if beside_kind == "file" and not force:
            raise _exists(beside)
    return Target(out, False, beside)


def _check_folder(out: Path, descriptor: bool, force: bool) -> Target:
    kind = _kind(out)
    if kind == "special":
        raise ExportError(SPECIAL.format(out))
    if kind == "file":
        raise ExportError(f"{out} is not a folder: --partition-by writes a folder of partitions")
    if kind == "folder" and any(out.iterdir()):
        if not _is_earlier_export(out):
            raise ExportError(
                f"{out} holds files that are not an earlier partitioned export: refused "
                "(choose a new or empty folder)"
            )
        if not force:
            raise _exists(out)
    return Target(out, True, out / DESCRIPTOR if descriptor else None)


def check(out: Path, partition_by: str | None, descriptor: bool, force: bool) -> Target:
    """The target of an export, or ``ExportError`` saying why ``out`` cannot take it."""
    out = Path(out)
    if partition_by:
        return _check_folder(out, descriptor, force)
    return _check_file(out, descriptor, force)


def _sibling(path: Path, token: str) -> Path:
    return path.parent / f".{path.name}.{token}.partial"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextmanager
def staged(target: Target) -> Iterator[tuple[Path, Path | None]]:
    """(path to write the data to, path to write the descriptor to); see the module doc."""
    target.out.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    data = _sibling(target.out, token)
    if target.folder:
        data.mkdir()  # an empty slice still gives a folder (with its descriptor)
        descriptor = data / DESCRIPTOR if target.descriptor else None
    else:
        descriptor = _sibling(target.descriptor, token) if target.descriptor else None
    try:
        yield data, descriptor
        _commit(target, data, descriptor)
    finally:
        for path in (data, descriptor):
            if path is not None:
                _remove(path)


def _commit(target: Target, data: Path, descriptor: Path | None) -> None:
    if not target.folder:
        os.replace(data, target.out)
        if descriptor is not None and target.descriptor is not None:
            os.replace(descriptor, target.descriptor)
        return
    if _kind(target.out) == "folder":  # empty, or an earlier export (checked again here)
        if not _is_earlier_export(target.out):
            raise ExportError(f"{target.out} changed during the export: left as it was")
        old = _sibling(target.out, "old-" + secrets.token_hex(4))
        os.rename(target.out, old)
        try:
            os.rename(data, target.out)
        except OSError:
            os.rename(old, target.out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(data, target.out)
