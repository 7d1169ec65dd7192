"""Attacks on mappings, row keys and YAML files (issue 11, findings 7, 10 and 11).

Each test reproduces what the attacker did and checks the promise of
docs/security-mapping.md: keys that cannot collide, a mapping that is refused with one
message and a fix rather than loaded wrongly or crashing, YAML that cannot exhaust the
machine. Expected figures are worked out by hand from the rows each test writes.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

import crimestats.ingest.mapping as mapping_module
from crimestats.errors import MappingError, UsageError
from crimestats.ingest.mapping import load_mapping
from crimestats.services.ingesting import ingest_files


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _issues(db: Path, code: str) -> list[tuple[str | None, str | None]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT field, value FROM ingest_issues WHERE code = ? ORDER BY row_number", [code]
        ).fetchall()
    finally:
        con.close()
    return [(r[0], r[1]) for r in rows]


# --- finding 7: duplicates that are not ----------------------------------------------

JUSTICE_HEADER = "incident_id,person_ref,stage,event_date,detail,unsentenced\n"


def test_justice_rows_differing_only_in_unsentenced_are_both_kept(tmp_path: Path) -> None:
    events = _write(
        tmp_path / "j.csv",
        JUSTICE_HEADER
        + "C1,P1,sentenced,2024-03-01,fine,true\n"
        + "C1,P1,sentenced,2024-03-01,fine,false\n",
    )
    db = tmp_path / "s.duckdb"
    result = ingest_files([events], source="s", db=db, target="justice_events")[0]
    assert (result.read, result.accepted, result.duplicates) == (2, 2, 0)
    con = duckdb.connect(str(db), read_only=True)
    kept = con.execute("SELECT unsentenced FROM justice_events ORDER BY unsentenced").fetchall()
    con.close()
    assert kept == [(False,), (True,)]


def test_a_unit_separator_inside_a_value_cannot_fake_a_field_boundary(tmp_path: Path) -> None:
    # Joined with U+001F, ("A<US>B", blank person) and ("A", "B<US>") gave the same key.
    events = _write(
        tmp_path / "j.csv",
        JUSTICE_HEADER + "A\x1fB,,sentenced,2024-03-01,x,\n" + "A,B\x1f,sentenced,2024-03-01,x,\n",
    )
    result = ingest_files([events], source="s", db=tmp_path / "s.duckdb", target="justice_events")
    assert (result[0].accepted, result[0].duplicates) == (2, 0)


def test_reingesting_the_same_rows_is_still_idempotent(tmp_path: Path) -> None:
    # Keys changed form: the same rows in another file must still be duplicates.
    db = tmp_path / "s.duckdb"
    rows = ["C1,,arrested,2024-01-02,,", "C1,P1,sentenced,2024-03-01,x,true"]
    first = _write(tmp_path / "a.csv", JUSTICE_HEADER + "\n".join(rows) + "\n")
    again = _write(tmp_path / "b.csv", JUSTICE_HEADER + "\n".join(reversed(rows)) + "\n")
    ingest_files([first], source="s", db=db, target="justice_events")
    result = ingest_files([again], source="s", db=db, target="justice_events")[0]
    assert (result.accepted, result.duplicates) == (0, 2)


def test_rows_whose_id_extracts_to_blank_are_quarantined_not_duplicates(tmp_path: Path) -> None:
    # The id pattern expects "X-<digits>"; the file writes "ID-<digits>": every id comes out
    # blank. The ten rows are ten different records, not one record and nine duplicates.
    src = _write(
        tmp_path / "i.csv",
        "Ref,When,Kind\n" + "".join(f"ID-{i},2024-01-01,Theft\n" for i in range(10)),
    )
    mapping = _write(
        tmp_path / "m.yaml",
        "fields:\n  incident_id: {column: Ref, regex: '^X-([0-9]+)'}\n"
        "  reported_date: When\n  national_label: Kind\n",
    )
    db = tmp_path / "s.duckdb"
    result = ingest_files([src], source="t", db=db, mapping=mapping)[0]
    assert (result.read, result.accepted, result.quarantined, result.duplicates) == (10, 0, 10, 0)
    assert result.issues == {"incident-id-missing": 10}


def test_a_regex_without_capture_group_is_refused_when_the_mapping_loads(tmp_path: Path) -> None:
    mapping = _write(
        tmp_path / "m.yaml",
        "fields:\n  incident_id: {column: Ref, regex: 'ID-[0-9]+'}\n  reported_date: When\n",
    )
    with pytest.raises(MappingError) as info:
        load_mapping(mapping)
    assert "fields.incident_id.regex" in info.value.message
    assert info.value.hint is not None
    assert "wrap the part to keep in ( )" in info.value.hint


def test_the_key_conflict_message_is_readable(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "i.csv",
        "incident_id,reported_date,national_label\nR1,2024-01-01,Theft\nR1,2024-01-01,Fraud\n",
    )
    db = tmp_path / "s.duckdb"
    result = ingest_files([src], source="t", db=db)[0]
    assert result.quarantined == 2
    values = [value for _, value in _issues(db, "key-conflict-in-file")]
    assert len(values) == 2
    for value in values:
        assert value is not None
        assert "\x1f" not in value
        assert json.loads(value) == {
            "incident_id": "R1", "offence_seq": 1, "victim_seq": None, "suspect_seq": None,
        }  # fmt: skip


def test_equal_content_hashes_are_confirmed_on_the_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Forge the worst case, a 64-bit hash collision, by making every hash equal: two rows
    # of one key with different content must still conflict, not pass as duplicates.
    from crimestats.storage import row_checks

    monkeypatch.setattr(row_checks, "_hash", lambda cols: "CAST(1 AS UBIGINT)")
    src = _write(
        tmp_path / "i.csv",
        "incident_id,reported_date,national_label\nR1,2024-01-01,Theft\nR1,2024-01-01,Fraud\n",
    )
    result = ingest_files([src], source="t", db=tmp_path / "s.duckdb")[0]
    assert (result.accepted, result.quarantined, result.duplicates) == (0, 2, 0)
    assert result.issues == {"key-conflict-in-file": 2}


# --- finding 10: resources ------------------------------------------------------------

BASE = "fields:\n  incident_id: ID\n  reported_date: D\n"


def _billion_laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "description: &d\n" + "\n".join("  " + line for line in lines) + "\n" + BASE


def _refused(path: Path, *fragments: str) -> MappingError:
    start = time.perf_counter()
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    assert time.perf_counter() - start < 5
    text = str(info.value)
    assert str(path) in text
    for fragment in fragments:
        assert fragment in text
    assert info.value.hint
    return info.value


def test_billion_laughs_is_refused_before_it_expands(tmp_path: Path) -> None:
    # 9 levels of 9 aliases: 9^9 (387 million) strings once expanded, from 700 bytes.
    path = _write(tmp_path / "lol.yaml", _billion_laughs())
    _refused(path, "once aliases are expanded", "CRIMESTATS_YAML_MAX_NODES")


def test_too_many_aliases_are_refused(tmp_path: Path) -> None:
    aliases = "\n".join(f"  - *a{i % 3}" for i in range(101))
    text = "description:\n  - &a0 x\n  - &a1 y\n  - &a2 z\n" + aliases + "\n" + BASE
    _refused(_write(tmp_path / "many.yaml", text), "more than 100 aliases", "MAX_ALIASES")


def test_a_self_referencing_alias_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "loop.yaml", "description: &d [x, *d]\n" + BASE)
    _refused(path, "endless expansion")


def test_deep_nesting_is_refused_with_a_limit(tmp_path: Path) -> None:
    path = _write(tmp_path / "deep.yaml", "description: " + "[" * 5000 + "]" * 5000 + "\n" + BASE)
    _refused(path, "nested deeper than 50 levels", "CRIMESTATS_YAML_MAX_DEPTH")


def test_if_empty_nested_400_deep_is_refused_at_once(tmp_path: Path) -> None:
    spec = "{column: A, if_empty: " * 400 + "{column: B}" + "}" * 400
    path = _write(tmp_path / "ifempty.yaml", "fields:\n  reported_date: D\n  incident_id: " + spec)
    _refused(path, "nested deeper than")


def test_if_empty_is_limited_to_three_levels(tmp_path: Path) -> None:
    spec = "{column: A, if_empty: " * 4 + "{column: B}" + "}" * 4
    path = _write(tmp_path / "ifempty.yaml", "fields:\n  reported_date: D\n  incident_id: " + spec)
    error = _refused(path, "if_empty nested more than 3 levels")
    assert "fields.incident_id.if_empty.if_empty.if_empty.if_empty" in error.message
    three = "{column: A, if_empty: " * 3 + "{column: B}" + "}" * 3
    ok = _write(tmp_path / "ok.yaml", "fields:\n  reported_date: D\n  incident_id: " + three)
    assert load_mapping(ok).required_columns() == ("D", "A", "B")


def test_huge_value_maps_and_pattern_lists_are_refused(tmp_path: Path) -> None:
    # Each entry is one more WHEN evaluated on every row: 30,000 took 20 s for one row.
    entries = "".join(f"      k{i}: v{i}\n" for i in range(1001))
    path = _write(
        tmp_path / "map.yaml", BASE + "  national_label:\n    column: K\n    map:\n" + entries
    )
    error = _refused(path, "1001 entries, more than the 1000")
    assert "fields.national_label.map" in error.message
    pairs = ", ".join(f"[p{i}, v]" for i in range(201))
    path = _write(
        tmp_path / "pat.yaml", BASE + f"  national_label: {{column: K, patterns: [{pairs}]}}\n"
    )
    _refused(path, "201 patterns, more than the 200")


def test_file_size_limit_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "big.yaml", "description: " + "x" * 2000 + "\n" + BASE)
    assert load_mapping(path).name == "big"  # under the 1 MB default
    monkeypatch.setenv("CRIMESTATS_YAML_MAX_BYTES", "1000")
    _refused(path, "larger than 1000 bytes", "CRIMESTATS_YAML_MAX_BYTES")


def test_yaml_limits_are_configurable_and_apply_to_other_yaml_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crimestats.yaml_files import YamlLimits, read_yaml

    path = _write(tmp_path / "release.yaml", "a: " + "[" * 60 + "]" * 60 + "\n")
    with pytest.raises(UsageError, match="release config") as info:
        read_yaml(path, what="release config", option="--config", error=UsageError)
    assert "nested deeper than 50" in str(info.value)
    monkeypatch.setenv("CRIMESTATS_YAML_MAX_DEPTH", "100")
    doc, _ = read_yaml(path, what="release config", option="--config", error=UsageError)
    assert isinstance(doc, dict)
    doc, _ = read_yaml(path, limits=YamlLimits(max_depth=70))
    assert isinstance(doc, dict)
    monkeypatch.setenv("CRIMESTATS_YAML_MAX_DEPTH", "many")
    with pytest.raises(UsageError, match="CRIMESTATS_YAML_MAX_DEPTH"):
        read_yaml(path)


# --- finding 11: wrong types and shapes ------------------------------------------------


def _documented_keys() -> tuple[set[str], set[str]]:
    """The option list of the mapping module's docstring: (field-spec keys, top-level keys)."""
    doc = mapping_module.__doc__ or ""
    spec_part, top_part = doc.split("Top level:", 1)
    spec_keys = set(re.findall(r"^ {4}(?:or )?(\w+):", spec_part, re.MULTILINE))
    spec_keys |= set(re.findall(r"(?:or|with) +(\w+):", spec_part))
    spec_keys |= {"ignore_case"} if "ignore_case" in spec_part else set()
    top_keys = set(re.findall(r"``(\w+)``", top_part.split("Every value", 1)[0]))
    return spec_keys, top_keys


