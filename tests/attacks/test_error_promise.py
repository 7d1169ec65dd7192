"""The error promise, swept over every option of every command (issue 11, findings 11-12).

The README promises: exit 0 ok, 1 a user error (ONE message and a ``fix:`` line on
stderr, never a traceback), 2 bad usage; "this is a bug" only for real bugs. This file
walks the click tree behind the typer app, so a new command or option is covered the
day it is added, and gives every parameter hostile values of the wrong type and shape:
empty, negative, zero, huge, nan/inf, a folder where a file is expected, a missing
file, a file in a missing folder, a place nobody may write, an existing file, binary
and empty files, non-UTF-8 bytes, a very long string; plus each with ``--json``.

Every case runs in-process (``main(argv)`` inside the click runner's isolation) on a
copy of a three-row store, so the sweep stays fast. Failures in code owned by other
helpers are marked ``xfail(strict=True)`` with the owner (see ``OWNED_ELSEWHERE``), so
the mark must be removed once their fix is merged.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from tests.attacks.error_promise_cases import (
    BASE,
    BY_KIND,
    HOSTILE_FILES,
    INPUTS_AND_FOLDERS,
    LIGHT_COMMANDS,
    NOT_NEGATIVE,
    OUTPUT_FILES,
    OUTPUTS_AFTER_ANOTHER,
    OWNED_ELSEWHERE,
    SKIPPED_COMMANDS,
    VALUES,
    WITH_JSON,
)
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.testing import CliRunner

from crimestats.cli.app import app, main
from crimestats.services.classifying import REVIEW_COLUMNS

DATA = Path(__file__).resolve().parents[1] / "data"
INTERNAL_MARKERS = ("internal error", "this is a bug", "Traceback")


@dataclass(frozen=True)
class Case:
    """One hostile invocation: the command path, the parameter and the value given."""

    command: tuple[str, ...]
    param: str
    value: str
    json: bool

    @property
    def id(self) -> str:
        return f"{' '.join(self.command)}|{self.param}|{self.value}{'|json' if self.json else ''}"


# ----- the tiny world every case runs in ------------------------------------------------


def _world(root: Path) -> dict[str, Path]:
    """Small input files of every kind a command reads, and a three-row store."""
    from crimestats.services.ingesting import ingest_files

    files = {
        "flat": root / "flat.csv",
        "mse": root / "lists.csv",
        "review": root / "review.csv",
        "population": root / "population.csv",
        "areas": root / "areas.geojson",
        "series": root / "series.csv",
        "labelled": root / "labelled.csv",
        "correspondence": root / "correspondence.csv",
        "config": root / "release.yaml",
        "binary": root / "binary.bin",
        "empty": root / "empty.csv",
        "existing": root / "existing.csv",
        "store": root / "store.duckdb",
    }
    files["flat"].write_text(
        "incident_id,reported_date,national_label,victim_age\n"
        "A,2024-01-01,Theft,\nB,2024-01-02,Assault,200\nC,2024-02-01,Theft,30\n",
        encoding="utf-8",
    )
    shutil.copy(DATA / "mse" / "UKdat_5.csv", files["mse"])
    files["review"].write_text(
        ",".join(REVIEW_COLUMNS) + "\n" + "s,Theft,Theft,Theft,2,,,,,0502,me,\n", encoding="utf-8"
    )
    files["population"].write_text("area_code,year,population\nA,2024,100\n", encoding="utf-8")
    files["areas"].write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"id": "A"}, "geometry": None}],
            }
        ),
        encoding="utf-8",
    )
    series = (DATA / "series" / "cts_subset.csv").read_text(encoding="utf-8").splitlines()
    files["series"].write_text("\n".join(series[:5]) + "\n", encoding="utf-8")
    shutil.copy(DATA / "iccs" / "labelled_sample.csv", files["labelled"])
    files["correspondence"].write_text(
        "source,national_code,national_label,iccs_code,note,version\ns,Theft,Theft,0502,,1\n",
        encoding="utf-8",
    )
    files["config"].write_text("threshold: 3\n", encoding="utf-8")
    files["binary"].write_bytes(bytes(range(256)) * 4)
    files["empty"].write_bytes(b"")
    files["existing"].write_text("precious\n", encoding="utf-8")
    ingest_files([files["flat"]], source="s", db=files["store"])
    return files


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _world(tmp_path_factory.mktemp("sweep"))


@pytest.fixture(scope="module", autouse=True)
def _built_once() -> Iterator[None]:
    """Typer rebuilds the click tree on every call (90 ms) and the ICCS commands load
    the autocoder on every call; neither changes during the sweep, so each is built
    once: the sweep then takes a third of the time."""
    from crimestats.iccs.autocoder import Autocoder

    fitted: dict[str, Autocoder] = {}
    fit = Autocoder.fit_default

    def default_model(table: Any = None, *, cache: bool = True) -> Autocoder:
        """The default model loaded once (0.5 s a load); other tables as usual."""
        if table is not None:
            return fit(table, cache=cache)
        if "default" not in fitted:
            fitted["default"] = fit(None, cache=cache)
        return fitted["default"]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.main, "get_command", lambda _app: TREE)
        patch.setattr(Autocoder, "fit_default", staticmethod(default_model))
        yield


def _leaves(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command of the click tree behind ``app``, with its path (``review export``)."""
    if isinstance(group, TyperGroup):
        for name, sub in sorted(group.commands.items()):
            yield from _leaves(sub, (*path, name))
    else:
        yield path, group


