"""Bad design files, read as a user writes them (YAML text on disk, through ``read_yaml``):
each is refused with ONE message ``<file>: <key path>: <problem>`` and a ``fix:``, in our
words (never pydantic's), and the CLI exits 1 with that message and no traceback.

The expected messages are written out by hand from the file each case writes: the key
path is where the mistake is in that file, the fix what the docs (docs/surveys.md) say
the key takes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crimestats.cli.app import main
from crimestats.errors import UsageError
from crimestats.survey.design import BUNDLED, load_design

GOOD = """\
name: s
tables:
  households: {file: hh, keys: [id], weight: w}
  incidents: {file: inc, keys: [id], weight: wv, parent: households}
design: {type: taylor, strata: st, psu: psu}
crime_types:
  table: incidents
  field: code
  groups: {violent: "1-4, 9"}
  iccs: {"0401": "5-10"}
"""

PYDANTIC_WORDS = ("Input should", "validation error", "pydantic", "Field required", "type=")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> UsageError:
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        load_design(path)
    error = caught.value
    assert error.message.startswith(f"{path}: ")
    assert "\n" not in error.message
    assert not any(w in str(error) for w in PYDANTIC_WORDS), str(error)
    return error


REPLICATE = "design: {type: replicate, method: %s, replicates: W1..4%s}"

CASES = [
    pytest.param(
        GOOD.replace("name: s", "name: s\nweights: 1"),
        "top level: unknown key(s) ['weights']",
        "use only: name, title, year, tables, design, crime_types, flags, reliability",
        id="unknown-top-key",
    ),
    pytest.param(
        GOOD.replace("strata: st", "strata: st, stratum: x"),
        "design: unknown key(s) ['stratum']",
        "use only: type, table, strata, psu, lonely_psu, method, replicates, rho, scale, "
        "rscales, center",
        id="unknown-design-key",
    ),
    pytest.param(
        GOOD.replace("weight: w}", "weight: 7}"),
        "tables.households.weight: expected text, got int 7",
        "write weight: FIELD (the final weight of the rows)",
        id="wrong-type",
    ),
    pytest.param(
        GOOD.replace("design: {type: taylor, strata: st, psu: psu}\n", ""),
        "top level: design is missing",
        "declare design: {type: taylor, strata: FIELD, psu: FIELD}",
        id="missing-design",
    ),
    pytest.param(
        GOOD.replace("design: {type: taylor, ", "design: {"),
        "design: type is missing",
        "write type: taylor or type: replicate",
        id="missing-design-type",
    ),
    pytest.param(
        GOOD.replace("design: {type: taylor, strata: st, psu: psu}", REPLICATE % ("fay", "")),
        "design: a fay design needs rho",
        "write rho: 0.5 (between 0 and 1)",
        id="fay-without-rho",
    ),
    pytest.param(
        GOOD.replace(
            "design: {type: taylor, strata: st, psu: psu}", REPLICATE % ("fay", ", rho: 1")
        ),
        "design.rho: 1.0 is not between 0 and 1",
        "write rho: 0.5",
        id="rho-out-of-range",
    ),
    pytest.param(
        GOOD.replace(
            "design: {type: taylor, strata: st, psu: psu}", REPLICATE % ("fay", ", rho: '0.5'")
        ),
        "design.rho: expected a number, got str '0.5'",
        "write rho: 0.5",
        id="rho-quoted",
    ),
    pytest.param(
        GOOD.replace(
            "design: {type: taylor, strata: st, psu: psu}",
            REPLICATE % ("jkn", ", rscales: [0.5, 0.5, 0.5]"),
        ),
        "design.rscales: 3 values for 4 replicates",
        "give one value per replicate (4 values)",
        id="rscales-length",
    ),
    pytest.param(
        GOOD.replace(
            "design: {type: taylor, strata: st, psu: psu}", REPLICATE % ("brr", ", rho: 0.5")
        ),
        "design.rho: rho is only for method: fay (this design is brr)",
        "remove it, or write method: fay",
        id="rho-without-fay",
    ),
    pytest.param(
        GOOD.replace(
            "design: {type: taylor, strata: st, psu: psu}", REPLICATE % ("jk1", "")
        ).replace("W1..4", "[W1]"),
        "design.replicates: fewer than 2 values",
        "write replicates: BRRWT1..96 or a list of fields",
        id="one-replicate",
    ),
    pytest.param(
        GOOD.replace("psu: psu}", "psu: psu, rho: 0.5}"),
        "design: rho is only for a replicate design",
        "remove it, or write type: replicate",
        id="replicate-key-on-taylor",
    ),
    pytest.param(
        GOOD.replace('{"0401": "5-10"}', '{0401: "5-10"}'),
        # YAML 1.1 reads an unquoted 0401 as the octal number 257
        "crime_types.iccs: int 257 is not an ICCS code",
        'quote each ICCS code of ICCS v1.0, e.g. "0201": "11-14"',
        id="unquoted-iccs-code",
    ),
    pytest.param(
        GOOD.replace('"1-4, 9"', '"1-100000"'),
        "crime_types.groups.violent.codes: more than 10000 codes (at '1-100000')",
        "check the ranges' ends",
        id="huge-code-range",
    ),
    pytest.param(
        GOOD.replace('"1-4, 9"', '"1-9000, 1-9000"'),  # repeats count: the work is bounded
        "crime_types.groups.violent.codes: more than 10000 codes (at '1-9000')",
        "check the ranges' ends",
        id="repeated-code-ranges",
    ),
    pytest.param(
        GOOD.replace('"1-4, 9"', '"1' + "0" * 20 + '"'),
        "crime_types.groups.violent.codes: '1" + "0" * 20 + "' is not a code or range",
        'write e.g. "1-4, 15"',
        id="code-too-long",
    ),
    pytest.param(
        GOOD.replace(
            "design: {type: taylor, strata: st, psu: psu}", REPLICATE % ("brr", "")
        ).replace("W1..4", "W1..100000000"),
        "design.replicates: 'W1..100000000' names 100000000 replicates",
        "write PREFIX1..N with N from 1 to 10000",
        id="huge-replicate-range",
    ),
    pytest.param(
        GOOD + "reliability: {min_n: 2.5}\n",
        "reliability.min_n: expected a whole number, got float 2.5",
        "write min_n: 10 (unweighted cases)",
        id="min-n-not-whole",
    ),
]


@pytest.mark.parametrize(("text", "message", "fix"), CASES)
def test_a_bad_design_file_gets_one_message_and_its_fix(
    tmp_path: Path, text: str, message: str, fix: str
) -> None:
    error = refused(tmp_path, text)
    assert error.message == f"{tmp_path / 'd.yaml'}: {message}"
    assert error.hint == fix


def test_the_good_file_reads_and_the_replicate_range_expands(tmp_path: Path) -> None:
    design = load_design(write(tmp_path, GOOD))
    assert design.design.table == "households"  # the first table by default
    assert design.crime_types is not None
    assert design.crime_types.table == "incidents"  # the last table by default
    assert design.group("0401").codes == frozenset(range(5, 11))
    assert design.group("violent").population == "households"  # the first table
    text = GOOD.replace(
        "design: {type: taylor, strata: st, psu: psu}", REPLICATE % ("fay", ", rho: 0.5")
    )
    replicate = load_design(write(tmp_path, text)).design
    assert (replicate.replicates, replicate.rho) == (("W1", "W2", "W3", "W4"), 0.5)


def test_the_bundled_designs_read() -> None:
    for path in sorted(BUNDLED.glob("*.yaml")):
        assert load_design(path).name == path.stem


def test_the_cli_prints_the_message_and_fix_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD.replace("psu: psu}", "psu: psu, rho: 0.5}"))
    data = tmp_path / "hh.csv"
    data.write_text("id,w\n1,1\n", encoding="utf-8")
    argv = ["survey", "load", "s", str(data), "--design", str(path)]
    argv += ["--db", str(tmp_path / "s.duckdb")]
    with pytest.raises(SystemExit) as ended:
        main(argv)
    assert ended.value.code == 1
    err = capsys.readouterr().err
    assert f"{path}: design: rho is only for a replicate design" in err
    assert "fix: remove it, or write type: replicate" in err
    assert "Traceback" not in err
    assert not (tmp_path / "s.duckdb").exists()