SPEC_KEYS = (
    "column", "columns", "unpivot", "join", "missing_values", "pad", "value", "generate", "regex",
    "split", "substring", "transform", "map", "ignore_case", "patterns", "unmapped", "format",
    "default", "if_empty",
)  # fmt: skip
TOP_KEYS = (
    "crimestats_mapping", "name", "description", "source_url", "target", "format",
    "delimiter", "encoding", "quote", "bbox", "limits", "severity", "where", "fields",
)  # fmt: skip
NESTED_SPEC = (
    "split.sep", "split.index", "map.KNIFE", "patterns.0", "patterns.0.0", "patterns.0.1",
    "format.0", "columns.0", "unpivot.0", "if_empty.column", "missing_values.0", "pad.width",
    "pad.char", "substring.start", "substring.length",
)  # fmt: skip
NESTED_TOP = (
    "bbox.0", "bbox.3", "limits.max_victims_per_incident", "severity.coordinates-outside-bbox",
    "fields.incident_id", "where.0", "where.0.column", "where.0.in",
)  # fmt: skip
BAD_VALUES: tuple[Any, ...] = (
    "text", "", "false", 7, 0, -5, 2.5, math.inf, -math.inf, math.nan, True, False, None,
    [], ["a"], [1, 2], {}, {"a": 1}, "x" * 20_000, 10**30, "(?<=a)(b)", "%Q",
)  # fmt: skip


