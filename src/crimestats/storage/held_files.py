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
from pathlib import Path


def held_open(path: Path) -> bool | None:
    """True if this process has ``path`` open, False if not, None if it cannot tell."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return None
    try:
        target = path.stat()
    except OSError:
        return False  # no such file: nothing of it is held
    for fd in fds.iterdir():
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone by now
            held = fd.stat()
            if (held.st_dev, held.st_ino) == (target.st_dev, target.st_ino):
                return True
    return False
