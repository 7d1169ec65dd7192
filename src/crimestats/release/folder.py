"""The release folder: built privately beside its target, moved into place whole.

Why: a release is a transaction. Its files (differentially private noise included) are
written into a *staging* folder beside the target, ``.<name>.partial-<pid>-<random>``
(same parent, so the same filesystem), readable by its owner only. Only after the
release has been recorded in the store is the staging folder renamed to the target, in
one step. So a crash, a kill or a failed recording never leaves a half-written folder or
an unrecorded privacy spend at the target; ``--force`` replaces an old release whole (no
stale file survives outside the manifest), and if the new folder cannot be moved in the
old one is put back.

A leftover ``.<name>.partial-*`` or ``.<name>.replaced-*`` folder (from a process killed
mid-release) is not a release: it may hold noise that was never recorded. The next
release into the same target removes those whose process is gone.

The table names are checked here too, before anything is counted: a table is two files
(``NAME.csv``, ``NAME.parquet``) and two SDMX messages, so its name must be a safe file
stem that clashes with no other file of the folder, even on a case-insensitive disk.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

from crimestats.checksums import file_sha256
from crimestats.errors import CrimestatsError, UsageError
from crimestats.release.files import MANIFEST
from crimestats.release.package import DATAPACKAGE

REPORT = "report.html"
SDMX_DIR = "sdmx"
PARTIAL = "partial"
REPLACED = "replaced"


_SAFE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_DEVICE_NAMES = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])", re.IGNORECASE)
"""Names Windows keeps for devices, whatever the extension: never a file there."""


def own_files() -> tuple[str, ...]:
    """Every name a release writes besides its tables' files (``sdmx`` is a folder)."""
    from crimestats.release.map_metadata import H3_FILES, SNAP_FILES

    return (*H3_FILES, *SNAP_FILES, DATAPACKAGE, REPORT, MANIFEST, SDMX_DIR)


def _stem(name: str) -> str:
    return name.split(".", 1)[0].casefold()


def check_table_names(names: Sequence[str], *, where: str = "the release configuration") -> None:
    """Refuse a table name that is not a safe file stem, that names one of the release's
    own files (``map_h3``, ``datapackage``, ``report``, ``MANIFEST``, ``sdmx``, ...), or
    that differs from another table's only by case.

    Raises
    ------
    UsageError
        One message naming the table, with a fix; nothing has been read or written yet.
    """
    own = {_stem(name): name for name in own_files()}
    seen: dict[str, str] = {}
    for name in names:
        if not _SAFE_STEM.fullmatch(name) or _DEVICE_NAMES.fullmatch(name):
            raise UsageError(
                f"{where}: table name {name!r} is not a safe file name",
                hint="use 1 to 64 lower-case letters, digits and '_', e.g. offences_by_year",
            )
        key = name.casefold()
        if key in own:
            raise UsageError(
                f"{where}: table name {name!r} clashes with the release's own file "
                f"{own[key]!r} (its files would overwrite each other)",
                hint=f"rename the table, e.g. {name.lower()}_table; reserved: "
                + ", ".join(sorted(own)),
            )
        if key in seen:
            raise UsageError(
                f"{where}: table names {seen[key]!r} and {name!r} differ only by case "
                "(one file would overwrite the other on a case-insensitive disk)",
                hint="give every table a name of its own, in lower case",
            )
        seen[key] = name


def check_listed(folder: Path, names: Iterable[str]) -> None:
    """The files in ``folder`` are exactly ``names``, each once: what the manifest lists
    is all there is. A writer that wrote a file twice or an unlisted file is a bug."""
    listed = list(names)
    present = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    if len(set(listed)) != len(listed) or sorted(listed) != present:
        twice = sorted({n for n in listed if listed.count(n) > 1})
        raise RuntimeError(
            f"the release files do not match their manifest: listed twice {twice}, "
            f"not listed {sorted(set(present) - set(listed))}, "
            f"missing {sorted(set(listed) - set(present))}"
        )


