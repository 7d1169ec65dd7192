"""Mappings are read through pydantic models (crimestats.config_schema): one message in
our words, the key path as written in the file, a fix; never pydantic's own wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from crimestats.config_schema import key_path
from crimestats.errors import MappingError
from crimestats.ingest.mapping import MappingSchema, load_mapping
from crimestats.ingest.mapping_spec import SpecSchema

BASE = "fields:\n  incident_id: ID\n  reported_date: D\n"
PYDANTIC_WORDS = ("Input should", "validation error", "pydantic", "Value error", "type=")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # every message below is written out by hand: file, key path, problem
        (BASE + "  weapon: {column: W, pad: {width: 4.5}}\n",
         "fields.weapon.pad.width: expected a whole number, got float 4.5"),
        (BASE + "  weapon: {column: W, pad: {width: 0}}\n",
         "fields.weapon.pad.width: 0 is outside 1..100"),
        (BASE + "  weapon: {column: W, ignore_case: yes please}\n",
         "fields.weapon.ignore_case: expected true or false, got str 'yes please'"),
        (BASE + "  weapon: {column: W, generate: uuid}\n",
         "fields.weapon.generate: unknown generate 'uuid'"),
        (BASE + "  weapon: {column: W, transform: [upper, shout]}\n",
         "fields.weapon.transform[1]: unknown transform 'shout'"),
        (BASE + "  weapon: {column: W, colour: red, size: 2}\n",
         "fields.weapon: unknown key(s) ['colour', 'size']"),
        (BASE + "  weapon: {column: W, split: {index: 1}}\n",
         "fields.weapon.split: sep is missing"),
        (BASE + "  weapon: {column: ~}\n",
         "fields.weapon.column: expected a column, got nothing (null)"),
        (BASE + "  weapon: {column: W, format: []}\n",
         "fields.weapon.format: the list is empty"),
        (BASE + "  weapon: {column: W, patterns: [[a, b, c]]}\n",
         "fields.weapon.patterns[0]: expected a pair [regex, value]"),
        ("crimestats_mapping: true\n" + BASE,
         "crimestats_mapping: unsupported mapping format True"),
        ("limits: {max_legs: 3}\n" + BASE, "limits: unknown key(s) ['max_legs']"),
        ("where: [{column: S, in: [A], not_in: [B]}]\n" + BASE,
         "where[0]: a condition needs a column and one of in, not_in, matches"),
        ("- a\n- b\n", "top level: expected a mapping, got a list"),
    ],
)  # fmt: skip
def test_one_message_with_the_key_path_and_a_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert caught.value.message == f"{path}: {message}"
    assert caught.value.hint
    assert not any(word in str(caught.value) for word in PYDANTIC_WORDS)


def test_a_fallback_may_not_take_a_date_format_its_field_does_not_have(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        BASE + "  weapon: {column: W, if_empty: {column: V, format: '%Y'}}\n", encoding="utf-8"
    )
    with pytest.raises(MappingError, match=r"fields\.weapon\.if_empty\.format: format applies"):
        load_mapping(path)


def test_the_models_are_strict_closed_and_frozen() -> None:
    for model in (MappingSchema, SpecSchema):
        assert model.model_config.get("strict") is True
        assert model.model_config.get("extra") == "forbid"
        assert model.model_config.get("frozen") is True


def test_key_paths_are_written_as_in_the_file() -> None:
    assert key_path(()) == "top level"
    assert key_path(("tables", 1, "method")) == "tables[1].method"
    assert key_path(("fields", "weapon", "patterns", 0)) == "fields.weapon.patterns[0]"
    assert key_path(("fields", 7, "[key]")) == "fields"  # a key that is itself wrong
