"""Docs that run: what the docs tell a reader to type or to open must work.

Three promises, each checked case by case so that one broken example names itself:

(a) every docstring example (``>>>``) in ``src/crimestats`` runs with :mod:`doctest`, in a
    folder holding ``./crimestats.duckdb`` built from the bundled data (what ``make run``
    leaves behind, and what the examples assume);
(b) every repository path the README, ``docs/*.md`` and the code's docstrings and comments
    cite exists (``DESIGN.md`` is ``docs/DESIGN.md``), and every dotted ``crimestats.x.y``
    name they cite imports;
(c) every ``crimestats ...`` line of the README's code blocks exits 0, run in-process
    against a copy of the demo store with its placeholder files (``my_data.csv``,
    ``pop.csv``...) replaced by small real ones written here.

A case marked ``xfail(strict=True)`` is a known broken doc in a file this test does not own:
fix the doc and remove its entry here (strict: the test fails once the doc is fixed).
"""

from __future__ import annotations

import csv
import doctest
import gc
import gzip
import importlib
import io
import itertools
import re
import shlex
import shutil
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.conftest import base_row, write_flat
from tests.contract.conftest import SPARK_WARNINGS

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "crimestats"


# --------------------------------------------------------------------------- (a) doctests


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules_with_examples() -> list[str]:
    """Modules whose source holds ``>>>``: a module without it has no example to run (and
    importing all of them here would cost every test run seconds)."""
    return [
        _module_name(path)
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "__main__.py" and ">>>" in path.read_text(encoding="utf-8")
    ]


DOCTEST_XFAIL: dict[str, str] = {}


def _cases(names: list[str], xfail: dict[str, str]) -> list[object]:
    return [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=xfail[n])) if n in xfail else n
        for n in names
    ]


