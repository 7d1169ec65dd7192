"""Ingest with validation against DuckDB's own ``read_csv`` of the same file (DESIGN.md s. 9).

The measure: ``crimestats.ingest_files`` must load the synthetic national workload
(``generate.py``) at no less than half the rate (rows/s) of DuckDB reading the same CSV
into a table of a fresh DuckDB file:
``CREATE TABLE t AS SELECT * FROM read_csv('file', header=true)``.

Each phase runs in its own Python process, so its peak memory is its own: the child
reports the wall time of the work alone (imports and start-up excluded, closing the
database included) and its RSS high-water mark (``VmHWM``, else ``ru_maxrss``), which
includes the interpreter and imported libraries; ``base MB`` is the peak before the work
began. The file is read once before the timed phases so that both start with it in
the page cache. The workload is generated once per (rows, seed) and reused.

The floors (``ingest_floor.py``) run beside them: the least work any load into the store
does, so that their ratio bounds what any ingest design can reach.

Run alone: ``python bench/bench_ingest.py --rows 1000000``. Results go to stdout and to
``bench/out/ingest.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import generate
import ingest_floor
from phase_records import (
    BASELINE,
    INGEST,
    DiskUse,
    IngestCounts,
    IngestReport,
    MachineInfo,
    PhaseResult,
    ProcessUse,
    RunSummary,
    Workload,
)

TARGET_RATIO = 0.5
PEAK_TARGET_MB = 4096
"""Issue 19: the ingest's peak resident memory stays under 4 GB whatever the file's size."""
OUT_JSON = Path(__file__).resolve().parent / "out" / "ingest.json"
WORKDIR_ENV = "CRIMESTATS_BENCH_DIR"
DISK_SAMPLE_S = 1.0
"""How often the disk a phase uses (store, log, scratch, spill) is sampled for its peak."""


# --- the phases (each runs in a child process) ---------------------------------------------


def memory_cap() -> str:
    """The memory cap both phases run under: the ingest's own (``bound_ingest_memory``).

    The baseline gets the same cap so that the two are compared on equal terms, and so
    that a 50M-row baseline cannot take 80% of a shared machine (DuckDB's default).
    """
    from crimestats.storage.store import INGEST_MEMORY, MEMORY_ENV

    return os.environ.get(MEMORY_ENV) or f"{INGEST_MEMORY // 2**20}MiB"


def phase_read_csv(path: Path, db: Path) -> PhaseResult:
    """The baseline: DuckDB reads the CSV into a table of a fresh database file."""
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute(f"SET memory_limit = '{memory_cap()}'")
    con.execute(
        "CREATE TABLE t AS SELECT * FROM read_csv(?, header = true)", [str(path)]
    ).fetchall()
    row = con.execute("SELECT count(*) FROM t").fetchone()
    con.close()
    seconds = time.perf_counter() - t0
    return PhaseResult(BASELINE, seconds=seconds, rows_loaded=int(row[0]) if row else 0)


def phase_ingest(path: Path, db: Path) -> PhaseResult:
    """crimestats: adapt, validate and load the file into a fresh store."""
    ingest_files = _ingest_function()
    t0 = time.perf_counter()
    results = ingest_files([path], source="bench", db=db)
    seconds = time.perf_counter() - t0
    issues: dict[str, int] = {}
    for r in results:
        if getattr(r, "refused", None):
            raise SystemExit(f"the file was refused: {r.refused}")
        for code, n in (getattr(r, "issues", None) or {}).items():
            issues[code] = issues.get(code, 0) + n

    def total(key: str) -> int:
        return sum(int(getattr(r, key)) for r in results)

    counts = IngestCounts(
        total("read"), total("accepted"), total("quarantined"), total("duplicates"), issues
    )
    return PhaseResult(INGEST, seconds=seconds, counts=counts)


PHASES: dict[str, Callable[[Path, Path], PhaseResult]] = {
    BASELINE: phase_read_csv,
    INGEST: phase_ingest,
    **ingest_floor.PHASES,
}


def _child(phase: str, path: Path, db: Path) -> None:
    """Run one phase and print its result, with this process's memory and CPU, as JSON."""
    base = _maxrss_mb()
    cpu = _cpu_s()
    result = PHASES[phase](path, db)
    use = ProcessUse(round(_maxrss_mb()), round(base), round(_cpu_s() - cpu, 1))
    print(json.dumps(replace(result, usage=use).to_json()))


def _cpu_s() -> float:
    """CPU seconds (user + system) of this process and all its threads so far: on a shared
    machine they move far less with the load than wall times do."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _maxrss_mb() -> float:
    """This process's peak RSS in MiB.

    Linux's ``VmHWM`` first: ``ru_maxrss`` of a child also counts the parent's RSS at fork,
    so it would charge the generator's memory to the phase.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_phase(phase: str, path: Path, workdir: Path) -> PhaseResult:
    """Run one phase in a fresh interpreter on a fresh database; its result."""
    db = workdir / f"bench_{phase.replace(' ', '_')}.duckdb"
    _remove_db(db)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", phase]
    cmd += ["--file", str(path), "--db", str(db)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        peak_disk = 0
        while child.poll() is None:  # sampled: a peak between two samples is missed
            peak_disk = max(peak_disk, disk_used(db))
            time.sleep(DISK_SAMPLE_S)
        out.seek(0)
        err.seek(0)
        proc = subprocess.CompletedProcess(cmd, child.returncode, out.read(), err.read())
    try:
        if proc.returncode != 0:
            tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
            return PhaseResult(phase, error=f"exit {proc.returncode}: {tail}")
        result = PhaseResult.from_json(json.loads(proc.stdout.strip().splitlines()[-1]))
        db_mb = round(db.stat().st_size / 2**20, 1) if db.exists() else None
        return replace(result, phase=phase, disk=DiskUse(db_mb, round(peak_disk / 2**20)))
    finally:
        _remove_db(db)


def best_of(repeat: int, names: list[str], path: Path, workdir: Path) -> dict[str, PhaseResult]:
    """Each phase run ``repeat`` times, the fastest counting; the phases take turns.

    Round 1 runs every phase once, then round 2, and so on: on a shared machine a change
    in the load then falls on every phase alike instead of on whichever ran during it.
    Every run's time and the 1-minute load average when it began are kept under
    ``runs`` and ``loads``; a phase that fails in any run reports its first error.
    """
    runs: dict[str, list[PhaseResult]] = {name: [] for name in names}
    for _ in range(max(1, repeat)):
        for name in names:
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
            runs[name].append(replace(run_phase(name, path, workdir), load=load))
    best: dict[str, PhaseResult] = {}
    for name, done in runs.items():
        failed = [r for r in done if r.error is not None]
        if failed:
            best[name] = failed[0]
            continue
        fastest = min(done, key=lambda r: r.wall_s)
        repeats = RunSummary(
            runs=tuple(round(r.wall_s, 2) for r in done),
            cpu_runs=tuple(None if r.usage is None else r.usage.cpu_s for r in done),
            loads=tuple(None if r.load is None else round(r.load, 1) for r in done),
        )
        best[name] = replace(fastest, repeats=repeats)
    return best


def _db_files(db: Path) -> list[Path]:
    """The database, its log, and an ingest's scratch database and its log."""
    scratch = f"{db.name}.ingest-scratch"
    return [db.with_name(n) for n in (db.name, f"{db.name}.wal", scratch, f"{scratch}.wal")]


def disk_used(db: Path) -> int:
    """Bytes on disk of the database, its log, the scratch database and the spill folder."""
    total = 0
    spill = db.with_name(db.name + ".tmp")
    candidates = [*_db_files(db), *(spill.iterdir() if spill.is_dir() else [])]
    for p in candidates:
        with contextlib.suppress(OSError):  # a spill file may vanish while summed
            total += p.stat().st_size
    return total


def _remove_db(db: Path) -> None:
    """The database, its log, scratch and spill folder (``<db>.tmp``, left by a killed ingest)."""
    for p in _db_files(db):
        p.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.name + ".tmp"), ignore_errors=True)


