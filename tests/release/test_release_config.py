"""The release configuration: defaults are the standard release; every bad value is refused
with a message naming the key and the fix; nothing but a UsageError ever escapes."""

from __future__ import annotations

import copy
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crimestats.errors import UsageError
from crimestats.release import STANDARD_TABLES
from crimestats.release.config import default_config, load_config, parse_config

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "release.example.yaml"


def valid() -> dict[str, Any]:
    """A configuration using every key, written out by hand."""
    return {
        "threshold": 4,
        "tables": [
            {"name": "incidents_t", "unit": "incidents", "by": ["source", "year"]},
            {
                "name": "offences_r",
                "unit": "offences",
                "by": ["iccs_l1"],
                "method": "threshold",  # rounding only alone: test_a_rounding_table_alone
                "title": "Offences, rounded",
            },
            {
                "name": "victims_dp",
                "unit": "victims",
                "by": ["victim_sex", "victim_age_group"],
                "method": "dp",
                "epsilon": 0.25,
                "contributions": 2,
            },
            {"name": "incidents_dp", "unit": "incidents", "by": ["year"], "method": "dp"},
        ],
        "dp": {"epsilon": 1.0, "privacy_unit": "incident", "alpha": 0.1, "years": [2020, 2024]},
        "sdmx": {"agency": "ESTAT"},
        "maps": {"h3_resolution": 7, "min_count": 20},
    }


def test_defaults_are_the_standard_release() -> None:
    config = default_config()
    assert config.threshold == 3
    assert [(t.name, t.unit, t.by, t.method) for t in config.tables] == [
        (s.name, s.unit, s.by, "threshold") for s in STANDARD_TABLES
    ]
    assert config.dp is None
    assert (config.sdmx.agency, config.maps.h3_resolution, config.maps.min_count) == (
        "CRIMESTATS",
        8,
        10,
    )
    assert parse_config(None) == parse_config({}, where="(defaults)") == config


def test_every_key_is_read() -> None:
    config = parse_config(valid())
    assert config.threshold == 4
    offences = config.tables[1]
    assert (offences.method, offences.title) == ("threshold", "Offences, rounded")
    victims = config.tables[2]
    assert (victims.epsilon, victims.contributions) == (0.25, 2)
    assert config.tables[3].contributions == 1  # the default bound
    assert config.dp is not None
    assert (config.dp.epsilon, config.dp.privacy_unit, config.dp.alpha, config.dp.years) == (
        1.0,
        "incident",
        0.1,
        (2020, 2024),
    )
    assert (config.sdmx.agency, config.maps.h3_resolution, config.maps.min_count) == (
        "ESTAT",
        7,
        20,
    )
    # the table without its own epsilon gets what is left: 1.0 - 0.25
    assert config.epsilon_shares() == {"victims_dp": 0.25, "incidents_dp": 0.75}


def test_the_documented_example_parses() -> None:
    config = load_config(EXAMPLE)
    assert {t.method for t in config.tables} == {"threshold", "dp"}
    assert config.dp is not None
    shares = config.epsilon_shares()
    assert sum(map(Fraction, shares.values())) <= Fraction(config.dp.epsilon)


def test_a_rounding_table_alone() -> None:
    """A rounding table must be the only exact table of its release (red-team finding
    B); DP tables may stand beside it."""
    doc = valid()
    doc["tables"] = [
        {**doc["tables"][1], "method": "rounding", "base": 10},
        *doc["tables"][2:],
    ]
    rounded = parse_config(doc).tables[0]
    assert (rounded.method, rounded.base, rounded.title) == ("rounding", 10, "Offences, rounded")
    doc["tables"].append(valid()["tables"][0])  # a threshold table of incidents beside it
    with pytest.raises(UsageError, match="offences_r in a release of its own"):
        parse_config(doc)