def looks_like_release(folder: Path) -> bool:
    """Whether ``folder`` holds a crimestats release (its manifest and datapackage)."""
    return (folder / MANIFEST).is_file() and (folder / DATAPACKAGE).is_file()


def _manifest_names(folder: Path) -> dict[str, str] | None:
    """The ``name -> hash`` lines of the folder's manifest, or None if it is not one."""
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    listed: dict[str, str] = {}
    for line in text.splitlines():
        digest, sep, name = line.partition("  ")
        if not sep or not re.fullmatch(r"[0-9a-f]{64}", digest) or not name:
            return None
        listed[name] = digest
    return listed


def _is_crimestats_package(folder: Path) -> bool:
    """Whether the folder's ``datapackage.json`` is one a crimestats release wrote."""
    try:
        package = json.loads((folder / DATAPACKAGE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(package, dict) and isinstance(package.get("crimestats"), dict)


def foreign_file(folder: Path) -> str | None:
    """The first file in ``folder`` that is not part of the crimestats release there, or
    None if the folder is exactly a release.

    Why: ``--force`` removes the old folder whole. An empty manifest and a ``{}``
    datapackage beside a thesis must not make the thesis look like release output, so
    every file present (recursively, the manifest aside) must be listed in the manifest
    with its hash, every listed file must be present, and the datapackage must carry the
    ``crimestats`` block a release writes.
    """
    present = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() or p.is_symlink() or not p.is_dir()
    )
    listed = _manifest_names(folder)
    if listed is None:
        return MANIFEST
    # The user's own files are named first: they are what --force would destroy.
    for name in sorted(present, key=lambda n: (n in (MANIFEST, DATAPACKAGE), n)):
        if name == MANIFEST:
            continue
        path = folder / name
        if name not in listed or path.is_symlink() or file_sha256(path) != listed[name]:
            return name
    if set(listed) - set(present):
        return MANIFEST
    if not _is_crimestats_package(folder):
        return DATAPACKAGE
    return None


def check_target(target: Path, *, force: bool, store: Path | None = None) -> None:
    """Refuse a target that is a file, a non-empty folder without ``force``, or (with
    ``force``) a non-empty folder that is not a release, or one that holds the store:
    ``--force`` removes the old folder whole, so it must be an old release."""
    if not target.name:
        raise UsageError(f"{target} cannot be a release folder", hint="pass --out a new folder")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file, not a folder", hint="pass --out a folder path")
    if not target.is_dir() or not any(target.iterdir()):
        return
    if not force:
        raise UsageError(
            f"{target} is not empty",
            hint="pass a new or empty folder, or --force to replace the old release in it whole",
        )
    if not looks_like_release(target):
        raise UsageError(
            f"{target} is not a crimestats release folder (no {MANIFEST} and {DATAPACKAGE}), "
            "and --force replaces the folder whole",
            hint="pass a new or empty folder, or empty this one yourself",
        )
    foreign = foreign_file(target)
    if foreign is not None:
        raise UsageError(
            f"{target} is not exactly a crimestats release: {foreign} is not part of the "
            f"release its {MANIFEST} describes, and --force replaces the folder whole",
            hint=f"move {foreign} out of {target}, or choose another --out",
        )
    if store is not None and store.resolve().is_relative_to(target.resolve()):
        raise UsageError(
            f"the store {store} is inside {target}, which --force would replace",
            hint="write the release into another folder",
        )


def _default_dir_mode() -> int:
    """The mode ``mkdir`` would give a folder under the current umask."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o777 & ~umask


def _owner_alive(name: str) -> bool:
    """Whether the process named in a staging folder's name still runs (on this host).

    Never asked on Windows, where ``os.kill`` would end the process: kept there."""
    if os.name == "nt":
        return True
    try:
        pid = int(name.rsplit("-", 2)[-2])
    except (IndexError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the staging and replaced folders an interrupted release into ``target``
    left beside it (their process is gone); returns what was removed."""
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    for kind in (PARTIAL, REPLACED):
        for path in target.parent.glob(f".{target.name}.{kind}-*"):
            if path.is_dir() and not path.is_symlink() and not _owner_alive(path.name):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


class StagingFolder:
    """A release under construction, beside its target; :meth:`publish` moves it in.

    Use as a context manager: on leaving without :meth:`publish` (an error), the staging
    folder and everything in it are removed, unless :meth:`keep` said to keep it (a
    recorded release that could not be moved in).
    """

    def __init__(self, target: Path, *, force: bool) -> None:
        self.target = target
        self.force = force
        self._path: Path | None = None
        self._done = False
        self._made: list[Path] = []  # parents of the target this release created

    @property
    def path(self) -> Path:
        """The staging folder (only inside the ``with`` block)."""
        if self._path is None:
            raise RuntimeError("the staging folder exists only inside its with-block")
        return self._path

    def __enter__(self) -> StagingFolder:
        parent = self.target.absolute().parent
        self._made = [p for p in (parent, *parent.parents) if not p.exists()]
        try:
            parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(self.target)
            prefix = f".{self.target.name}.{PARTIAL}-{os.getpid()}-"
            self._path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))  # mode 0700
        except OSError as exc:
            raise UsageError(
                f"cannot create the release folder {self.target}: {exc.strerror or exc}",
                hint=f"check that you may write in {parent}",
            ) from exc
        return self

    def keep(self) -> None:
        """Leave the staging folder in place on exit (it holds a recorded release)."""
        self._done = True

    def publish(self, *, recorded: str | None) -> None:
        """Move the staging folder to the target in one rename (``force``: the old
        release is moved aside first, put back if the move fails, then removed).

        ``recorded`` is the release id when the store already holds the release: then a
        failed move keeps the staging folder and the error says the spend is recorded.
        """
        staging = self.path
        aside: Path | None = None
        try:
            _sync(staging)
            staging.chmod(_default_dir_mode())
            if self.force and self.target.is_dir() and any(self.target.iterdir()):
                token = f"{os.getpid()}-{secrets.token_hex(4)}"
                aside = self.target.with_name(f".{self.target.name}.{REPLACED}-{token}")
                self.target.rename(aside)
            try:
                staging.rename(self.target)  # onto nothing or an empty folder only
            except OSError:
                if aside is not None:
                    aside.rename(self.target)
                    aside = None
                raise
        except OSError as exc:
            raise self._not_moved(exc, recorded) from exc
        self._done = True
        _sync_folder(self.target.parent)
        if aside is not None:
            if aside.is_symlink():
                aside.unlink()
            else:
                shutil.rmtree(aside, ignore_errors=True)

    def _not_moved(self, exc: OSError, recorded: str | None) -> CrimestatsError:
        why = exc.strerror or str(exc)
        if recorded is None:
            return UsageError(
                f"cannot move the release into {self.target}: {why}; nothing was published",
                hint="check that the folder is new or empty (or pass --force) and writable",
            )
        self.keep()
        return UsageError(
            f"release {recorded} is recorded in the store (its privacy spend counts) but "
            f"could not be moved into {self.target}: {why}; its files are in {self.path}",
            hint=f"move {self.path} to {self.target} yourself to publish it, or delete it "
            "(the spend stays recorded)",
        )

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._path is not None and not self._done:
            shutil.rmtree(self._path, ignore_errors=True)
            for made in self._made:  # innermost first; only if still empty
                try:
                    made.rmdir()
                except OSError:
                    break


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries (names, renames) to disk; a no-op where unsupported."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _sync(folder: Path) -> None:
    """Flush every file of the release to disk before it is renamed into place, so a
    power cut cannot leave a published folder whose files fail their manifest."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        elif path.is_dir():
            _sync_folder(path)
    _sync_folder(folder)


__all__ = [
    "PARTIAL",
    "REPLACED",
    "REPORT",
    "SDMX_DIR",
    "StagingFolder",
    "check_listed",
    "check_table_names",
    "check_target",
    "foreign_file",
    "looks_like_release",
    "own_files",
    "remove_leftovers",
]