def test_the_sweep_covers_every_documented_key() -> None:
    spec_keys, top_keys = _documented_keys()
    assert spec_keys == set(SPEC_KEYS)
    assert top_keys == set(TOP_KEYS)


def _base_document() -> dict[str, Any]:
    return {
        "bbox": [-1.0, 50.0, 1.0, 52.0],
        "limits": {"max_victims_per_incident": 5},
        "severity": {"coordinates-outside-bbox": "error"},
        "where": [{"column": "S", "in": ["A"]}],
        "fields": {
            "incident_id": "ID",
            "reported_date": {"column": "D", "format": ["%Y-%m-%d"]},
            "weapon": {
                "column": "W",
                "missing_values": ["UNK"],
                "pad": {"width": 4, "char": "0"},
                "split": {"sep": ",", "index": 0},
                "substring": {"start": 1, "length": 10},
                "map": {"KNIFE": "knife"},
                "patterns": [["GUN", "firearm"]],
                "unmapped": "default",
                "default": "unknown",
                "if_empty": {"column": "W2"},
            },
        },
    }


SOURCES = ("column", "columns", "unpivot", "value", "generate")


def _put(doc: dict[str, Any], scope: str, dotted: str, value: Any) -> None:
    """Set ``value`` at a dotted path of the top level or of a field spec.

    Spec keys go to the weapon field (``format`` to the date field); a source key
    (``column``, ``value``...) replaces the field's column, since only one is allowed.
    """
    parts = dotted.split(".")
    target: Any = doc
    if scope == "spec":
        target = doc["fields"]["reported_date" if parts[0] == "format" else "weapon"]
        if parts[0] in SOURCES:
            for other in SOURCES:
                target.pop(other, None)
            if parts[0] == "columns":
                target["columns"] = ["W"]
            if parts[0] == "unpivot":
                target["unpivot"] = ["W", "W2"]
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(parts[-1])] = value
    else:
        target[parts[-1]] = value


