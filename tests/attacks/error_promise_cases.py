"""The cases of the error-promise sweep (tests/attacks/test_error_promise.py), as data.

Why a module of its own: a new command or option is placed here (its working arguments
in :data:`BASE`, its path options in :data:`OUTPUT_FILES` or :data:`INPUTS_AND_FOLDERS`),
and the sweep's logic stays readable beside it.
"""

from __future__ import annotations

import os

LIGHT_COMMANDS = {
    ("release",): (
        "builds a protected release for every value it accepts (0.4 s each): swept with "
        "the values it must refuse, without the --json repeats",
        {"minus-one", "huge", "nan", "long", "non-utf8", "folder", "missing",
         "in-missing-folder", "unwritable", "existing", "binary", "empty-file"},
    ),
}  # fmt: skip
"""Commands whose accepted values do heavy legitimate work: fewer values, and why."""
SKIPPED_COMMANDS = {
    "demo": "ingests every bundled source and builds a release (minutes of legit work); "
    "its only option, --db, is swept on every other command",
    "serve": "runs a server until interrupted for every value it accepts; its numeric "
    "options are typer ranges, swept in tests/serve/test_serve_cli.py",
}
READ_ONLY_PLACE = "/sys/crimestats-sweep/out.csv"
"""A folder nobody may write to, even root (sysfs); the sweep runs as root in CI."""


# ----- what each command needs to do legit work ------------------------------------------

BASE: dict[tuple[str, ...], list[str]] = {
    ("ingest",): ["{flat}", "--source", "t"],
    ("iccs", "show"): ["0101"],
    ("iccs", "search"): ["theft"],
    ("iccs", "code"): ["--file", "{labelled}", "--column", "offence", "--out", "{new}"],
    ("iccs", "evaluate"): ["{labelled}", "--text-column", "offence", "--code-column", "true_code"],
    ("review", "export"): ["--out", "{new}"],
    ("review", "import"): ["{review}"],
    ("stats",): ["--by", "month"],
    ("ingest-population",): ["{population}"],
    ("ingest-areas",): ["{areas}", "--code-property", "id"],
    ("series", "load"): ["{series}", "--kind", "cts"],
    ("series", "reproduce"): ["--kind", "cts", "--file", "{series}"],
    ("release",): ["--out", "{newdir}"],
    ("mse",): ["{mse}"],
    ("hotspots",): ["--out", "{new}"],
    ("forecast-evaluate",): ["--out", "{new}"],
    ("near-repeat",): ["--space-bands", "100,200", "--time-bands", "7,14"],
    ("export-parquet",): ["{newdir}"],
}
"""Arguments that make each command work on the tiny world (a command not listed needs
none besides ``--db``)."""

VALUES = {
    "empty": "",
    "minus-one": "-1",
    "zero": "0",
    "huge": str(10**30),
    "nan": "nan",
    "inf": "inf",
    "long": "x" * 5000,
    "non-utf8": os.fsdecode(b"caf\xe9-\xff"),
    "folder": "{dir}",
    "missing": "{missing}",
    "in-missing-folder": "{in_missing_folder}",
    "unwritable": READ_ONLY_PLACE,
    "existing": "{existing}",
    "binary": "{binary}",
    "empty-file": "{empty}",
    "wrong-csv": "{flat}",
}
"""Hostile values by name (the name is what a test id shows)."""

BY_KIND = {
    "number": ("empty", "minus-one", "zero", "huge", "nan", "inf", "long"),
    "text": ("empty", "minus-one", "long", "non-utf8"),
    "path": (
        "empty", "long", "non-utf8", "folder", "missing", "in-missing-folder", "unwritable",
        "existing", "binary", "empty-file", "wrong-csv",
    ),
}  # fmt: skip
"""Which values each kind of parameter gets: a number's wrong shapes, a text's, a path's."""

WITH_JSON = ("folder", "missing", "in-missing-folder", "binary", "existing")
"""The values also tried with ``--json`` (where the command has it), on every parameter
that takes them: a refusal must not print half a JSON document."""


NOT_NEGATIVE = {"--limit", "--depth", "--worst", "--bootstrap", "--threshold", "--seed"}
"""Counts and seeds: a negative value must be refused, not silently used (``rows[:-1]``)."""

OWNED_ELSEWHERE: dict[str, str] = {}
"""Case ids that fail in code another helper owns:
``xfail(strict=True)`` with the owner, to be removed when their fix is merged."""


# ----- hostile file contents for the commands that read a file ---------------------------

