"""Attacks on the release as a transaction (issue 11, findings 3 and 9).

Finding 3, unrecorded privacy spend: a release that wrote its files (DP noise included)
before recording itself left a noisy table on disk with no ledger entry when it was
killed, when an ingest took the store lock mid-release, or when the store could not be
written; the next release did not know. Each test below kills or blocks a real release
at that point and checks that no folder is published and that no noise lies outside the
private staging folder unless the store records its spend.

Finding 9, the release folder: ``--force`` into an old release left stale files outside
the manifest (``sha256sum -c`` still passed), and a table named ``map_h3`` was
overwritten by the map and listed twice.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest

from crimestats.errors import StoreError, StoreLockedError, UsageError
from crimestats.release import MANIFEST, build_release
from crimestats.release.config import parse_config

DP_TABLE = {"name": "incidents_dp", "unit": "incidents", "by": ["source", "year"], "method": "dp"}
PLAIN_TABLE = {"name": "incidents_t", "unit": "incidents", "by": ["source", "year"]}
CONFIG: dict[str, Any] = {
    "tables": [DP_TABLE, PLAIN_TABLE],
    "dp": {"epsilon": 1.0, "privacy_unit": "incident", "years": [2022, 2024]},
    "maps": {"method": "none"},
}
WAIT = 120  # seconds a subprocess may take to reach its pause before the test gives up


@pytest.fixture
def store(alpha_store: Path, tmp_path: Path) -> Path:
    """A copy of the small store for one test (releases write to it)."""
    db = tmp_path / "store" / "store.duckdb"
    db.parent.mkdir()
    shutil.copyfile(alpha_store, db)
    return db


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every draw of DP noise in this process (the number of cells noised)."""
    from crimestats.dp import mechanism

    calls: list[int] = []
    real = mechanism.LaplaceCounts.__call__

    def spy(self: mechanism.LaplaceCounts, counts: list[int]) -> list[int]:
        calls.append(len(counts))
        return real(self, counts)

    monkeypatch.setattr(mechanism.LaplaceCounts, "__call__", spy)
    return calls