@pytest.fixture(scope="module")
def store_folder(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with ``./crimestats.duckdb``: the demo store, as ``make run`` leaves it."""
    folder = tmp_path_factory.mktemp("doctest_cwd")
    shutil.copy(demo_db, folder / "crimestats.duckdb")
    return folder


@pytest.mark.parametrize("module_name", _cases(_modules_with_examples(), DOCTEST_XFAIL))
def test_docstring_examples_run(
    module_name: str, store_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(store_folder)
    monkeypatch.delenv("CRIMESTATS_DB", raising=False)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:  # an optional heavy dependency that is not installed
        if exc.name and not exc.name.startswith("crimestats"):
            pytest.skip(f"{module_name} needs {exc.name}, which is not installed")
        raise
    tests = [t for t in doctest.DocTestFinder().find(module, module_name) if t.examples]
    assert tests, f"{module_name} has '>>>' but doctest finds no example in it"
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


# ------------------------------------------------------------------------ (b) references

# A repository path: docs/, src/, tests/, bench/ paths; crimestats/...py module files;
# DESIGN.md (= docs/DESIGN.md), STYLE.md, CHANGELOG.md at the root.
PATH_REF = re.compile(
    r"(?<![\w/.-])((?:docs|src|tests|bench)/[\w./-]*[\w/]|crimestats/[\w/]+\.py"
    r"|(?:docs/)?DESIGN\.md|STYLE\.md|CHANGELOG\.md)"
)
# A path inside the package, written relative to it (`release/threshold_tables.py`).
PACKAGE_REF = re.compile(r"`([a-z_]+/[\w/-]+\.(?:py|yaml|csv|md))(?:::\w+)?`")
# A relative Markdown link in docs/ (`[text](sdmx.md)`).
LINK_REF = re.compile(r"\]\((?!https?:|#|mailto:)([^)\s#]+)")
DOTTED_REF = re.compile(r"(?<![\w./])crimestats(?:\.[A-Za-z_]\w*)+")

REF_XFAIL: dict[str, str] = {}
# Names that look like references but are not files or modules.
REF_ALLOWED = {
    "crimestats.differential_privacy": "a key of datapackage.json (docs/release.md)",
}


@dataclass(frozen=True)
class DocLine:
    """One line of prose: a Markdown line, or a line of a docstring or comment in src."""

    file: Path
    line: int
    text: str


def _doc_lines() -> Iterator[DocLine]:
    # docs/STYLE.md cites other projects' files (what we admire elsewhere), not ours.
    docs = [p for p in sorted((ROOT / "docs").glob("*.md")) if p.name != "STYLE.md"]
    for path in [ROOT / "README.md", *docs]:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield DocLine(path, number, text)
    for path in sorted(PACKAGE.rglob("*.py")):
        source = io.StringIO(path.read_text(encoding="utf-8"))
        for token in tokenize.generate_tokens(source.readline):
            if token.type in (tokenize.STRING, tokenize.COMMENT):
                for offset, text in enumerate(token.string.splitlines()):
                    yield DocLine(path, token.start[0] + offset, text)


def _target(ref: str) -> Path:
    """The file a reference means: DESIGN.md, STYLE.md are in docs/, crimestats/... is in src/."""
    if ref.endswith(("DESIGN.md", "STYLE.md")):
        return ROOT / "docs" / Path(ref).name
    if ref.startswith("crimestats/"):
        return ROOT / "src" / ref
    return ROOT / ref


def _collect_refs() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(path references -> where cited, dotted names -> where cited)."""
    paths: dict[str, list[str]] = {}
    dotted: dict[str, list[str]] = {}
    subpackages = {p.name for p in PACKAGE.iterdir() if p.is_dir()}
    for doc in _doc_lines():
        where = f"{doc.file.relative_to(ROOT)}:{doc.line}"
        for match in PATH_REF.finditer(doc.text):
            paths.setdefault(match.group(1).rstrip("."), []).append(where)
        for match in PACKAGE_REF.finditer(doc.text):
            if match.group(1).split("/")[0] in subpackages:
                paths.setdefault(f"src/crimestats/{match.group(1)}", []).append(where)
        if doc.file.suffix == ".md" and doc.file.parent.name == "docs":
            for match in LINK_REF.finditer(doc.text):
                paths.setdefault(f"docs/{match.group(1)}", []).append(where)
        for match in DOTTED_REF.finditer(doc.text):
            name = match.group(0)
            if not name.endswith((".duckdb", ".yaml", ".csv", ".json")):
                dotted.setdefault(name, []).append(where)
    return paths, dotted


PATH_REFS, DOTTED_REFS = _collect_refs()


@pytest.mark.parametrize("ref", _cases(sorted(PATH_REFS), REF_XFAIL))
def test_cited_path_exists(ref: str) -> None:
    target = _target(ref)
    assert target.exists(), f"{ref} ({target}) does not exist; cited at {PATH_REFS[ref]}"


def _resolves(name: str) -> bool:
    """Import the longest module prefix of ``name``, then look the rest up as attributes."""
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError as exc:
            if exc.name and not exc.name.startswith("crimestats"):
                pytest.skip(f"{name} needs {exc.name}, which is not installed")
            continue
        for attribute in parts[split:]:
            if not hasattr(obj, attribute):
                return False
            obj = getattr(obj, attribute)
        return True
    return False


@pytest.mark.parametrize("name", _cases(sorted(set(DOTTED_REFS) - set(REF_ALLOWED)), REF_XFAIL))
def test_cited_dotted_name_imports(name: str) -> None:
    assert _resolves(name), f"{name} does not import; cited at {DOTTED_REFS[name]}"


def test_cited_design_sections_exist() -> None:
    """'DESIGN.md section N' names a numbered section of docs/DESIGN.md."""
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\d+)\.", design, re.MULTILINE))
    cited: dict[str, list[str]] = {}
    for doc in _doc_lines():
        for number in re.findall(r"DESIGN\.md,? section (\d+)", doc.text):
            cited.setdefault(number, []).append(f"{doc.file.relative_to(ROOT)}:{doc.line}")
    assert cited, "no 'DESIGN.md section N' found: the scan is broken"
    missing = {n: where for n, where in cited.items() if n not in sections}
    assert not missing, f"sections cited but not in docs/DESIGN.md: {missing}"


