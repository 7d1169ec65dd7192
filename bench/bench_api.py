"""API load test: 50 clients on 127.0.0.1 against release tables and ``/v1/stats``,
with an ingest running at the same time (issue 16 item 7).

Starts ``crimestats serve`` as its own process on 127.0.0.1 and a free port (a server
in this process would share the interpreter lock with the clients and measure them,
not it) over a copy of ``--db`` (default: the bundled demo data, loaded, coded and
released once into ``--workdir``). Then, for each phase -- ``tables`` (the public
release tables, in turn) and ``stats`` (an analyst's ``/v1/stats`` over a few field
sets) -- ``--clients`` concurrent clients (asyncio, each speaking HTTP/1.1 by hand on
a keep-alive connection, so that they cost the machine less than the server does: see
``_Connection``) send requests for ``--seconds`` seconds or until ``--max-requests``,
whichever comes first, while a steward (a process of its own) uploads a
``--ingest-rows``-row file to
``POST /v1/ingest`` again and again. Prints p50, p95, p99 and the errors per phase (any
status but 200, or a failed request), and writes them to ``bench/out/api.json``.
Target: p95 under 50 ms on release tables and no error.

Why two more figures: on a shared machine the p95 of 50 closed-loop clients measures
the neighbours as much as the server (by Little's law it is about 50 / throughput, and
the clients run on the same cores). A first ``single`` phase (one client, no ingest)
gives the one-client latency, and every phase reports the server's CPU time per
request (``cpu_ms_per_request``: the server process's user + system time over the
phase, divided by its requests; in the phases with an ingest it includes the ingest's
share), which depend far less on what else runs.

Bounded on purpose: loopback only (the host is not an option), a time and a count limit
per phase, and the rate limit raised only on this private server.

``python bench/bench_api.py [--seconds 60] [--clients 50] [--db STORE]
[--workdir DIR] [--ingest-rows 20000]``
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import itertools
import json
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from targets import target_line

HOST = "127.0.0.1"
"""Loopback only: this script never loads another machine."""
TARGET_P95_MS = 50.0
STATS_QUERIES = (
    {"by": "source"},
    {"by": "source,year"},
    {"by": "iccs_l1"},
    {"by": "source,iccs_l2", "unit": "offences"},
)
OUT = Path(__file__).resolve().parent / "out"


@dataclass(frozen=True, slots=True)
class IngestLoad:
    """The steward's uploads during a phase (sent back from its process on a queue)."""

    ingests: int
    failed: int
    mean_seconds: float | None


@dataclass(frozen=True, slots=True)
class Latency:
    """What the clients measured in one phase (``error_kinds``: the first ten kinds)."""

    requests: int
    errors: int
    error_kinds: tuple[str, ...]
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


