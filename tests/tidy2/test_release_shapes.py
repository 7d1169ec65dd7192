"""The typed JSON shapes of a release say the truth about what it writes.

Why: ``datapackage.json``, the publisher's summary (``crimestats release --json``) and
the store's record of a release are declared as ``TypedDict``\\s in
``crimestats.release`` (``DataPackage``, ``ReleaseResultJson``, ``RecordedConfig`` and
the shapes they hold). mypy checks the code that builds them, but nothing checks at run
time that a declared key is written, or that no undeclared key is. This test builds a
release that uses every optional part (a DP table, a seed, a period window, the hexagon
map) and walks each document against its declaration, recursively: every required key
present, no key the type does not declare, and every value of the declared kind.
"""

from __future__ import annotations

import json
import shutil
import types
import typing
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any, Union, get_args, get_origin, is_typeddict

import duckdb
import pytest

from crimestats.release import (
    build_release,
    descriptors,
    dp_files,
    map_metadata,
    package,
    parse_config,
    public_notes,
    recording,
    result,
    table_schema,
)
from crimestats.release import config as config_module
from crimestats.release.package import DataPackage
from crimestats.release.recording import RecordedConfig
from crimestats.release.result import ReleaseResultJson

CONFIG: dict[str, Any] = {
    "tables": [
        {"name": "incidents_by_source_year", "unit": "incidents", "by": ["source", "year"]},
        {"name": "incidents_by_year_dp", "unit": "incidents", "by": ["year"], "method": "dp"},
    ],
    "dp": {"epsilon": 1.0, "privacy_unit": "incident", "years": [2010, 2025]},
    "period": {"from": 2012},
}
_MODULES = (
    config_module,
    descriptors,
    dp_files,
    map_metadata,
    package,
    public_notes,
    recording,
    result,
    table_schema,
)
NAMES: dict[str, Any] = {k: v for m in _MODULES for k, v in vars(m).items()}
"""Every name the declarations use, those imported only for type checking too."""


def _required(kind: Any) -> set[str]:
    """The keys ``kind`` requires. Python 3.11 cannot see ``NotRequired`` in a string
    annotation (``from __future__ import annotations``) when it makes
    ``__required_keys__``, so the evaluated annotations decide."""
    extras = typing.get_type_hints(kind, localns=NAMES, include_extras=True)
    return {
        key for key in kind.__required_keys__ if get_origin(extras[key]) is not typing.NotRequired
    }


def _problems(value: object, kind: Any, at: str) -> list[str]:
    """Where ``value`` (parsed JSON) does not fit the type ``kind``."""
    if kind is Any or kind is object:
        return []
    if is_typeddict(kind):
        if not isinstance(value, dict):
            return [f"{at}: not an object"]
        hints = typing.get_type_hints(kind, localns=NAMES)
        missing = sorted(_required(kind) - set(value))
        extra = sorted(set(value) - set(hints))
        out = [f"{at}: missing {missing}" for _ in [1] if missing]
        out += [f"{at}: undeclared {extra}" for _ in [1] if extra]
        for key in set(value) & set(hints):
            out += _problems(value[key], hints[key], f"{at}.{key}")
        return out
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, types.UnionType):
        tries = [_problems(value, arg, at) for arg in args]
        return [] if any(not t for t in tries) else tries[0]
    if origin is list:
        if not isinstance(value, list):
            return [f"{at}: not a list"]
        return [p for i, item in enumerate(value) for p in _problems(item, args[0], f"{at}[{i}]")]
    if origin in (dict, Mapping):
        if not isinstance(value, dict):
            return [f"{at}: not an object"]
        return [p for k, v in value.items() for p in _problems(v, args[1], f"{at}.{k}")]
    if kind is type(None):
        return [] if value is None else [f"{at}: not null"]
    if isinstance(kind, type) and issubclass(kind, Enum):
        return [] if value in {m.value for m in kind} else [f"{at}: {value!r} not a {kind}"]
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{at}: not a number"]
    if kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{at}: not an integer"]
    return [] if isinstance(value, kind) else [f"{at}: not a {kind.__name__}"]


@pytest.fixture(scope="module")
def built(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, Path]:
    """A recorded release with a DP table, a seed, a period window and the hexagon map."""
    work = tmp_path_factory.mktemp("tidy2_shapes")
    store = work / "demo.duckdb"
    shutil.copyfile(demo_db, store)
    done = build_release(
        store, work / "rel", as_of="2024-06-30", seed=3, config=parse_config(CONFIG)
    )
    return done.directory, done.to_dict(), store


def test_the_checker_finds_a_missing_an_undeclared_and_a_mistyped_key() -> None:
    """The walk itself can fail (a checker that passes everything proves nothing)."""
    good = {"delimiter": ",", "lineTerminator": "\n", "header": True}
    assert _problems(good, descriptors.CsvDialect, "d") == []
    assert _problems({**good, "quote": '"'}, descriptors.CsvDialect, "d") == [
        "d: undeclared ['quote']"
    ]
    assert _problems({"delimiter": ","}, descriptors.CsvDialect, "d") == [
        "d: missing ['header', 'lineTerminator']"
    ]
    assert _problems({**good, "header": "yes"}, descriptors.CsvDialect, "d") == [
        "d.header: not a bool"
    ]


def test_datapackage_is_a_data_package(built: tuple[Path, Any, Path]) -> None:
    folder, _, _ = built
    doc = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    # every optional part is present, so each declaration is walked
    assert {"differential_privacy", "seed", "geographic_masking"} <= set(doc["crimestats"])
    assert any("period" in r.get("crimestats", {}).get("statistics", {}) for r in doc["resources"])
    assert _problems(doc, DataPackage, "datapackage") == []


def test_the_publishers_summary_is_a_release_result(built: tuple[Path, Any, Path]) -> None:
    _, summary, _ = built
    parsed = json.loads(json.dumps(summary))  # as --json prints it
    assert "epsilon" in parsed["tables"]["incidents_by_year_dp"]
    assert _problems(parsed, ReleaseResultJson, "summary") == []


def test_the_stored_record_is_a_recorded_config(built: tuple[Path, Any, Path]) -> None:
    _, _, store = built
    con = duckdb.connect(str(store), read_only=True)
    try:
        [(text,)] = con.execute("SELECT config_json FROM releases").fetchall()
    finally:
        con.close()
    record = json.loads(text)
    assert "config" in record
    assert _problems(record, RecordedConfig, "config_json") == []