# --- the benchmark -------------------------------------------------------------------------


# where ingest_files lives: the package's public place first, then the service module
INGEST_MODULES = ("crimestats", "crimestats.services.ingesting")


def _ingest_function() -> Any:
    errors = []
    for name in INGEST_MODULES:
        try:
            return importlib.import_module(name).ingest_files
        except (ImportError, AttributeError) as exc:
            errors.append(f"{name}: {exc}")
    raise ImportError("; ".join(errors))


def ingest_available() -> str | None:
    """None if ``ingest_files`` imports, else why not."""
    try:
        _ingest_function()
    except ImportError as exc:
        return f"ingest_files does not import yet ({exc})"
    return None


def machine() -> MachineInfo:
    """What the numbers were measured on."""
    import duckdb
    import polars

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [ln for ln in cpuinfo.read_text().splitlines() if ln.startswith("model name")]
        cpu = names[0].split(":", 1)[1].strip() if names else cpu
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        ram = float("nan")
    return MachineInfo(
        cpu=cpu,
        cores=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        ram_gb=round(ram, 1),
        os=platform.platform(),
        python=platform.python_version(),
        duckdb=duckdb.__version__,
        polars=polars.__version__,
    )


def workload(rows: int, seed: int, workdir: Path) -> tuple[Path, Workload]:
    """The workload CSV for (rows, seed), generated unless a complete one is there."""
    path = workdir / f"flat_v1_{rows}_{seed}.csv"
    manifest = generate.manifest_path(path)
    if path.exists() and manifest.exists():
        m = json.loads(manifest.read_text())
        if (m.get("rows"), m.get("seed"), m.get("bytes")) == (rows, seed, path.stat().st_size):
            reused = Workload.from_manifest(m, reused=True)
            print(f"reusing {path} (generated in {reused.seconds} s)")
            return path, reused
    print(f"generating {rows:,} rows (seed {seed}) into {path} ...")
    return path, Workload.from_manifest(generate.generate(path, rows, seed), reused=False)