def test_the_reference_scan_finds_what_it_should() -> None:
    """The scan is not vacuous: known citations of each kind are found."""
    assert "crimestats/ingest/mapping.py" in PATH_REFS  # README
    assert "DESIGN.md" in PATH_REFS
    assert "docs/sdmx.md" in PATH_REFS  # a Markdown link in docs/release.md
    assert "src/crimestats/release/threshold_tables.py" in PATH_REFS  # package-relative
    assert "crimestats.ingest.file_inspect" in DOTTED_REFS  # errors.py
    assert not _resolves("crimestats.no_such_module")
    assert _resolves("crimestats.errors.FileRefusedError")


# ------------------------------------------------------------------- (c) README commands


def _readme_command_lines() -> list[str]:
    """Every line of a README code block that starts with ``crimestats ``, without its
    comment."""
    lines: list[str] = []
    in_block = False
    for text in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if text.startswith("```"):
            in_block = not in_block
        elif in_block and text.startswith("crimestats "):
            lines.append(text.split("  #", 1)[0].strip())
    return lines


def _runnable(line: str) -> list[list[str]]:
    """The commands of a README line, as argument lists: ``&&`` separates commands and
    ``[...]`` marks an optional part (as in usage lines), which is left out."""
    line = re.sub(r"\s*\[[^\]]*\]", "", line)
    return [shlex.split(part)[1:] for part in line.split("&&")]


# Options whose value is a file the command writes (so it is not made up front).
OUTPUT_OPTIONS = {"--template", "--out", "--review-out", "--html"}