def _name(param: Any) -> str:
    return str(param.opts[0]) if isinstance(param, TyperOption) else f"<{param.name}>"


def _kind(param: Any) -> str:
    """``path``, ``number`` or ``text``, from the parameter's annotation."""
    annotation = str(param.type_descriptor.annotation)
    if "Path" in annotation:
        return "path"
    return "number" if "int" in annotation or "float" in annotation else "text"


def _cases() -> Iterator[Case]:
    for path, command in COMMANDS.items():
        if path[0] in SKIPPED_COMMANDS:
            continue
        has_json = any(_name(p) == "--json" for p in command.params)
        for param in command.params:
            name = _name(param)
            if isinstance(param, TyperOption) and param.is_flag:
                yield Case(path, name, "on", json=False)
                continue
            values = BY_KIND[_kind(param)]
            light = LIGHT_COMMANDS.get(path)
            if light is not None:
                values = tuple(v for v in values if v in light[1])
            for value in values:
                yield Case(path, name, value, json=False)
            if has_json and light is None:
                for value in (v for v in values if v in WITH_JSON):
                    yield Case(path, name, value, json=True)


def _param(case: Case) -> pytest.ParameterSet:
    reason = OWNED_ELSEWHERE.get(case.id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, id=case.id, marks=marks)


TREE = typer.main.get_command(app)
COMMANDS = dict(_leaves(TREE))
ALL_CASES = [_param(c) for c in _cases()]


# ----- running one case ----------------------------------------------------------------


def _fill(template: str, names: dict[str, Path]) -> str:
    for key, value in names.items():
        template = template.replace("{" + key + "}", str(value))
    return template


def _argv(case: Case, command: Any, names: dict[str, Path]) -> list[str]:
    base = [_fill(a, names) for a in BASE.get(case.command, [])]
    params = {_name(p): p for p in command.params}
    value = _fill(VALUES.get(case.value, case.value), names)
    args = list(base)
    target = params[case.param]
    if isinstance(target, TyperOption):
        # drop the option from the base, then give it the hostile value (or just the flag)
        for i, arg in enumerate(list(args)):
            if arg in target.opts:
                del args[i : i + 2]
                break
        args += [case.param] if case.value == "on" else [case.param, value]
    else:  # a positional argument: replace the base's (always first) or add it
        positional = [p for p in command.params if isinstance(p, TyperArgument)]
        if positional and positional[0] is target and args and not args[0].startswith("-"):
            args[0] = value
        else:
            args.insert(0, value)
    if "--db" in params and case.param != "--db":
        args += ["--db", str(names["store"])]
    if case.json and "--json" not in args:
        args.append("--json")
    return [*case.command, *args]


