"""Every file a command writes goes through here: checked first, then written atomically.

Why one module: the README promises that a user's mistake with an output path (a
folder, a missing folder, a read-only place, a full disk) is one message with a
``fix:`` line, never a traceback; that an existing file is only replaced when the user
says so (``--force``); and that a failure never leaves half a file behind. Writing the
whole file to a temporary file beside the target, flushing it to disk and then renaming
it over the target (``os.replace``, atomic on one file system) gives the last promise:
a reader sees the old file or the new one, nothing in between.

Use :func:`write_text` for text, :func:`open_text` for a handle (``csv.writer``), and
:func:`write_with` for a library that wants a path (Polars, Parquet).
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from crimestats.errors import UsageError

_REASONS = {
    errno.ENOSPC: ("the disk is full", "free some space, or write to another disk"),
    errno.EDQUOT: ("the disk quota is used up", "free some space, or write to another disk"),
    errno.EACCES: ("permission denied", "choose a folder you may write to"),
    errno.EPERM: ("permission denied", "choose a folder you may write to"),
    errno.EROFS: ("the file system is read-only", "choose a folder on a writable disk"),
    errno.ENAMETOOLONG: ("the name is too long", "choose a shorter file name"),
    errno.ENOENT: ("no such file or folder", "check the path"),
    errno.ENOTDIR: ("a part of the path is not a folder", "check the path"),
    errno.EISDIR: ("it is a folder", "give a file name, not a folder"),
}


def os_reason(exc: OSError) -> tuple[str, str]:
    """(why, what to do) for an operating-system failure, in words a user acts on."""
    return _REASONS.get(
        exc.errno or 0, (exc.strerror or str(exc), "check the path and that you may write there")
    )


def _refusal(path: Path, exc: OSError, option: str) -> UsageError:
    """The one message for an OS failure while writing ``path``: what, why, what to do."""
    reason, fix = os_reason(exc)
    return UsageError(f"cannot write {option} {path}: {reason}", hint=fix)


def check_output_file(path: str | os.PathLike[str], *, overwrite: bool, option: str) -> Path:
    """Refuse an output path that cannot become a file, before any work is done.

    ``option`` names the option the path came from (``--out``), so the message points at
    what the user typed. Returns the path as a :class:`Path`.
    """
    target = Path(path)
    shown = f"{option} {target}"
    parent = target.parent
    try:
        is_folder = str(path) == "" or target.is_dir()
        parent_ok = parent.is_dir()
        exists = target.exists() or target.is_symlink()
    except OSError as exc:  # a name too long, a loop of links
        raise _refusal(target, exc, option) from exc
    if is_folder:
        raise UsageError(
            f"{shown} is a folder, not a file",
            hint=f"name a file inside it, e.g. {option} {target / 'out.csv'}",
        )
    if not parent_ok:
        what = "is not a folder" if parent.exists() else "does not exist"
        raise UsageError(
            f"{shown}: the folder {parent} {what}",
            hint=f"create it first (mkdir -p {parent}) or choose another folder",
        )
    if exists:
        info = target.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(
                f"{shown} exists and is not a regular file",
                hint="choose another name; crimestats only replaces ordinary files",
            )
        if not overwrite:
            raise UsageError(
                f"{shown} already exists", hint="pass --force to replace it, or choose another name"
            )
        if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise UsageError(
                f"{shown} is read-only", hint="make it writable (chmod u+w) or choose another name"
            )
    return target


def _temporary_beside(target: Path, option: str) -> Path:
    """A new, empty file in the target's folder (so the final rename stays on one disk)."""
    while True:
        tmp = target.with_name(f".{target.name[:200]}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _refusal(target, exc, option) from exc
        os.close(fd)
        return tmp


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _commit(tmp: Path, target: Path, *, overwrite: bool, option: str) -> None:
    """Flush ``tmp`` to disk and move it to ``target`` (OSError goes to the caller)."""
    _sync(tmp)
    if overwrite:
        tmp.replace(target)
        return
    try:  # a link never replaces: a file created meanwhile is not lost
        os.link(tmp, target)
    except FileExistsError:
        raise UsageError(
            f"{option} {target} already exists",
            hint="pass --force to replace it, or choose another name",
        ) from None
    tmp.unlink()


def write_with(
    path: str | os.PathLike[str],
    write: Callable[[Path], object],
    *,
    overwrite: bool,
    option: str = "--out",
) -> Path:
    """Let ``write`` fill a temporary file beside ``path``, then move it into place.

    On any failure the temporary file is removed and ``path`` is as it was; an
    ``OSError`` becomes a :class:`UsageError` naming the path, the reason and a fix.
    """
    target = check_output_file(path, overwrite=overwrite, option=option)
    tmp = _temporary_beside(target, option)
    try:
        write(tmp)
        _commit(tmp, target, overwrite=overwrite, option=option)
    except OSError as exc:
        raise _refusal(target, exc, option) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def write_text(
    path: str | os.PathLike[str], text: str, *, overwrite: bool, option: str = "--out"
) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; see :func:`write_with`."""
    return write_with(
        path, lambda tmp: tmp.write_text(text, encoding="utf-8"), overwrite=overwrite, option=option
    )


@contextmanager
def open_text(
    path: str | os.PathLike[str], *, overwrite: bool, option: str = "--out"
) -> Iterator[TextIO]:
    """A UTF-8 text handle (``newline=""`` for ``csv``) whose file appears only on success.

    The path is checked on entry, so a bad path fails before the caller does its work;
    if the caller's block raises, nothing is written (an ``OSError`` in it, such as a
    full disk while writing the handle, becomes the one message about this file).
    """
    target = check_output_file(path, overwrite=overwrite, option=option)
    tmp = _temporary_beside(target, option)
    try:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            yield handle  # a full disk shows here (or at the flush on close)
        _commit(tmp, target, overwrite=overwrite, option=option)
    except OSError as exc:
        raise _refusal(target, exc, option) from exc
    finally:
        tmp.unlink(missing_ok=True)


__all__ = ["check_output_file", "open_text", "os_reason", "write_text", "write_with"]
