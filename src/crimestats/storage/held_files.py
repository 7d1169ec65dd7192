"""Whether this process already holds a file open: asked before crimestats opens a store's
file itself, because doing so can silently drop the lock DuckDB holds on it.

Why it matters: DuckDB keeps a store exclusive with a POSIX record lock on the store file.
POSIX releases *all* of a process's record locks on a file as soon as the process closes
*any* descriptor of that file. So a process that has the store open through DuckDB (the API
server holds it for its lifetime) and then opens and closes the same file, to read its first
bytes for example, loses the lock without a word, and another process can then open the
store for writing beside it. Found by an attack in session 15: one ``POST /v1/ingest`` and
the server no longer kept CLI writers out.

Files are compared by device and inode, so a symlink or a hard link to the store is the
same file. Linux answers through ``/proc/self/fd``; elsewhere the answer is "unknown".
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def held_open(path: Path) -> bool | None:
    """True if this process has ``path`` open, False if not, None if it cannot tell."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return None
    return bool(_descriptors(fds, path))


def read_through_held(path: Path, size: int) -> bytes | None:
    """The first ``size`` bytes of ``path`` read through a descriptor this process already
    holds (``pread``: nothing opened, nothing closed, no lock lost); None if no held
    descriptor can be read (none held, or held for writing only)."""
    fds = Path("/proc/self/fd")
    for fd in _descriptors(fds, path) if fds.is_dir() else []:
        with contextlib.suppress(OSError):
            return os.pread(fd, size, 0)
    return None


def _descriptors(fds: Path, path: Path) -> list[int]:
    """This process's descriptors of ``path`` (same device and inode)."""
    try:
        target = path.stat()
    except OSError:
        return []  # no such file: nothing of it is held
    found = []
    for fd in fds.iterdir():
        with contextlib.suppress(OSError, ValueError):  # the listing's own one is gone now
            held = fd.stat()
            if (held.st_dev, held.st_ino) == (target.st_dev, target.st_ino):
                found.append(int(fd.name))
    return found