def _warm(path: Path) -> None:
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if isinstance(value, int) or value >= 100 else f"{value:,.2f}"


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [c.rjust(w) for c, w in zip(r, widths, strict=True)]
        cells[0] = r[0].ljust(widths[0])
        lines.append("  ".join(cells))
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(
    rows: int = generate.DEFAULT_ROWS,
    seed: int = generate.DEFAULT_SEED,
    workdir: str | Path | None = None,
    repeat: int = 1,
    only: list[str] | None = None,
) -> IngestReport:
    """Generate (or reuse) the workload, time the phases, print and save the results.

    ``only``: the phases to time besides the baseline (default: the ingest and the
    floors of ``ingest_floor`` but its optional ones). With ``repeat`` > 1 each phase
    runs that many times, the phases taking turns, and the fastest run counts (the
    machine may be shared); all times are kept under ``runs``.
    """
    wanted = set(PHASES) - ingest_floor.OPTIONAL if only is None else set(only)
    work = Path(
        workdir or os.environ.get(WORKDIR_ENV) or Path(tempfile.gettempdir()) / "crimestats-bench"
    )
    work.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(info.line())
    path, manifest = workload(rows, seed, work)
    n = manifest.rows
    _warm(path)

    names = [BASELINE, *(name for name in PHASES if name != BASELINE and name in wanted)]
    missing = ingest_available()
    if missing is not None and INGEST in names:
        names.remove(INGEST)
    timed = best_of(repeat, names, path, work)
    timed.setdefault(INGEST, PhaseResult(INGEST, skipped=missing or "not asked for"))
    phases = [PhaseResult("generate (not timed against)", seconds=manifest.seconds)]
    phases += [timed[name] for name in PHASES if name in timed]
    phases = [_rated(p, n) for p in phases]
    timed = {p.phase: p for p in phases}  # the floors are reported on the rounded times

    base, ingest = timed[BASELINE], timed[INGEST]
    ratio = None
    if base.rows_per_s and ingest.rows_per_s:
        ratio = round(ingest.rows_per_s / base.rows_per_s, 3)
    peak_mb = ingest.usage.peak_mb if ingest.usage else None

    table: list[tuple[str, ...]] = [
        ("phase", "seconds", "rows/s", "CPU s", "peak MB", "base MB", "peak disk MB")
    ]
    for p in phases:
        use = (p.usage.cpu_s, p.usage.peak_mb, p.usage.base_mb) if p.usage else (None,) * 3
        disk = p.disk.peak_disk_mb if p.disk else None
        cells = (p.seconds, p.rows_per_s, *use, disk)
        table.append((p.phase, *(_fmt(c) for c in cells)))
    print(
        f"\nworkload: {n:,} rows, {manifest.incidents:,} incidents, "
        f"{manifest.bytes / 2**20:,.0f} MiB CSV, {manifest.bad_rows:,} bad rows, "
        f"{manifest.duplicates:,} duplicates, vocabulary {manifest.vocabulary}"
    )
    print(_table(table))
    for p in phases:
        if p.repeats is not None and len(p.repeats.runs) > 1:
            loads = " / ".join("-" if x is None else f"{x}" for x in p.repeats.loads)
            cpus = " / ".join(map(str, p.repeats.cpu_runs))
            print(
                f"  {p.phase}: runs {' / '.join(map(str, p.repeats.runs))} s, "
                f"CPU {cpus} s, load {loads}"
            )
        if p.error is not None or p.skipped is not None:
            print(f"  {p.phase}: {p.error or p.skipped}")
    if ingest.counts is not None:
        c = ingest.counts
        print(
            f"  ingest reconciliation: read {c.read:,} = accepted {c.accepted:,}"
            f" + quarantined {c.quarantined:,} + duplicates {c.duplicates:,}"
            f"  (generator injected {manifest.bad_rows:,} bad rows and "
            f"{manifest.duplicates:,} duplicates)"
        )
    verdict = "n/a" if ratio is None else ("meets" if ratio >= TARGET_RATIO else "BELOW")
    print(
        f"ratio ingest / read_csv: {'-' if ratio is None else ratio}  "
        f"(target >= {TARGET_RATIO}: {verdict})"
    )
    floors = ingest_floor.report(timed, TARGET_RATIO)
    if peak_mb:
        fits = "meets" if peak_mb < PEAK_TARGET_MB else "ABOVE"
        print(
            f"ingest peak {peak_mb:,} MB under a DuckDB cap of {memory_cap()}  "
            f"(target < {PEAK_TARGET_MB:,} MB: {fits})"
        )
    result = IngestReport(
        target=TARGET_RATIO,
        ratio=ratio,
        memory_cap=memory_cap(),
        peak_target_mb=PEAK_TARGET_MB,
        meets_peak_target=None if not peak_mb else peak_mb < PEAK_TARGET_MB,
        machine=info,
        workload=manifest,
        phases=tuple(phases),
        floors=floors,
    )
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(result.to_json(), indent=2) + "\n")
    print(f"wrote {OUT_JSON}")
    return result