def _area_and_year(db: Path) -> tuple[str, int]:
    """The area code with most incidents in the demo store, and its commonest year."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            "SELECT area_code, year(reported_date) AS y, count(*) AS n FROM incidents "
            "WHERE area_code IS NOT NULL GROUP BY ALL ORDER BY n DESC, area_code LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    return str(row[0]), int(row[1])


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _write_city(path: Path) -> None:
    """city.csv.gz (a source's own layout) and city.yaml, its mapping."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["ID", "Date", "Kind"])
    writer.writerows([["C1", "03/01/2024", "THEFT"], ["C2", "03/02/2024", "ROBBERY"]])
    path.write_bytes(gzip.compress(text.getvalue().encode("utf-8")))
    (path.parent / "city.yaml").write_text(
        "crimestats_mapping: 1\nname: city\nfields:\n  incident_id: ID\n"
        '  reported_date: {column: Date, format: "%m/%d/%Y"}\n  national_label: Kind\n',
        encoding="utf-8",
    )


def _placeholders(area: str, year: int) -> dict[str, Callable[[Path], object]]:
    """How to make each placeholder input file the README names."""
    return {
        "my_data.csv": lambda p: write_flat(
            p, [base_row(incident_id="Q1"), base_row(incident_id="Q2", national_label="Burglary")]
        ),
        "city.csv.gz": _write_city,
        "pop.csv": lambda p: _write_csv(
            p, ["area_code", "year", "population"], [[area, year, 120_000]]
        ),
        "queue.csv": lambda p: _write_csv(
            p, ["source", "national_code", "iccs_code"], [["chicago_crimes", "0486", "02011"]]
        ),
        "in.csv": lambda p: _write_csv(
            p, ["label"], [["DOMESTIC BATTERY SIMPLE"], ["robbery with a knife"]]
        ),
        "penal_code.csv": lambda p: _write_csv(
            p, ["heading", "chapter"], [["Abetment", "Offences against the State"]]
        ),
        "labelled.csv": lambda p: _write_csv(
            p,
            ["text", "iccs", "records"],
            [["THEFT FROM VEHICLE", "0502", 3], ["HOMICIDE", "0101", 1]],
        ),
        "lists.csv": lambda p: shutil.copy(ROOT / "tests/data/mse/UKdat_5.csv", p),
        "newport.csv": lambda p: shutil.copy(
            ROOT / "tests/data/watch_surveillance_r/salmNewport_germany_weekly.csv", p
        ),
        "ny.cas": lambda p: shutil.copy(
            ROOT / "tests/data/scan_ny_leukemia/satscan_ny_cases.txt", p
        ),
        "ny.pop": lambda p: shutil.copy(ROOT / "tests/data/scan_ny_leukemia/satscan_ny_pop.txt", p),
        "ny.geo": lambda p: shutil.copy(
            ROOT / "tests/data/scan_ny_leukemia/satscan_ny_coords.txt", p
        ),
        "ncvs_2021_household.csv.xz": lambda p: shutil.copy(
            ROOT / "tests/data/ncvs_2021/ncvs_2021_household.csv.xz", p
        ),
        "ncvs_2021_incident.csv.gz": lambda p: shutil.copy(
            ROOT / "tests/data/ncvs_2021/ncvs_2021_incident.csv.gz", p
        ),
        "ncvs_2021.yaml": lambda p: shutil.copy(ROOT / "src/crimestats/surveys/ncvs_2021.yaml", p),
    }


README_SPARK = {"crimestats stats --by source,iccs_l2 --backend pyspark"}
README_SERVER = {"crimestats serve"}
"""Runs until interrupted: tests/serve start the same app on a free port instead."""


def _stop_spark() -> None:
    """Stop the Spark session a command started, and collect its sockets while the
    test's warning filters are on (as tests/contract/conftest.py does)."""
    from crimestats.storage.spark import spark_session

    if spark_session.cache_info().currsize:
        spark_session().stop()
        spark_session.cache_clear()
    gc.collect()


def _readme_cases() -> list[object]:
    cases: list[object] = []
    for line in _readme_command_lines():
        if line in README_SERVER:
            continue
        marks = []
        if line in README_SPARK:  # PySpark's own warnings pass, as in tests/contract
            marks = [pytest.mark.spark, *(pytest.mark.filterwarnings(w) for w in SPARK_WARNINGS)]
        cases.append(pytest.param(line, marks=marks, id=line.removeprefix("crimestats ")))
    return cases


def test_readme_lists_the_quick_start() -> None:
    lines = _readme_command_lines()
    assert "crimestats init" in lines
    assert len(lines) >= 20
    assert _runnable("crimestats a [--b c] && crimestats d 'e f'") == [["a"], ["d", "e f"]]


@pytest.mark.parametrize("line", _readme_cases())
def test_readme_command_runs(
    line: str, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from crimestats.cli.app import app

    store = tmp_path / "crimestats.duckdb"
    shutil.copy(demo_db, store)
    monkeypatch.chdir(tmp_path)
    area, year = _area_and_year(store)
    makers = _placeholders(area, year)
    for command in _runnable(line):
        args = [area if a == "CODE" else a for a in command]  # CODE: an area of the store
        outputs = {b for a, b in itertools.pairwise(args) if a in OUTPUT_OPTIONS}
        for arg in args:
            if arg in makers and arg not in outputs and not (tmp_path / arg).exists():
                makers[arg](tmp_path / arg)
        if "pyspark" in args:  # a session stopped by tests/contract may still be cached
            _stop_spark()
        try:
            result = CliRunner().invoke(app, args, env={"CRIMESTATS_DB": str(store)})
        finally:
            if "pyspark" in args:
                _stop_spark()
        assert result.exit_code == 0, (
            f"`crimestats {shlex.join(args)}` exited {result.exit_code}:\n{result.output}"
            f"\n{result.exception!r}"
        )
