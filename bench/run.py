"""``make bench``: the measures of DESIGN.md section 9 on the synthetic national workload.

Runs ``bench_ingest`` (ingest rate against DuckDB's ``read_csv``), ``bench_iccs`` (ICCS
coding), ``bench_stats`` (standard tables on DuckDB, PySpark and pandas) and
``bench_release`` (a full protected release beside the unprotected tables). Rows:
``--rows``, else ``$CRIMESTATS_BENCH_ROWS``, else 10,000,000. The workload is generated
once per (rows, seed) into ``--workdir`` (``$CRIMESTATS_BENCH_DIR``, else
``<tmp>/crimestats-bench``) and reused. Results are printed and written under
``bench/out/``. Exit code 1 if a benchmark fails to run, or, with ``--strict``, if a
measure misses its target.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROWS_ENV = "CRIMESTATS_BENCH_ROWS"


def _rows_default() -> int:
    text = os.environ.get(ROWS_ENV, "").replace("_", "").replace(",", "")
    if not text:
        return 10_000_000
    try:
        return int(text)
    except ValueError:
        raise SystemExit(f"{ROWS_ENV}={os.environ[ROWS_ENV]!r} is not a whole number") from None


VERDICTS: dict[str, bool | None] = {}
"""Each benchmark's ``meets_target`` (None: no target, or not measured), for the summary."""


def _meets(result: object) -> bool | None:
    """A benchmark's ``meets_target``: a typed report's attribute, or a result dict's key."""
    met = result.get("meets_target") if isinstance(result, dict) else None
    met = getattr(result, "meets_target", met)
    return met if isinstance(met, bool) else None


def _verdict(name: str, result: object) -> None:
    VERDICTS[name] = _meets(result)


def _summary(failed: list[str]) -> None:
    """The target lines of every benchmark once more, together (bench/RESULTS.md, top)."""
    from targets import target_line  # bench/ is on sys.path from main() on

    print("\n== targets ==")
    for name, met in VERDICTS.items():
        figure = "failed to run" if name in failed else "see its section above"
        target_line(name, figure, "bench/RESULTS.md", None if name in failed else met)


def _measure(
    name: str, title: str, call: Callable[[], object], failed: list[str], missed: list[str]
) -> None:
    """Run one benchmark; a failure is noted, never hides the others."""
    print(f"\n== {title} ==")
    try:
        result = call()
    except Exception:  # noqa: BLE001 - one failing benchmark must not hide the others
        traceback.print_exc()
        failed.append(name)
        VERDICTS[name] = None
        return
    _verdict(name, result)
    if _meets(result) is False:
        missed.append(name)


def _nearscan() -> dict[str, object]:
    bench = importlib.import_module("bench_nearscan")
    out = {"knox": bench.bench_knox(50_000, 99, 15), "scan": bench.bench_scan(500, 999, 15)}
    print(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=_rows_default(), help=f"(${ROWS_ENV})")
    parser.add_argument("--seed", type=int, default=None, help="workload seed (20261123)")
    parser.add_argument("--workdir", help="where the workload is generated and reused")
    parser.add_argument("--repeat", type=int, default=1, help="runs per timed phase; best counts")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    if str(BENCH_DIR) not in sys.path:  # run as `python bench/run.py` or imported
        sys.path.insert(0, str(BENCH_DIR))
    failed, missed = [], []

    print(f"== ingest ({args.rows:,} rows) ==")
    try:
        bench_ingest = importlib.import_module("bench_ingest")
        seed = args.seed if args.seed is not None else bench_ingest.generate.DEFAULT_SEED
        report = bench_ingest.main(args.rows, seed, args.workdir, args.repeat)
        _verdict("ingest", report)
        if report.failed:
            failed.append("ingest")
        if report.meets_target is False:
            missed.append("ingest")
    except Exception:  # noqa: BLE001 - one failing benchmark must not hide the others
        traceback.print_exc()
        failed.append("ingest")

    if (BENCH_DIR / "bench_iccs.py").exists():
        print(f"\n== ICCS coding ({args.rows:,} offences) ==")
        try:
            bench_iccs = importlib.import_module("bench_iccs")
            if callable(getattr(bench_iccs, "main", None)):
                bench_iccs.main(args.rows)
            else:
                print("bench_iccs.py has no main(rows); skipped")
        except Exception:  # noqa: BLE001
            traceback.print_exc()
            failed.append("iccs")

    stats_rows = min(args.rows, int(os.environ.get("CRIMESTATS_BENCH_STATS_ROWS", "2000000")))
    print(f"\n== statistics tables ({stats_rows:,} rows; $CRIMESTATS_BENCH_STATS_ROWS) ==")
    try:
        bench_stats = importlib.import_module("bench_stats")
        result = bench_stats.main(stats_rows, workdir=args.workdir)
        _verdict("stats", result)
        if _meets(result) is False:
            missed.append("stats")
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        failed.append("stats")

    release_rows = int(os.environ.get("CRIMESTATS_BENCH_RELEASE_ROWS", str(stats_rows)))
    print(f"\n== protected release ({release_rows:,} rows; $CRIMESTATS_BENCH_RELEASE_ROWS) ==")
    try:
        bench_release = importlib.import_module("bench_release")
        result = bench_release.main(release_rows, workdir=args.workdir)
        _verdict("release", result)
        if _meets(result) is False:
            missed.append("release")
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        failed.append("release")

    extras: list[tuple[str, str, Callable[[], object]]] = [
        ("alerts", f"early warning over every series ({args.rows:,} rows)",
         lambda: importlib.import_module("bench_alerts").main(args.rows, workdir=args.workdir)),
        ("hotspots", "Gi* over 100,000 cells, KDE of 1,000,000 points",
         lambda: importlib.import_module("bench_hotspots").main()),
        ("near-repeat and scan", "Knox over 50,000 events, scans over 500 areas",
         _nearscan),
        ("spark", f"PySpark on 1, 2 and 4 executors, Parquet export read in place "
         f"({stats_rows:,} rows)",
         lambda: importlib.import_module("bench_spark").run(stats_rows, args.workdir)),
    ]  # fmt: skip
    for name, title, call in extras:
        _measure(name, title, call, failed, missed)

    _summary(failed)
    if failed:
        print(f"\nbenchmarks that failed to run: {', '.join(failed)}")
    if missed:
        print(f"measures below target: {', '.join(missed)}")
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