def _check_loads_or_refuses(path: Path) -> bool:
    """True if the mapping was refused (properly); False if it loaded and its SQL runs."""
    error: MappingError | None = None
    try:
        loaded = load_mapping(path)
    except MappingError as exc:
        error = exc
    if error is not None:
        assert str(path) in error.message
        assert error.hint
        assert error.hint.strip()
        assert "bug" not in str(error)
        return True
    # A mapping that loads must also run: its SQL must compile and evaluate in DuckDB.
    from crimestats.domain.flat_layout import LAYOUTS, field_names
    from crimestats.storage.mapping_sql import mapped_select

    names = tuple(field_names(LAYOUTS[loaded.target]))
    columns = ", ".join(f"'41.5' AS \"{c}\"" for c in loaded.required_columns())
    sql = (
        f"SELECT {mapped_select(loaded, names, 'tag')} "
        f"FROM (SELECT 1 AS _k, 1 AS _row, 1 AS _src, 1 AS _slot, {columns})"
    )
    duckdb.connect().execute(sql).fetchall()
    return False


SWEEP = [
    *(("spec", k) for k in SPEC_KEYS),
    *(("top", k) for k in TOP_KEYS),
    *(("spec", k) for k in NESTED_SPEC),
    *(("top", k) for k in NESTED_TOP),
]


@pytest.mark.parametrize(("scope", "key"), SWEEP)
def test_every_key_with_every_wrong_value_is_a_mapping_error_or_a_correct_load(
    tmp_path: Path, scope: str, key: str
) -> None:
    refused = 0
    for i, value in enumerate(BAD_VALUES):
        doc = _base_document()
        _put(doc, scope, key, value)
        path = tmp_path / f"m{i}.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        refused += _check_loads_or_refuses(path)
    assert refused > 0  # every key has some wrong value; none may slip through silently


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("bbox: [a, b, c, d]", "bbox[0]", "expected a number"),
        ("bbox: '-1, 50, 1, 52'", "bbox", "expected a list"),
        ("bbox: [.inf, 50, 1, 52]", "bbox[0]", "outside"),
        ("bbox: [.nan, 50, 1, 52]", "bbox[0]", "outside"),
        ("bbox: [1, 50, -1, 52]", "bbox", "min must be below max"),
        ("limits: {max_victims_per_incident: 2.5}", "limits.max_victims_per_incident", "whole"),
        ("limits: {max_victims_per_incident: -1}", "limits.max_victims_per_incident", "outside"),
        ("limits: {max_victims_per_incident: '3'}", "limits.max_victims_per_incident", "whole"),
        ("quote: 'ab'", "quote", "not one character"),
        ("target: [incidents]", "target", "unknown target"),
        ("7: x", "top level", "unknown key(s) ['7']"),
        ("where: {column: S, in: [A]}", "where", "expected a list"),
        ("severity: {filtered-by-mapping: warning}", "severity.filtered-by-mapping", "always"),
        ("where: [{column: S}]", "where[0]", "one of in, not_in, matches"),
        ("where: [{column: S, in: [A], matches: x}]", "where[0]", "one of in, not_in, matches"),
        ("where: [{column: S, matches: '(?<=a)b'}]", "where[0].matches", "invalid regular"),
        ("where: [{column: S, in: []}]", "where[0].in", "the list is empty"),
    ],
)  # fmt: skip
def test_wrong_top_level_values_name_the_key(
    tmp_path: Path, text: str, where: str, fragment: str
) -> None:
    path = _write(tmp_path / "m.yaml", text + "\n" + BASE)
    error = _refused(path, fragment)
    assert error.message.startswith(f"{path}: {where}: ")


