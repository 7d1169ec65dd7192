"""The output-file promise (issue 11, finding 12): no file replaced without --force, every
file written atomically, and every OS failure one message naming the path and a fix."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from crimestats.errors import UsageError
from crimestats.output_files import check_output_file, open_text, write_text, write_with


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_new_file_is_written_whole(tmp_path: Path) -> None:
    out = write_text(tmp_path / "a.csv", "x,y\n", overwrite=False)
    assert out.read_text(encoding="utf-8") == "x,y\n"
    assert _leftovers(tmp_path) == []
    # the umask applies, as for any file the user creates (not a private 0600 temp file)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_an_existing_file_needs_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_text("precious\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        write_text(target, "new\n", overwrite=False, option="--out")
    assert caught.value.message == f"--out {target} already exists"
    assert "--force" in str(caught.value.hint)
    assert target.read_text(encoding="utf-8") == "precious\n"
    write_text(target, "new\n", overwrite=True)
    assert target.read_text(encoding="utf-8") == "new\n"


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda root: root, "is a folder, not a file"),
        (lambda root: root / "missing" / "a.csv", "does not exist"),
        (lambda root: root / "file.txt" / "a.csv", "is not a folder"),
        (lambda root: "", "is a folder, not a file"),
    ],
    ids=["folder", "missing-folder", "parent-is-a-file", "empty"],
)
def test_paths_that_cannot_become_a_file_are_refused_before_work(
    tmp_path: Path, make: object, expected: str
) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        check_output_file(make(tmp_path), overwrite=True, option="--out")  # type: ignore[operator]
    assert expected in caught.value.message
    assert caught.value.hint


def test_a_read_only_file_is_not_replaced_even_with_force(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_text("keep\n", encoding="utf-8")
    target.chmod(0o444)
    with pytest.raises(UsageError, match="is read-only"):
        write_text(target, "new\n", overwrite=True)
    assert target.read_text(encoding="utf-8") == "keep\n"


def test_a_full_disk_says_so_and_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.csv"
    target.write_text("old\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(UsageError) as caught:
        write_text(target, "new\n" * 1000, overwrite=True, option="--out")
    assert caught.value.message == f"cannot write --out {target}: the disk is full"
    assert "free some space" in str(caught.value.hint)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert _leftovers(tmp_path) == []


def test_a_failing_writer_leaves_no_half_file(tmp_path: Path) -> None:
    target = tmp_path / "a.parquet"

    def half(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError(errno.EIO, "input/output error")

    with pytest.raises(UsageError, match="input/output error"):
        write_with(target, half, overwrite=False)
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_open_text_writes_nothing_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"

    def fail_half_way() -> None:
        with open_text(target, overwrite=False) as handle:
            handle.write("half a file")
            raise RuntimeError("the caller failed")

    with pytest.raises(RuntimeError):
        fail_half_way()
    assert not target.exists()
    assert _leftovers(tmp_path) == []
    with open_text(target, overwrite=False) as handle:
        handle.write("whole\n")
    assert target.read_text(encoding="utf-8") == "whole\n"


def test_a_place_nobody_may_write_is_one_message() -> None:
    with pytest.raises(UsageError) as caught:
        write_text("/sys/crimestats-test.csv", "x", overwrite=False)
    assert "permission denied" in caught.value.message
    assert caught.value.hint


def _run(argv: list[str]) -> tuple[int, str]:
    """``crimestats ARGV`` in-process: (exit code, stderr)."""
    from typer.testing import CliRunner

    from crimestats.cli.app import main

    with CliRunner().isolation(env={"CRIMESTATS_DEBUG": None}) as (_out, err, _):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        return code, err.getvalue().decode("utf-8", "replace")


def test_quarantine_out_does_not_replace_a_file_without_force(tmp_path: Path) -> None:
    """Finding 12: ``quarantine --out`` replaced an existing file without asking."""
    from crimestats.services.ingesting import ingest_files

    flat = tmp_path / "in.csv"
    flat.write_text(
        "incident_id,reported_date,national_label,victim_age\nA,2024-01-01,Theft,200\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.duckdb"
    ingest_files([flat], source="s", db=db)
    out = tmp_path / "q.csv"
    out.write_text("the provider's notes\n", encoding="utf-8")
    code, stderr = _run(["quarantine", "--out", str(out), "--db", str(db)])
    assert code == 1
    assert stderr.splitlines()[0] == f"error: --out {out} already exists"
    assert "fix: pass --force" in stderr
    assert out.read_text(encoding="utf-8") == "the provider's notes\n"
    code, stderr = _run(["quarantine", "--out", str(out), "--force", "--db", str(db)])
    assert code == 0, stderr
    header, row = out.read_text(encoding="utf-8").splitlines()
    assert header == "source,file,line,row_number,incident_id,codes,problems,fixes,raw"
    assert row.startswith("s,")
    assert _leftovers(tmp_path) == []


def test_an_os_refusal_is_a_user_error_not_a_bug(tmp_path: Path) -> None:
    """An OSError from deep inside (here: a file name past the system's limit) names
    the path and the reason; it is the user's machine saying no, not a bug."""
    long_name = tmp_path / ("x" * 5000)
    code, stderr = _run(["mse", str(long_name)])
    assert code == 1
    assert stderr.splitlines()[0] == f"error: cannot use {long_name}: the name is too long"
    assert stderr.splitlines()[1].strip() == "fix: choose a shorter file name"
    assert "bug" not in stderr


def test_a_folder_given_as_population_file_is_refused_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "pop"
    folder.mkdir()
    code, stderr = _run(["ingest-population", str(folder), "--db", str(tmp_path / "s.duckdb")])
    assert code == 1
    assert stderr.splitlines()[0] == f"error: {folder}: is a folder, not a file"
    assert stderr.splitlines()[1].strip() == "fix: give the file's path"


def test_a_name_too_long_is_one_message(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        check_output_file(tmp_path / ("x" * 5000), overwrite=False, option="--out")
    assert caught.value.message.endswith("the name is too long")
    assert caught.value.hint == "choose a shorter file name"