def _rated(p: PhaseResult, rows: int) -> PhaseResult:
    """The phase with its rate (rows/s) and its time rounded to 10 ms, if it has a time."""
    if not p.seconds:
        return p
    return replace(p, rows_per_s=round(rows / p.seconds), seconds=round(p.seconds, 2))


def _cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=generate.DEFAULT_ROWS)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument(
        "--workdir", help=f"where the workload lives (${WORKDIR_ENV}, or a temp dir)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per phase; the best counts")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(set(PHASES) - {BASELINE}),
        help="time only this phase beside read_csv (repeatable; default: all)",
    )
    parser.add_argument(
        "--kill", type=int, default=0, help="instead: kill -9 the ingest at N random moments"
    )
    parser.add_argument("--kill-within", type=float, default=60.0, help="latest kill moment (s)")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        _child(args.phase, args.file, args.db)
        return 0
    if args.kill:
        work = Path(
            args.workdir
            or os.environ.get(WORKDIR_ENV)
            or Path(tempfile.gettempdir()) / "crimestats-bench"
        )
        path, _ = workload(args.rows, args.seed, work)
        import ingest_kill  # imports this module: loaded only when asked for

        report = ingest_kill.kill_trials(path, work, args.kill, args.kill_within, args.seed)
        print(json.dumps(report, indent=2))
        return 0 if report["all_kills_left_the_store_as_before"] else 1
    result = main(args.rows, args.seed, args.workdir, args.repeat, args.only)
    return 1 if result.failed else 0


if __name__ == "__main__":
    raise SystemExit(_cli())