@pytest.mark.parametrize(
    ("spec", "where", "fragment"),
    [
        ("{column: W, map: {a: knife}, ignore_case: 'false'}", "ignore_case", "true or false"),
        ("{column: W, map: {a: knife}, ignore_case: 1}", "ignore_case", "true or false"),
        ("{column: W, regex: '(?<=x)(y)'}", "regex", "invalid regular expression"),
        ("{column: W, regex: '(a)\\1'}", "regex", "invalid regular expression"),
        ("{column: W, patterns: [['a++', knife]]}", "patterns[0]", "invalid regular expression"),
        ("{column: W, split: {sep: ',', index: '0'}}", "split.index", "whole number"),
        ("{column: W, split: {sep: ',', index: 1.5}}", "split.index", "whole number"),
        ("{column: W, split: {sep: ',', idx: 1}}", "split", "unknown key(s) ['idx']"),
        ("{column: [W, X]}", "column", "expected text"),
        ("{columns: W}", "columns", "expected a list"),
        ("{column: W, unmapped: default}", "unmapped", "needs a default"),
        ("{column: W, transform: [shout]}", "transform[0]", "unknown transform"),
        ("{column: W, colour: red}", "", "unknown key(s) ['colour']"),
        ("{column: {index: 0}}", "column.index", "outside 1..100000"),
        ("{column: {index: '3'}}", "column.index", "whole number"),
        ("{column: {idx: 3}}", "column", "unknown key(s) ['idx']"),
        ("{columns: [A, {index: 2.5}]}", "columns[1].index", "whole number"),
        ("{column: W, pad: {width: 4, char: '00'}}", "pad.char", "not one character"),
        ("{column: W, pad: {char: '0'}}", "pad", "width is missing"),
        ("{column: W, missing_values: ['']}", "missing_values[0]", "must not be blank"),
        ("{column: W, substring: {start: 0}}", "substring.start", "outside"),
    ],
)  # fmt: skip
def test_wrong_field_options_name_the_key(
    tmp_path: Path, spec: str, where: str, fragment: str
) -> None:
    path = _write(tmp_path / "m.yaml", BASE + f"  weapon: {spec}\n")
    error = _refused(path, fragment)
    key = "fields.weapon" + ("." + where if where and not where.startswith("[") else where)
    assert error.message.startswith(f"{path}: {key}: ")


def test_a_bad_strptime_code_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "m.yaml",
        "fields:\n  incident_id: ID\n  reported_date: {column: D, format: '%Y-%Q'}\n",
    )
    error = _refused(path, "invalid date format")
    assert "fields.reported_date.format" in error.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (BASE + "  weapon: {column: W, map: {a: knife}, ignore_case: 'false'}\n", "true or false"),
        ("bbox: [.nan, 50, 1, 52]\n" + BASE, "bbox[0]"),
        (_billion_laughs(), "once aliases are expanded"),
        (BASE + "  weapon: {column: W, regex: '(?<=x)(y)'}\n", "invalid regular expression"),
    ],
)
def test_cli_gives_one_message_and_a_fix(tmp_path: Path, text: str, fragment: str) -> None:
    data = _write(tmp_path / "d.csv", "ID,D,W\n1,2024-01-01,x\n")
    mapping = _write(tmp_path / "m.yaml", text)
    proc = subprocess.run(
        [sys.executable, "-m", "crimestats", "ingest", str(data), "--source", "t",
         "--mapping", str(mapping), "--db", str(tmp_path / "s.duckdb")],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "400"}, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert fragment in proc.stderr
    assert "fix:" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "bug" not in proc.stderr
    assert proc.stderr.count("error:") == 1