def _set(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node: Any = out
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is _DROP:
        del node[last]
    else:
        node[last] = value
    return out


_DROP = object()

BAD = [
    ("threshold", 0, "threshold"),
    ("threshold", "3", "threshold"),
    ("threshold", True, "threshold"),
    ("tables", [], "tables"),
    ("tables", "incidents", "tables"),
    ("tables.0", "x", "tables[0]"),
    ("tables.0.name", "Bad Name", "tables[0].name"),
    ("tables.0.name", "offences_r", "tables"),  # used twice
    ("tables.0.name", _DROP, "tables[0]"),  # "name is missing", where it is missing
    ("tables.0.unit", "people", "tables[0].unit"),
    ("tables.0.by", ["nonsense"], "tables[0].by"),
    ("tables.0.by", [], "tables[0].by"),
    ("tables.0.by", ["year", "year"], "tables[0].by"),
    ("tables.0.by", ["year", "source", "iccs_l1", "weapon"], "tables[0].by"),
    ("tables.0.method", "laplace", "tables[0].method"),
    ("tables.0.title", "", "tables[0].title"),
    ("tables.0.base", 5, "tables[0].base"),  # base only for rounding
    ("tables.0.epsilon", 0.1, "tables[0].epsilon"),  # epsilon only for dp
    ("tables.0.colour", "red", "tables[0]"),
    ("tables.1.base", 1, "tables[1].base"),
    ("tables.2.epsilon", -1, "tables[2].epsilon"),
    ("tables.2.epsilon", float("nan"), "tables[2].epsilon"),
    ("tables.2.epsilon", 2.0, "tables[].epsilon"),  # more than dp.epsilon
    ("tables.2.epsilon", 1.0, "tables[].epsilon"),  # nothing left for incidents_dp
    ("tables.2.contributions", 0, "tables[2].contributions"),
    ("tables.2.by", ["area"], "tables[2].by"),  # no public list of areas
    ("dp", _DROP, "dp"),
    ("dp", "lots", "dp"),
    ("dp.epsilon", 0, "dp.epsilon"),
    ("dp.epsilon", float("inf"), "dp.epsilon"),
    ("dp.epsilon", _DROP, "dp"),
    ("dp.privacy_unit", "person", "dp.privacy_unit"),
    ("dp.privacy_unit", _DROP, "dp"),
    ("dp.privacy_unit", "victim", "tables[3].unit"),  # victim unit needs unit victims
    ("dp.alpha", 1.5, "dp.alpha"),
    ("dp.years", [2024, 2020], "dp.years"),
    ("dp.years", [2020], "dp.years"),
    ("dp.years", _DROP, "dp.years"),  # incidents_dp is by year
    ("dp.noise", "gaussian", "dp"),
    ("sdmx.agency", "1 bad", "sdmx.agency"),
    ("sdmx.format", "xml", "sdmx"),
    ("maps.h3_resolution", 16, "maps.h3_resolution"),
    ("maps.min_count", 0, "maps.min_count"),
    ("maps.zoom", 3, "maps"),
    ("colour", "red", "top level"),
]


@pytest.mark.parametrize(("path", "value", "key"), BAD)
def test_bad_values_name_the_key_and_the_fix(path: str, value: Any, key: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_config(_set(valid(), path, value), where="rel.yaml")
    message = info.value.message
    assert message.startswith(f"rel.yaml: {key}:"), message
    assert info.value.hint


def test_victim_privacy_unit_with_victim_tables() -> None:
    doc = valid()
    doc["tables"] = [doc["tables"][2]]
    doc["dp"]["privacy_unit"] = "victim"
    config = parse_config(doc)
    assert config.dp is not None
    assert config.dp.privacy_unit == "victim"


def test_files_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_config(tmp_path / "none.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("tables: [\n  - name: x\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"broken\.yaml: line \d+: not valid YAML"):
        load_config(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"list\.yaml: top level: expected a mapping"):
        load_config(listed)


# any value, anywhere: a configuration or a UsageError, never another exception
junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 50)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
PATHS = sorted({p for p, _, _ in BAD} | {"tables.3.by", "dp.years", "tables.1.method"})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=junk)
def test_any_value_gives_a_config_or_a_usage_error(path: str, value: Any) -> None:
    try:
        doc = _set(valid(), path, value)
    except (KeyError, IndexError, TypeError, ValueError):
        return  # the path does not exist in this shape
    error: UsageError | None = None
    try:
        config = parse_config(doc)
    except UsageError as exc:
        error = exc
    if error is None:
        assert config.tables
    else:
        assert error.message.startswith("release config: ")
        assert error.hint
        assert "\n" not in error.message  # one message, in our words, not pydantic's
        assert not any(w in str(error) for w in ("Input should", "validation error", "pydantic"))


epsilons = st.floats(min_value=1e-4, max_value=10.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    total=epsilons,
    own=st.lists(st.one_of(st.none(), epsilons), min_size=1, max_size=6),
)
def test_epsilon_shares_never_exceed_the_budget(total: float, own: list[float | None]) -> None:
    doc = {
        "tables": [
            {"name": f"t{n}", "unit": "incidents", "by": ["source"], "method": "dp"}
            | ({} if eps is None else {"epsilon": eps})
            for n, eps in enumerate(own)
        ],
        "dp": {"epsilon": total, "privacy_unit": "incident"},
    }
    given_sum = sum((Fraction(e) for e in own if e is not None), Fraction(0))
    try:
        config = parse_config(doc)
    except UsageError:
        # refused only when the explicit shares leave nothing (or less than nothing)
        left = Fraction(total) - given_sum
        assert left < 0 or (left == 0 and None in own)
        return
    shares = config.epsilon_shares()
    assert list(shares) == [f"t{n}" for n in range(len(own))]
    assert all(v > 0 for v in shares.values())
    assert sum(map(Fraction, shares.values())) <= Fraction(total)
    for n, eps in enumerate(own):
        if eps is not None:
            assert shares[f"t{n}"] == eps
    rest = [shares[f"t{n}"] for n, eps in enumerate(own) if eps is None]
    if rest:  # equal shares, and nearly all of what is left (rounded down by ulps only)
        assert len(set(rest)) == 1
        assert Fraction(total) - given_sum - len(rest) * Fraction(rest[0]) <= Fraction(
            total
        ) * Fraction(1, 10**12)


def test_every_key_is_documented() -> None:
    from crimestats.release import config as module

    text = (EXAMPLE.parent / "release.md").read_text(encoding="utf-8")
    keys = [f"`{k}`" for k in module._TOP_KEYS]
    keys += [f"`tables[].{k}`" for k in module._TABLE_KEYS]
    keys += [f"`dp.{k}`" for k in module._DP_KEYS]
    keys += [f"`sdmx.{k}`" for k in module._SDMX_KEYS]
    keys += [f"`maps.{k}`" for k in module._MAPS_KEYS]
    missing = [k for k in keys if k not in text]
    assert not missing
    example = EXAMPLE.read_text(encoding="utf-8")
    assert all(f"{k}:" in example for k in (*module._TABLE_KEYS, *module._DP_KEYS))


def test_one_table_class_for_standard_and_configured_tables() -> None:
    """TableConfig and TableSpec were two classes (issue 12 item 6): now one."""
    import crimestats.release.config as config_module
    from crimestats.release.config_tables import TableSpec

    assert not hasattr(config_module, "TableConfig")
    configured = parse_config(valid()).tables
    assert all(type(t) is TableSpec for t in (*STANDARD_TABLES, *configured))
    assert default_config().tables == STANDARD_TABLES
    # the title made from the unit and the fields, whether written in code or in a file
    assert configured[0].title == "Incidents by source, year"
    assert TableSpec("t", "incidents", ("source", "year")).title == "Incidents by source, year"


def test_the_schema_models_are_strict_closed_and_frozen() -> None:
    from crimestats.release.config import MapsSchema, ReleaseSchema, SdmxSchema
    from crimestats.release.config_dp import DpSchema
    from crimestats.release.config_period import PeriodSchema
    from crimestats.release.config_tables import TableSchema

    for model in (ReleaseSchema, TableSchema, DpSchema, PeriodSchema, SdmxSchema, MapsSchema):
        config = model.model_config
        assert (config.get("strict"), config.get("extra"), config.get("frozen")) == (
            True,
            "forbid",
            True,
        )


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        # written out by hand: the key path, then the problem
        ({"tables": None}, "tables: expected a non-empty list, got nothing (null)"),
        ({"carry_forward": "yes"}, "carry_forward: expected true or false, got str 'yes'"),
        ({"period": {"from": True}}, "period.from: a true/false (True) is not a date"),
        ({"period": {"from": 2022, "to": 2021}}, "period: from 2022-01-01 is after to 2021-12-31"),
        ({"maps": {"method": "grid"}}, "maps.method: unknown method 'grid'"),
        ({"dp": {"epsilon": "1", "privacy_unit": "incident"}},
         "dp.epsilon: expected a number, got str '1'"),
        ({"tables": [{"name": "t", "unit": "incidents", "by": []}]},
         "tables[0].by: the list is empty"),
    ],
)  # fmt: skip
def test_messages_in_our_words(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_config(doc, where="rel.yaml")
    assert info.value.message == f"rel.yaml: {message}"
    assert info.value.hint