@dataclass(frozen=True, slots=True)
class PhaseFigures:
    """One phase in ``bench/out/api.json``: the latencies, the CPU time a request of the
    server and of the clients (steadier than latencies on a shared machine), the load."""

    latency: Latency
    cpu_ms_per_request: float
    client_cpu_ms_per_request: float
    ingest: IngestLoad

    def to_json(self) -> dict[str, object]:
        return {
            **asdict(self.latency),
            "error_kinds": list(self.latency.error_kinds),
            "cpu_ms_per_request": self.cpu_ms_per_request,
            "client_cpu_ms_per_request": self.client_cpu_ms_per_request,
            "ingest": asdict(self.ingest),
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def demo_store(workdir: Path) -> Path:
    """The demo data loaded, coded and released once (reused on later runs)."""
    db = workdir / "api-demo.duckdb"
    if db.exists():
        return db
    from crimestats.release.build import build_release
    from crimestats.services.classifying import classify
    from crimestats.services.demo import run_demo

    workdir.mkdir(parents=True, exist_ok=True)
    run_demo(db)
    classify(db)
    build_release(db, workdir / "api-demo-release")
    return db


def _tokens(db: Path) -> dict[str, str]:
    from crimestats.govern import tokens
    from crimestats.govern.roles import Role
    from crimestats.storage.store import open_store

    stamp = str(int(time.time()))
    with open_store(db) as con:
        return {
            role.value: tokens.add_user(con, f"bench-{role.value}-{stamp}", role).token
            for role in (Role.ANALYST, Role.STEWARD)
        }


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "crimestats",
        "serve",
        "--db",
        str(db),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--rate",
        "1000000",
        "--burst",
        "1000000",
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(
                f"the server stopped: {server.stderr.read().decode() if server.stderr else ''}"
            )
        try:
            if httpx.get(f"http://{HOST}:{port}/v1/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


def _upload(rows: int, round_: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["incident_id", "reported_date", "occurred_start", "national_label"])
    for n in range(rows):
        writer.writerow([f"B{round_}-{n}", "2024-01-10", "2024-01-09 22:00:00", "Assault"])
    return buffer.getvalue().encode()


def ingest_loop(url: str, token: str, rows: int, stop: Any) -> IngestLoad:
    """Upload files until ``stop``; each replaces the last, so the store stays its size."""
    times, failures = [], 0
    with httpx.Client(
        base_url=url, timeout=600, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        for round_ in itertools.count():
            if stop.is_set():
                break
            started = time.perf_counter()
            answer = client.post(
                "/v1/ingest",
                files={"file": ("bench.csv", _upload(rows, round_), "text/csv")},
                data={"source": "bench_load", "replace": "true"},
            )
            times.append(time.perf_counter() - started)
            failures += answer.status_code != 200
    return IngestLoad(len(times), failures, statistics.fmean(times) if times else None)


class _Connection:
    """One keep-alive HTTP/1.1 connection, spoken by hand.

    Why not httpx here: its async client costs 3 to 6 ms of CPU a request with 50
    connections, more than the server's answer; on two cores the clients then measured
    themselves. This sends a GET and reads the status, headers and ``Content-Length``
    bytes of the answer (the API sends no chunked answers to these GETs), about 0.1 ms.
    """

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        host_port = url.split("://", 1)[1]
        self.host, port = host_port.rsplit(":", 1)
        self.port = int(port)
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, params: dict[str, str]) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        target = path + ("?" + urlencode(params) if params else "")
        self.writer.write(
            f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\n{self.extra}\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def _client(
    connection: _Connection,
    requests: list[tuple[str, dict[str, str]]],
    until: float,
    budget: list[int],
    latencies: list[float],
    errors: list[str],
) -> None:
    try:
        for path, params in itertools.cycle(requests):
            if time.monotonic() >= until or budget[0] <= 0:
                return
            budget[0] -= 1
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(connection.get(path, params), timeout=30)
                if status != 200:
                    errors.append(f"{status} {path}")
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                errors.append(f"{type(exc).__name__} {path}")
                await connection.close()
                connection.writer = None
            latencies.append((time.perf_counter() - started) * 1000)
    finally:
        await connection.close()


async def phase(
    url: str,
    headers: dict[str, str],
    requests: list[tuple[str, dict[str, str]]],
    clients: int,
    seconds: float,
    max_requests: int,
) -> Latency:
    latencies: list[float] = []
    errors: list[str] = []
    budget = [max_requests]
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(
        *(
            _client(
                _Connection(url, headers),
                requests[i % len(requests) :] + requests[: i % len(requests)],
                until,
                budget,
                latencies,
                errors,
            )
            for i in range(clients)
        )
    )
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [float("nan")] * 99
    return Latency(
        requests=len(latencies),
        errors=len(errors),
        error_kinds=tuple(sorted(set(errors))[:10]),
        seconds=round(elapsed, 2),
        per_second=round(len(latencies) / elapsed, 1),
        p50_ms=round(cuts[49], 2),
        p95_ms=round(cuts[94], 2),
        p99_ms=round(cuts[98], 2),
    )


def _cpu_seconds(server: psutil.Process) -> float:
    """User + system CPU time of the server process and its threads so far."""
    times = server.cpu_times()
    return float(times.user + times.system)


def _steward(url: str, token: str, rows: int, stop: Any, out: Any) -> None:
    """The steward's process: uploads until ``stop`` is set, then its figures on ``out``."""
    out.put(ingest_loop(url, token, rows, stop))


def with_ingest(
    url: str, token: str, rows: int, measure: Coroutine[Any, Any, Latency]
) -> tuple[Latency, IngestLoad]:
    """Run ``measure`` while a steward process loads files; both results.

    Why a process of its own: the steward builds each file and sends it with httpx, Python
    work that, in a thread of the clients' process, held its interpreter lock while the
    clients waited to read their answers: their latencies then counted the steward."""
    if rows <= 0:
        return asyncio.run(measure), IngestLoad(0, 0, None)
    context = multiprocessing.get_context("spawn")
    stop, out = context.Event(), context.Queue()
    loader = context.Process(target=_steward, args=(url, token, rows, stop, out))
    loader.start()
    try:
        measured = asyncio.run(measure)
    finally:
        stop.set()
    loads: IngestLoad = out.get(timeout=900)
    loader.join(timeout=60)
    return measured, loads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="per phase (<= 600)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (<= 200)")
    parser.add_argument("--max-requests", type=int, default=1_000_000, help="per phase")
    parser.add_argument("--db", type=Path, help="a store with a recorded release (copied)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(
            os.environ.get("CRIMESTATS_BENCH_DIR", Path(tempfile.gettempdir()) / "crimestats-bench")
        ),
    )
    parser.add_argument("--ingest-rows", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=8, help="the server's threads")
    parser.add_argument("--no-ingest", action="store_true", help="no load meanwhile (a baseline)")
    parser.add_argument(
        "--single-requests", type=int, default=500, help="requests of the one-client phase"
    )
    parser.add_argument(
        "--phases",
        default="single,tables,stats",
        help="which phases to run, comma-separated (the target needs 'tables')",
    )
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 600 or not 0 < args.clients <= 200 or args.max_requests < 1:
        parser.error("--seconds 0-600, --clients 1-200, --max-requests >= 1")
    source = args.db or demo_store(args.workdir)
    run_dir = Path(tempfile.mkdtemp(prefix="crimestats-bench-api-"))
    db = run_dir / "store.duckdb"
    shutil.copy(source, db)
    tokens = _tokens(db)
    port = _free_port()
    url = f"http://{HOST}:{port}"
    server = start_server(db, port, args.workers)
    results: dict[str, object] = {
        "clients": args.clients,
        "seconds": args.seconds,
        "ingest_rows": args.ingest_rows,
        "server_threads": args.workers,
    }
    phases: dict[str, PhaseFigures] = {}
    try:
        tables = httpx.get(f"{url}/v1/releases/latest", timeout=30).json()["tables"]
        table_requests: list[tuple[str, dict[str, str]]] = [
            (f"/v1/releases/latest/tables/{t}", {}) for t in tables
        ]
        stats_requests = [("/v1/stats", q) for q in STATS_QUERIES]
        analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
        process = psutil.Process(server.pid)
        ingest_rows = 0 if args.no_ingest else args.ingest_rows
        wanted = set(args.phases.split(","))
        for name, headers, requests, clients, max_requests, rows in (
            ("single", {}, table_requests, 1, args.single_requests, 0),
            ("tables", {}, table_requests, args.clients, args.max_requests, ingest_rows),
            ("stats", analyst, stats_requests, args.clients, args.max_requests, ingest_rows),
        ):
            if name not in wanted:
                continue
            cpu_before = _cpu_seconds(process)
            client_before = _cpu_seconds(psutil.Process())
            measured, loads = with_ingest(
                url, tokens["steward"], rows,
                phase(url, headers, requests, clients, args.seconds, max_requests),
            )  # fmt: skip
            cpu = _cpu_seconds(process) - cpu_before
            client_cpu = _cpu_seconds(psutil.Process()) - client_before
            done = max(1, measured.requests)
            figures = PhaseFigures(
                measured, round(1000 * cpu / done, 2), round(1000 * client_cpu / done, 2), loads
            )
            phases[name] = figures
            results[name] = figures.to_json()
            print(
                f"{name:>6}: {measured.requests:,} requests, {measured.per_second:,}/s, "
                f"p50 {measured.p50_ms} ms, p95 {measured.p95_ms} ms, "
                f"p99 {measured.p99_ms} ms, errors {measured.errors}, "
                f"server CPU {figures.cpu_ms_per_request} ms/request "
                f"(clients {figures.client_cpu_ms_per_request}); "
                f"ingests meanwhile: {loads.ingests} "
                f"({loads.failed} failed, mean {loads.mean_seconds or 0:.2f} s)"
            )
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(run_dir, ignore_errors=True)
    load_average = [round(x, 2) for x in os.getloadavg()]
    results["load_average"] = load_average
    tables, stats = phases.get("tables"), phases.get("stats")
    met: bool | None = None
    figure = "tables phase not run"
    if tables is not None:
        met = tables.latency.p95_ms < TARGET_P95_MS and tables.latency.errors == 0
        met = met and (stats is None or stats.latency.errors == 0)
        meanwhile = "no ingest" if args.no_ingest else "an ingest running"
        figure = (
            f"p95 {tables.latency.p95_ms} ms, {tables.latency.errors} errors, "
            f"{tables.latency.per_second}/s, {meanwhile}, "
            f"server CPU {tables.cpu_ms_per_request} ms/answer, load average {load_average[0]}"
        )
    results["meets_target"] = met
    target_line(
        "api (issue 16)", figure,
        f"p95 < {TARGET_P95_MS:g} ms on release tables, 50 clients, an ingest, 0 errors", met,
    )  # fmt: skip
    OUT.mkdir(exist_ok=True)
    (OUT / "api.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
