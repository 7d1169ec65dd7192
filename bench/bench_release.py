"""A full protected release of the workload, beside the unprotected tables alone (issue 5).

The measure (DESIGN.md section 9): ``crimestats release`` over the 10-million-incident
workload in under a minute on 2 cores. The baseline is the time to count the same
standard tables without protection (``count_table`` for each), so the figure shows what
disclosure control, the audit and the file writers cost on top of the counting.

A second build with ``maps: {method: none}`` shows what the masked map costs (its H3
polygons are most of the time on a national workload). The store is the one
``bench_stats`` builds (``stats_<rows>_<seed>.duckdb`` in the work
folder), ingested here if missing. Each phase runs once in this process after a warm-up
count; the release is written into a fresh folder and not recorded in the store.
"""

from __future__ import annotations

import json
import platform
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import bench_stats
import generate
from crimestats.release import STANDARD_TABLES, build_release, parse_config
from crimestats.stats import count_table
from targets import target_line

TARGET_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ReleaseTiming:
    """The release's figures, as ``bench/out/release.json`` keeps them.

    The unprotected tables are the baseline: the protected release's time over theirs is
    what disclosure control, the audit and the writers cost; the release without the map
    says how much of that the masked map is.
    """

    rows: int
    machine: str
    tables: int
    interior_cells: int
    unprotected_tables_seconds: float
    protected_release_seconds: float
    protected_release_without_map_seconds: float
    withheld_cells: int
    files: int

    @property
    def meets_target(self) -> bool:
        return self.protected_release_seconds < TARGET_SECONDS

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "meets_target": self.meets_target}


def main(rows: int, seed: int = generate.DEFAULT_SEED, workdir: str | None = None) -> ReleaseTiming:
    db = bench_stats.prepare(rows, seed, workdir)  # the same store as the statistics
    spec = STANDARD_TABLES[0]
    count_table(db, by=list(spec.by), unit=spec.unit)  # warm-up: imports, file cache

    start = time.perf_counter()
    cells = 0
    for spec in STANDARD_TABLES:
        cells += count_table(db, by=list(spec.by), unit=spec.unit).table.num_rows
    unprotected = time.perf_counter() - start

    out = Path(tempfile.mkdtemp(prefix="crimestats-release-bench-"))
    try:
        start = time.perf_counter()
        result = build_release(db, out / "release", record=False)
        protected = time.perf_counter() - start
        start = time.perf_counter()
        no_map = parse_config({"maps": {"method": "none"}})
        build_release(db, out / "tables-only", record=False, config=no_map)
        without_map = time.perf_counter() - start
    finally:
        shutil.rmtree(out, ignore_errors=True)

    withheld = sum(
        info["primary_cells"] + info["secondary_cells"] for info in result.tables.values()
    )
    report = ReleaseTiming(
        rows=rows,
        machine=platform.platform(),
        tables=len(STANDARD_TABLES),
        interior_cells=cells,
        unprotected_tables_seconds=unprotected,
        protected_release_seconds=protected,
        protected_release_without_map_seconds=without_map,
        withheld_cells=withheld,
        files=len(result.files),
    )
    print(f"standard tables counted, unprotected ({cells:,} cells): {unprotected:8.2f} s")
    print(
        f"full protected release ({len(result.files)} files, {withheld:,} cells withheld): "
        f"{protected:8.2f} s (target < {TARGET_SECONDS:.0f} s)"
    )
    print(f"the same release without the masked map (maps: none): {without_map:8.2f} s")
    target_line(
        "release",
        f"full protected release {protected:.1f} s ({rows:,} rows)",
        f"< {TARGET_SECONDS:.0f} s",
        report.meets_target,
    )
    folder = Path(__file__).resolve().parent / "out"
    folder.mkdir(exist_ok=True)
    (folder / "release.json").write_text(json.dumps(report.to_json(), indent=2, default=str))
    return report