def _recorded(db: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(release id, directory) of every recorded release, and (release id, table) of
    every recorded DP spend."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        releases = con.execute("SELECT release_id, directory FROM releases").fetchall()
        spends = con.execute("SELECT release_id, table_name FROM privacy_ledger").fetchall()
    finally:
        con.close()
    return [tuple(r) for r in releases], [tuple(s) for s in spends]  # type: ignore[misc]


def _noise_outside_staging(root: Path) -> list[Path]:
    """Files of the DP table anywhere under ``root`` but not inside a staging folder."""
    return [
        p
        for p in root.rglob("incidents_dp*")
        if not any(".partial-" in part for part in p.relative_to(root).parts)
    ]


def _run_until_paused(script: Path, *args: str) -> subprocess.Popen[str]:
    """Start a subprocess and wait until it prints ``paused`` (or fail with its stderr)."""
    proc = subprocess.Popen(
        [sys.executable, str(script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    watchdog = threading.Timer(WAIT, proc.kill)
    watchdog.start()
    try:
        line = proc.stdout.readline() if proc.stdout else ""
    finally:
        watchdog.cancel()
    if line.strip() != "paused":
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"the subprocess never reached its pause: {line!r} {err[-2000:]}")
    return proc


KILLED_RELEASE = """
import json, os, sys, time
from crimestats.release import build_release, recording
from crimestats.release.config import parse_config

db, out, point, config = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])


def pause(*args, **kwargs):
    print("paused", flush=True)
    time.sleep(600)


if point == "record":  # every file written, the store transaction not yet committed
    recording.record_release = pause
else:  # recorded; about to move the folder into place
    os.rename = pause
build_release(db, out, config=parse_config(config))
"""


@pytest.mark.parametrize("point", ["record", "move"])
def test_kill_9_mid_release_leaves_no_folder_and_no_unrecorded_noise(
    store: Path, tmp_path: Path, point: str
) -> None:
    script = tmp_path / "release.py"
    script.write_text(KILLED_RELEASE, encoding="utf-8")
    out = tmp_path / "out"
    proc = _run_until_paused(script, str(store), str(out), point, json.dumps(CONFIG))
    proc.kill()  # SIGKILL: no handler, no finally, no cleanup runs
    proc.communicate()
    assert not out.exists()  # nothing published, not even a half folder
    releases, spends = _recorded(store)
    assert _noise_outside_staging(tmp_path) == []
    leftovers = list(tmp_path.glob(".out.partial-*"))
    assert len(leftovers) == 1
    if point == "record":
        assert (releases, spends) == ([], [])  # unrecorded, and never published
        assert leftovers[0].stat().st_mode & 0o077 == 0  # its noise: for its owner only
    else:
        assert [d for _, d in releases] == [str(out.resolve())]
        assert [t for _, t in spends] == ["incidents_dp"]  # recorded before the move
    # the next release into the same target knows every spend and removes the leftover
    result = build_release(store, out, config=parse_config(CONFIG))
    assert list(tmp_path.glob(".out.*")) == []
    releases, spends = _recorded(store)
    assert result.release_id in {r for r, _ in releases}
    assert (result.release_id, "incidents_dp") in spends
    assert len(spends) == (1 if point == "record" else 2)


HOLD_STORE = """
import sys, time
from crimestats.storage.store import open_store

with open_store(sys.argv[1], read_only=sys.argv[2] == "read-only"):
    print("paused", flush=True)
    time.sleep(600)
"""


@contextmanager
def _held(db: Path, mode: str, folder: Path) -> Iterator[None]:
    """Another process holds the store open (``write``: as an ingest does)."""
    script = folder / "hold.py"
    script.write_text(HOLD_STORE, encoding="utf-8")
    proc = _run_until_paused(script, str(db), mode)
    try:
        yield
    finally:
        proc.kill()
        proc.communicate()


def test_an_ingest_taking_the_store_lock_mid_release_publishes_nothing(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crimestats.release import build

    stack: list[Any] = []
    real = build._release_dp

    def noise_then_ingest(*args: Any, **kwargs: Any) -> Any:
        released = real(*args, **kwargs)
        holder = _held(store, "write", tmp_path)
        holder.__enter__()
        stack.append(holder)
        return released

    monkeypatch.setattr(build, "_release_dp", noise_then_ingest)
    out = tmp_path / "out"
    try:
        with pytest.raises(StoreLockedError) as caught:
            build_release(store, out, config=parse_config(CONFIG))
    finally:
        for holder in stack:
            holder.__exit__(None, None, None)
    assert stack  # the lock was really taken mid-release, after the noise
    assert not out.exists()
    assert "nothing was published" in caught.value.message
    assert caught.value.hint
    assert list(tmp_path.glob(".out.*")) == []
    assert _noise_outside_staging(tmp_path) == []
    assert _recorded(store) == ([], [])


@pytest.mark.parametrize("mode", ["read-only", "write"])
def test_a_store_held_by_another_process_refuses_before_any_noise(
    store: Path, tmp_path: Path, draws: list[int], mode: str
) -> None:
    """``read-only``: another process reads the store (DuckDB's shared lock), so this
    release could read it but never record itself."""
    out = tmp_path / "out"
    with _held(store, mode, tmp_path), pytest.raises(StoreLockedError) as caught:
        build_release(store, out, config=parse_config(CONFIG))
    assert draws == []
    assert "in use by another process" in caught.value.message
    assert not out.exists()
    assert list(tmp_path.glob(".out.*")) == []
    assert _recorded(store) == ([], [])


def test_a_read_only_store_folder_refuses_before_any_noise(
    store: Path, tmp_path: Path, draws: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's folder is read-only (DuckDB could open the file but not write its
    log). ``os.access`` stands in for ``chmod``, which root (the test runner) ignores."""
    real = os.access
    readonly = {store.absolute().parent}

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        if mode & os.W_OK and Path(path).absolute() in readonly:
            return False
        return real(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    out = tmp_path / "out"
    with pytest.raises(StoreError) as caught:
        build_release(store, out, config=parse_config(CONFIG))
    assert draws == []
    assert "cannot be written" in caught.value.message
    assert not out.exists()
    assert _recorded(store) == ([], [])


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_chmod_read_only_store_refuses_before_any_noise(
    store: Path, tmp_path: Path, draws: list[int]
) -> None:
    store.chmod(0o444)
    store.parent.chmod(0o555)
    try:
        with pytest.raises(StoreError):
            build_release(store, tmp_path / "out", config=parse_config(CONFIG))
    finally:
        store.parent.chmod(0o755)
        store.chmod(0o644)
    assert draws == []
    assert not (tmp_path / "out").exists()


def test_an_unrecorded_dp_release_is_refused(store: Path, tmp_path: Path, draws: list[int]) -> None:
    with pytest.raises(UsageError, match="must be recorded"):
        build_release(store, tmp_path / "out", config=parse_config(CONFIG), record=False)
    assert draws == []
    assert not (tmp_path / "out").exists()


def _manifest_names(folder: Path) -> list[str]:
    """The names ``MANIFEST.sha256`` lists, each checked against its file's bytes."""
    names = []
    for line in (folder / MANIFEST).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
        names.append(name)
    return names


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_force_replaces_the_old_release_whole(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = {**CONFIG, "tables": [*CONFIG["tables"], {**PLAIN_TABLE, "name": "dropped_t"}]}
    build_release(store, out, config=parse_config(old))
    # A file the old release's manifest does not list is refused (tests/attacks/
    # test_attack_redteam_release.py, finding H); the old release's own files are replaced.
    result = build_release(store, out, config=parse_config(CONFIG), force=True)
    present = _files(out)
    listed = _manifest_names(out)
    assert present == sorted([*listed, MANIFEST])  # every file is in the manifest
    assert len(listed) == len(set(listed))
    assert not any("dropped_t" in name or "stale" in name for name in present)
    assert sorted(result.files) == present
    if shutil.which("sha256sum"):
        checked = subprocess.run(
            ["sha256sum", "-c", MANIFEST], cwd=out, capture_output=True, text=True, check=True
        )
        assert sorted(line.rsplit(": ", 1)[0] for line in checked.stdout.splitlines()) == listed
    assert list(tmp_path.glob(".out.*")) == []


def test_force_refuses_a_folder_that_is_not_a_release(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("months of work\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not a crimestats release folder") as caught:
        build_release(store, out, config=parse_config(CONFIG), force=True)
    assert caught.value.hint
    assert _files(out) == ["thesis.tex"]
    assert _recorded(store) == ([], [])


def test_force_puts_the_old_release_back_when_the_new_cannot_move_in(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build_release(store, out, config=parse_config(CONFIG))
    before = {name: (out / name).read_bytes() for name in _files(out)}
    real = os.rename

    def refuse_move_in(src: Any, dst: Any) -> None:
        if ".partial-" in str(src):
            raise OSError(18, "Invalid cross-device link")
        real(src, dst)

    monkeypatch.setattr(os, "rename", refuse_move_in)
    with pytest.raises(UsageError) as caught:
        build_release(store, out, config=parse_config(CONFIG), force=True)
    monkeypatch.undo()
    assert {name: (out / name).read_bytes() for name in _files(out)} == before
    assert "is recorded in the store" in caught.value.message  # the spend counts
    kept = list(tmp_path.glob(".out.partial-*"))
    assert len(kept) == 1
    assert str(kept[0]) in caught.value.message
    assert list(tmp_path.glob(".out.replaced-*")) == []
    _, spends = _recorded(store)
    assert len(spends) == 2


def test_a_table_named_like_a_release_file_is_refused_before_counting(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crimestats.release import build

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("counted before the names were checked")

    monkeypatch.setattr(build, "_plan_dp", never)
    config = {"tables": [{**PLAIN_TABLE, "name": "map_h3"}], "maps": {"method": "h3"}}
    out = tmp_path / "out"
    with pytest.raises(UsageError) as caught:
        build_release(store, out, config=parse_config(config), record=False)
    assert "'map_h3'" in caught.value.message
    assert "clashes" in caught.value.message
    assert caught.value.hint is not None
    assert "rename the table" in caught.value.hint
    assert not out.exists()
    base = parse_config({"tables": [PLAIN_TABLE]})
    table = base.tables[0]
    for names in (["datapackage"], ["report"], ["MANIFEST"], ["SDMX"], ["Map_H3"],
                  ["incidents_t", "Incidents_T"], ["../up"], ["con"], [".hidden"]):  # fmt: skip
        odd = dataclasses.replace(
            base, tables=tuple(dataclasses.replace(table, name=n) for n in names)
        )
        with pytest.raises(UsageError):
            build_release(store, out, config=odd, record=False)
        assert not out.exists()


def test_the_cli_refuses_map_h3_with_one_message_and_a_fix(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from crimestats.cli.app import main

    config = tmp_path / "release.yaml"
    config.write_text(
        "tables:\n  - {name: map_h3, unit: incidents, by: [source]}\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as done:
        main(["release", "--out", str(out), "--config", str(config), "--db", str(store)])
    assert done.value.code == 1
    printed = capsys.readouterr()
    text = printed.out + printed.err
    assert "release.yaml: table name 'map_h3' clashes" in text
    assert text.count("fix:") == 1
    assert "Traceback" not in text
    assert not out.exists()
    assert _recorded(store) == ([], [])


NOBODY_RELEASE = """
import sys
from crimestats.dp import mechanism


def drew(self, counts):
    print("noise drawn", flush=True)
    raise SystemExit(3)


mechanism.LaplaceCounts.__call__ = drew
from crimestats.cli.app import main

main(sys.argv[1:])
"""


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="runs the release as user nobody (needs root and setpriv)",
)
def test_a_store_the_user_may_not_write_refuses_before_any_noise(store: Path) -> None:
    """The real thing as root: the CLI run as ``nobody`` on a root-owned store, which
    nobody may read but not write."""
    import tempfile

    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o755)
        db = base / "store.duckdb"
        shutil.copyfile(store, db)
        db.chmod(0o644)
        (base / "release.py").write_text(NOBODY_RELEASE, encoding="utf-8")
        (base / "release.yaml").write_text(json.dumps(CONFIG), encoding="utf-8")
        work = base / "work"
        work.mkdir()
        work.chmod(0o777)
        out = work / "rel"
        done = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
             str(base / "release.py"), "release", "--out", str(out), "--config",
             str(base / "release.yaml"), "--db", str(db)],
            cwd=work, capture_output=True, text=True, timeout=WAIT, check=False,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HOME": str(work),
                 "PYTHONDONTWRITEBYTECODE": "1"},
        )  # fmt: skip
        text = done.stdout + done.stderr
        assert "noise drawn" not in text
        assert done.returncode == 1, text
        assert "cannot be written" in text
        assert text.count("fix:") == 1
        assert sorted(p.name for p in work.iterdir()) == []  # no folder, no staging
        assert _recorded(db) == ([], [])
    finally:
        shutil.rmtree(base, ignore_errors=True)