_LISTS_24 = ",".join(f"L{k}" for k in range(24))
HOSTILE_FILES: dict[str, tuple[tuple[str, ...], bytes, str]] = {
    # name: (command and options before the file, content, words the message must hold)
    "mse-24-lists": (("mse",), f"{_LISTS_24},count\n{'1,' * 24}5\n".encode(), "at most 10"),
    "mse-count-beyond-int64": (("mse",), b"A,B,count\n1,0,99999999999999999999999\n", "count"),
    "mse-count-1e30": (("mse",), b"A,B,count\n1,0,1e30\n0,1,3\n", "not a count"),
    "mse-count-nan": (("mse",), b"A,B,count\n1,0,nan\n0,1,3\n", "not a count"),
    "mse-negative": (("mse",), b"A,B,count\n1,0,-4\n0,1,3\n", "not a count"),
    "mse-not-binary": (("mse",), b"A,B,count\n2,0,4\n0,1,3\n", "not 0 or 1"),
    "mse-header-only": (("mse",), b"A,B,count\n", "no rows"),
    "mse-duplicate-columns": (("mse",), b"A,A,count\n1,0,4\n", "unique"),
    "mse-ragged": (("mse",), b"A,B,count\n1,0\n", "fields"),
    "mse-all-zero": (("mse",), b"A,B,count\n1,0,0\n0,1,0\n", "zero"),
    "mse-binary": (("mse",), bytes(range(256)), "UTF-8"),
    "mse-nul": (("mse",), b"A,B,count\n1,0,\x003\n", "binary"),
    "review-wrong-columns": (("review", "import"), b"a,b,c\n1,2,3\n", "missing column"),
    "review-bad-code": (
        ("review", "import"),
        (b"source,national_code,iccs_code\ns,Theft,not-a-code\n"),
        "not a code of ICCS",
    ),
    "review-no-answer": (
        ("review", "import"),
        b"source,national_code,iccs_code\ns,Theft,\n",
        "no answer",
    ),
    "review-empty": (("review", "import"), b"", "empty"),
    "review-binary": (("review", "import"), bytes(range(256)) * 4, "UTF-8"),
    "review-nul": (
        ("review", "import"),
        b"source,national_code,iccs_code\ns,\x00,0101\n",
        "binary",
    ),
    "review-no-source": (
        ("review", "import"),
        b"source,national_code,iccs_code\n,Theft,0101\n",
        "source",
    ),
}
"""Malformed inputs named in the attack report (issue 11, finding 11)."""


# ----- path options: what a full disk must not half write

OUTPUT_FILES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("schema",), "--template"),
    (("quarantine",), "--out"),
    (("classify",), "--review-out"),
    (("stats",), "--out"),
    (("indicators",), "--out"),
    (("attrition",), "--out"),
    (("mse",), "--html"),
    (("iccs", "code"), "--out"),
    (("review", "export"), "--out"),
    (("trends",), "--out"),
    (("trends",), "--html"),
    (("hotspots",), "--out"),
    (("forecast-evaluate",), "--out"),
    (("forecast-audit",), "--out"),
    (("forecast-audit",), "--html"),
    (("audit", "export"), "--out"),
)
"""Every option that names a file a command writes (``release --out`` is a folder with
its own transaction, docs/release.md)."""
INPUTS_AND_FOLDERS = {
    ("ingest", "<files>"), ("ingest", "--mapping"), ("classify", "--correspondence"),
    ("ingest-population", "<file>"), ("ingest-areas", "<file>"), ("release", "--out"),
    ("release", "--config"), ("mse", "<file>"), ("iccs code", "--file"),
    ("iccs evaluate", "<labelled>"), ("review import", "<file>"), ("series load", "<file>"),
    ("series reproduce", "--file"), ("series reproduce", "--population-file"),
    ("near-repeat", "--points"), ("scan", "--cases"), ("scan", "--population"),
    ("scan", "--coords"), ("alerts", "--series"), ("trends", "--series"),
    ("hotspots", "--points"), ("hotspots", "--exposure"), ("forecast-evaluate", "--points"),
    ("forecast-audit", "--points"), ("forecast-audit", "--groups"),
    ("survey load", "<files>"), ("survey load", "--design"), ("export-parquet", "<out>"),
}  # fmt: skip
"""The other path parameters (besides ``--db``): files read, or a folder."""
OUTPUTS_AFTER_ANOTHER = {
    ("forecast-evaluate", "--html"): "written after --out, which the command requires "
    "(atomically, by the writer forecast-audit --html uses, swept above); with a full disk "
    "the --out write fails first, with the message the sweep checks",
    ("hotspots", "--html"): "written after --out (atomically, like it); with a full disk "
    "the --out write fails first, with the message the sweep checks",
    ("alerts", "--html"): "written by the same writer as trends --html (watch.charts."
    "write_html, swept above) once a run has series: the tiny world has none to assess",
}