@pytest.mark.parametrize("case", ALL_CASES)
def test_every_option_keeps_the_error_promise(
    case: Case, world: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "dir").mkdir()
        store = root / "store.duckdb"
        shutil.copy(world["store"], store)
        existing = root / "existing.csv"
        shutil.copy(world["existing"], existing)
        names = {
            **world,
            "store": store,
            "existing": existing,
            "dir": root / "dir",
            "missing": root / "missing.csv",
            "in_missing_folder": root / "no-such-folder" / "out.csv",
            "new": root / "new.csv",
            "newdir": root / "release",
        }
        argv = _argv(case, COMMANDS[case.command], names)
        monkeypatch.chdir(root)
        runner = CliRunner()
        env = {"CRIMESTATS_DEBUG": None, "CRIMESTATS_DB": str(root / "env.duckdb")}
        with runner.isolation(env=env) as (out, err, _):
            try:
                main(argv)
                code: object = 0
            except SystemExit as exc:
                code = 0 if exc.code is None else exc.code
            stdout = out.getvalue().decode("utf-8", "replace")
            stderr = err.getvalue().decode("utf-8", "replace")
        if existing.exists() and "--force" not in argv:
            assert existing.read_text(encoding="utf-8") == "precious\n", "replaced without --force"
    shown = f"exit={code} stderr={stderr[:400]!r} stdout={stdout[:200]!r} argv={argv!r}"
    assert code in (0, 1, 2), shown
    for marker in INTERNAL_MARKERS:
        assert marker not in stderr + stdout, shown
    if code == 1:
        errors = [line for line in stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, shown
        assert any(line.strip().startswith("fix:") for line in stderr.splitlines()), shown
    if case.value == "minus-one" and case.param in NOT_NEGATIVE:
        assert code != 0, f"a negative {case.param} was accepted: {shown}"
    if code == 0 and case.json:
        json.loads(stdout)  # --json promises one JSON document on stdout


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_file_is_one_message_with_a_fix(
    name: str, world: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command, content, words = HOSTILE_FILES[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(content)
    store = tmp_path / "store.duckdb"
    shutil.copy(world["store"], store)
    argv = [*command, str(path), *(["--db", str(store)] if command[0] == "review" else [])]
    monkeypatch.chdir(tmp_path)
    with CliRunner().isolation(env={"CRIMESTATS_DEBUG": None}) as (_out, err, _):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        stderr = err.getvalue().decode("utf-8", "replace")
    assert exited.value.code == 1, stderr
    lines = stderr.splitlines()
    assert [line for line in lines if line.startswith("error:")] == [lines[0]], stderr
    assert str(path) in lines[0], stderr
    assert words in lines[0], stderr
    assert len(lines) == 2, stderr
    assert lines[1].strip().startswith("fix:"), stderr
    assert "bug" not in stderr


def test_mse_refuses_too_many_lists_before_building_their_histories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """24 lists make 2**24 histories (3 GB): the limit must be checked before, not after."""
    from crimestats.errors import FileRefusedError
    from crimestats.mse import capture_histories

    built: list[int] = []
    real = capture_histories.all_histories
    monkeypatch.setattr(
        capture_histories, "all_histories", lambda t: built.append(t) or real(min(t, 2))
    )
    path = tmp_path / "lists.csv"
    path.write_bytes(HOSTILE_FILES["mse-24-lists"][1])
    with pytest.raises(FileRefusedError, match="24 lists; at most 10"):
        capture_histories.read_capture_file(path)
    assert built == []


def test_out_of_memory_is_called_so_not_a_malformed_file(
    world: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Running out of memory is the machine's limit: say so, and how to get round it."""
    import crimestats.mse

    def exhausted(*_args: Any, **_kwargs: Any) -> None:
        raise MemoryError

    monkeypatch.setattr(crimestats.mse, "read_capture_file", exhausted)
    with CliRunner().isolation(env={"CRIMESTATS_DEBUG": None}) as (_out, err, _):
        with pytest.raises(SystemExit) as exited:
            main(["mse", str(world["mse"])])
        stderr = err.getvalue().decode("utf-8", "replace")
    assert exited.value.code == 1
    lines = stderr.splitlines()
    assert lines[0].startswith("error: out of memory")
    assert "CRIMESTATS_MEMORY_LIMIT" in lines[1]
    assert "bug" not in stderr


# ----- every output file: refused on a full disk, never half written ---------------------


def test_every_path_option_is_known_as_input_or_output() -> None:
    """A new path option must be placed here, so an output file cannot escape the
    full-disk sweep below."""
    found = {
        (" ".join(path), _name(p))
        for path, command in COMMANDS.items()
        for p in command.params
        if _kind(p) == "path" and _name(p) != "--db" and path[0] not in SKIPPED_COMMANDS
    }
    outputs = {(" ".join(k), v) for k, v in OUTPUT_FILES} | set(OUTPUTS_AFTER_ANOTHER)
    assert found == outputs | INPUTS_AND_FOLDERS


ROBBERIES = Path(__file__).resolve().parents[1] / "data/incidents_code_memphis_sfhotspot"
FULL_DISK_POINTS = {
    command: [
        "--points", str(ROBBERIES / "memphis_robberies.csv"), "--x", "longitude",
        "--y", "latitude", *(["--date", "date"] if command[0] != "hotspots" else []),
    ]
    for command in (("hotspots",), ("forecast-evaluate",), ("forecast-audit",))
}  # fmt: skip
"""The spatial commands need points to write anything: the tiny world has none, so the
full-disk sweep gives them a real points file (the Memphis robberies)."""


@pytest.mark.parametrize(
    ("command", "option"), OUTPUT_FILES, ids=[f"{' '.join(c)} {o}" for c, o in OUTPUT_FILES]
)
@pytest.mark.parametrize("force", [False, True], ids=["new", "force"])
def test_a_full_disk_is_one_message_and_leaves_no_half_file(
    command: tuple[str, ...],
    option: str,
    force: bool,
    world: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    target = tmp_path / "out.csv"
    if force:
        target.write_text("old\n", encoding="utf-8")
    store = tmp_path / "store.duckdb"
    shutil.copy(world["store"], store)
    names = {**world, "store": store, "new": target, "newdir": tmp_path / "release"}
    case = Case(command, option, str(target), json=False)
    argv = _argv(case, COMMANDS[command], names) + (["--force"] if force else [])
    argv += FULL_DISK_POINTS.get(command, [])

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    monkeypatch.chdir(tmp_path)
    with CliRunner().isolation(env={"CRIMESTATS_DEBUG": None}) as (_out, err, _):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        stderr = err.getvalue().decode("utf-8", "replace")
    assert exited.value.code == 1, stderr
    lines = stderr.splitlines()
    assert lines[0] == f"error: cannot write {case.param} {target}: the disk is full", stderr
    assert lines[1].strip().startswith("fix: free some space"), stderr
    assert target.read_text(encoding="utf-8") == "old\n" if force else not target.exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
