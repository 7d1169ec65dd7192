"""The recorded releases as the public may read them: listed files only, checked.

Why through the manifest: a release folder is what ``crimestats release`` wrote and
checksummed; the API serves exactly the files its ``MANIFEST.sha256`` lists (a
request names one of those relative paths or gets 404), from inside the recorded
folder (no ``..``, no symlink out of it), and refuses a file whose bytes no longer
match the manifest (a folder changed after release is not what was published).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, TypedDict

from crimestats.checksums import file_sha256
from crimestats.errors import NotFoundError, StoreError


class ReleaseSummary(TypedDict):
    """A release as ``GET /v1/releases`` lists it (and ``/v1/releases/{id}`` opens)."""

    release_id: str
    created_at: str
    """ISO 8601, to the second."""
    tables: list[str]
    files: list[str]


@dataclass(frozen=True, slots=True)
class ReleaseEntry:
    """One recorded release: its id, time, folder and manifest (path -> sha256)."""

    release_id: str
    created_at: datetime
    directory: Path
    files: dict[str, str]

    @property
    def tables(self) -> list[str]:
        """The tables a reader can ask for: the top-level CSV files, by stem."""
        return sorted(
            PurePosixPath(p).stem for p in self.files if "/" not in p and p.endswith(".csv")
        )

    def summary(self) -> ReleaseSummary:
        return {
            "release_id": self.release_id,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "tables": self.tables,
            "files": sorted(self.files),
        }


def _manifest(text: str) -> dict[str, str]:
    files: dict[str, str] = {}
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        if digest and name:
            files[name.strip()] = digest.strip()
    return files


def list_releases(con: Any) -> list[ReleaseEntry]:
    """Every recorded release, newest first."""
    rows = con.execute(
        "SELECT release_id, created_at, directory, manifest FROM releases "
        "ORDER BY created_at DESC, release_id DESC"
    ).fetchall()
    return [ReleaseEntry(r[0], r[1], Path(r[2]), _manifest(r[3] or "")) for r in rows]


def find_release(con: Any, release_id: str) -> ReleaseEntry:
    """The release ``release_id`` (``latest`` names the newest), or NotFoundError."""
    return find_in(list_releases(con), release_id)


def find_in(releases: list[ReleaseEntry], release_id: str) -> ReleaseEntry:
    """The release ``release_id`` among ``releases`` (newest first), or NotFoundError."""
    if release_id == "latest" and releases:
        return releases[0]
    for entry in releases:
        if entry.release_id == release_id:
            return entry
    raise NotFoundError(f"no release {release_id!r}", hint="list them at /v1/releases")


_checked: dict[tuple[str, int, int], str] = {}
"""(path, size, mtime_ns) -> sha256 of files already checked, so a file is hashed once."""


def release_file(entry: ReleaseEntry, name: str) -> tuple[Path, str]:
    """The path and sha256 of the listed file ``name`` of ``entry``, checked."""
    digest = entry.files.get(name)
    if digest is None:
        raise NotFoundError(
            f"release {entry.release_id} has no file {name!r}",
            hint=f"see /v1/releases/{entry.release_id} for its files",
        )
    root = entry.directory.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFoundError(
            f"release {entry.release_id}'s file {name!r} is not in its folder",
            hint="the release folder was moved or changed; release again",
        )
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    actual = _checked.get(key)
    if actual is None:
        actual = _checked[key] = file_sha256(path)
    if actual != digest:
        raise StoreError(
            f"release {entry.release_id}'s file {name!r} differs from its manifest",
            hint="the folder was changed after release; release again",
        )
    return path, digest


def table_rows(entry: ReleaseEntry, table: str) -> tuple[list[str], list[dict[str, str]]]:
    """Columns and rows of a release table, read from its published CSV."""
    if table not in entry.tables:
        raise NotFoundError(
            f"release {entry.release_id} has no table {table!r}",
            hint="tables: " + ", ".join(entry.tables),
        )
    path, _ = release_file(entry, f"{table}.csv")
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    parsed = _parsed.get(key)
    if parsed is None:
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
        parsed = _parsed[key] = (list(reader.fieldnames or []), list(reader))
    return parsed


_parsed: dict[tuple[str, int, int], tuple[list[str], list[dict[str, str]]]] = {}
"""(path, size, mtime_ns) -> a checked table's columns and rows, read once (callers
must not change them)."""
