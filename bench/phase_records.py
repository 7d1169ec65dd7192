"""The records the ingest benchmark passes between its phases, its children and its report.

``bench_ingest.py`` runs each phase in a child process and reads its result back as
JSON; ``ingest_floor.py`` adds phases and reads their figures; the report goes to
``bench/out/ingest.json``. These records are declared once here so that a field (its
name, type and JSON key) is not restated by each file that handles it, and so that a
misspelt key is a type error instead of a ``KeyError`` at the end of a long run.

The JSON keys and their order are those the benchmark wrote when it passed dicts around
(``bench/README.md``, ``bench/RESULTS.md``, ``docs/scale.md`` quote them): a field that
was absent is still absent (``None`` here), a field that was ``null`` is still ``null``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

BASELINE, INGEST = "duckdb read_csv", "crimestats ingest"
"""The two phases the measure compares (``bench_ingest.py``); the floors sit beside them."""
EVENT_TABLES = ("incidents", "offences", "victims", "suspects")
"""The store's event tables, whose row counts a floor phase reports."""

JSON = dict[str, Any]
"""A JSON object as ``json.loads`` gives it: the one untyped form, at the boundaries only."""


@dataclass(frozen=True, slots=True)
class IngestCounts:
    """The reconciliation of an ingest: every row read is accepted, quarantined or a copy.

    ``issues`` counts each validation issue code over the file (insertion order as the
    ingest reported them); it is written only when there are any, as before.
    """

    read: int
    accepted: int
    quarantined: int
    duplicates: int
    issues: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> JSON:
        out: JSON = {
            "read": self.read,
            "accepted": self.accepted,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
        }
        if self.issues:
            out["issues"] = dict(self.issues)
        return out

    @classmethod
    def from_json(cls, data: JSON) -> IngestCounts | None:
        if "read" not in data:
            return None
        return cls(
            read=int(data["read"]),
            accepted=int(data["accepted"]),
            quarantined=int(data["quarantined"]),
            duplicates=int(data["duplicates"]),
            issues={str(k): int(v) for k, v in data.get("issues", {}).items()},
        )


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """Rows in each event table of a store: what a floor phase stored."""

    incidents: int
    offences: int
    victims: int
    suspects: int

    def to_json(self) -> JSON:
        return {t: getattr(self, t) for t in EVENT_TABLES}

    @classmethod
    def from_json(cls, data: JSON) -> StoreCounts | None:
        if not all(t in data for t in EVENT_TABLES):
            return None
        return cls(*(int(data[t]) for t in EVENT_TABLES))


@dataclass(frozen=True, slots=True)
class ProcessUse:
    """What the child process of a phase used: its peak and starting RSS, its CPU time.

    ``peak_mb`` includes the interpreter and libraries; ``base_mb`` is the peak before
    the work began, so the difference is the work's own. CPU seconds move less with the
    load of a shared machine than wall seconds do.
    """

    peak_mb: int
    base_mb: int
    cpu_s: float

    @classmethod
    def from_json(cls, data: JSON) -> ProcessUse | None:
        if "peak_mb" not in data:
            return None
        return cls(int(data["peak_mb"]), int(data["base_mb"]), float(data["cpu_s"]))


@dataclass(frozen=True, slots=True)
class DiskUse:
    """The database a phase left (MiB; ``None`` if there is none) and its sampled peak disk."""

    db_mb: float | None
    peak_disk_mb: int


@dataclass(frozen=True, slots=True)
class RunSummary:
    """Every run of a phase repeated by ``best_of``: wall and CPU seconds, load at its start.

    Kept beside the fastest run, which is the one that counts: on a shared machine the
    spread and the load say how far that figure can be trusted.
    """

    runs: tuple[float, ...]
    cpu_runs: tuple[float | None, ...]
    loads: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class PhaseResult:
    """One timed phase, filled in by each step it passes through.

    The phase function gives the work's own figures (``seconds`` and ``rows_loaded``,
    ``counts`` or ``stored`` and ``steps``); its child process adds ``usage``; the parent
    adds ``disk``; ``best_of`` adds ``load`` and ``repeats``; the report adds
    ``rows_per_s`` and rounds ``seconds``. A phase that failed has only ``error`` (and
    ``load``); one not run has only ``skipped``. The same record crosses the process
    boundary as JSON (``to_json`` / ``from_json``).
    """

    phase: str
    seconds: float | None = None
    rows_loaded: int | None = None
    """Rows in the table DuckDB's ``read_csv`` made (the baseline)."""
    counts: IngestCounts | None = None
    """The ingest's reconciliation (the ingest phase)."""
    steps: Mapping[str, float] | None = None
    """A floor's wall and CPU seconds per step (``parse``, ``store``, and their CPU)."""
    stored: StoreCounts | None = None
    """What a floor phase stored."""
    usage: ProcessUse | None = None
    disk: DiskUse | None = None
    load: float | None = None
    """The 1-minute load average when the run began (None: not measured)."""
    repeats: RunSummary | None = None
    rows_per_s: int | None = None
    error: str | None = None
    skipped: str | None = None

    @property
    def wall_s(self) -> float:
        """``seconds`` of a phase that ran; a ``ValueError`` for one that failed or was not run."""
        if self.seconds is None:
            raise ValueError(f"{self.phase}: no time ({self.error or self.skipped})")
        return self.seconds

    def to_json(self) -> JSON:
        """The phase as the benchmark's JSON writes it: absent fields left out."""
        out: JSON = {"phase": self.phase}
        for key in ("error", "skipped", "seconds", "rows_loaded"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.counts is not None:
            out.update(self.counts.to_json())
        if self.steps is not None:
            out["steps"] = dict(self.steps)
        if self.stored is not None:
            out.update(self.stored.to_json())
        if self.usage is not None:
            out.update(peak_mb=self.usage.peak_mb, base_mb=self.usage.base_mb)
            out["cpu_s"] = self.usage.cpu_s
        if self.disk is not None:
            out.update(db_mb=self.disk.db_mb, peak_disk_mb=self.disk.peak_disk_mb)
        if self.load is not None:
            out["load"] = self.load
        if self.repeats is not None:
            out["runs"], out["cpu_runs"] = list(self.repeats.runs), list(self.repeats.cpu_runs)
            out["loads"] = list(self.repeats.loads)
        if self.rows_per_s is not None:
            out["rows_per_s"] = self.rows_per_s
        return out

    @classmethod
    def from_json(cls, data: JSON) -> PhaseResult:
        """The record a child printed (or a report saved): the inverse of ``to_json``."""

        def opt(key: str, kind: type[int] | type[float] | type[str]) -> Any:
            return None if data.get(key) is None else kind(data[key])

        disk = None
        if "peak_disk_mb" in data:
            disk = DiskUse(opt("db_mb", float), int(data["peak_disk_mb"]))
        repeats = None
        if "runs" in data:
            repeats = RunSummary(
                tuple(map(float, data["runs"])),
                tuple(None if x is None else float(x) for x in data["cpu_runs"]),
                tuple(None if x is None else float(x) for x in data["loads"]),
            )
        steps = data.get("steps")
        return cls(
            phase=str(data["phase"]),
            seconds=opt("seconds", float),
            rows_loaded=opt("rows_loaded", int),
            counts=IngestCounts.from_json(data),
            steps=None if steps is None else {str(k): float(v) for k, v in steps.items()},
            stored=StoreCounts.from_json(data),
            usage=ProcessUse.from_json(data),
            disk=disk,
            load=opt("load", float),
            repeats=repeats,
            rows_per_s=opt("rows_per_s", int),
            error=opt("error", str),
            skipped=opt("skipped", str),
        )


@dataclass(frozen=True, slots=True)
class MachineInfo:
    """What the numbers were measured on (``ram_gb`` NaN where the system does not say)."""

    cpu: str
    cores: int | None
    ram_gb: float
    os: str
    python: str
    duckdb: str
    polars: str

    def to_json(self) -> JSON:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def line(self) -> str:
        """The ``machine:`` line the benchmark prints first."""
        return "machine: " + ", ".join(f"{k} {v}" for k, v in self.to_json().items())


@dataclass(frozen=True, slots=True)
class Workload:
    """The workload file's manifest (``generate.py``), less its column list.

    ``generate.generate`` writes the manifest; this is how the benchmark reads it back.
    ``reused``: the file was already there for (rows, seed), so ``seconds`` is the time
    it took when it was generated.
    """

    file: str
    layout: str
    rows: int
    seed: int
    chunk_rows: int
    vocabulary: str
    incidents: int
    duplicates: int
    bad_rows: int
    bad_rows_by_kind: Mapping[str, int]
    seconds: float
    bytes: int
    reused: bool

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any], *, reused: bool) -> Workload:
        return cls(
            file=str(manifest["file"]),
            layout=str(manifest["layout"]),
            rows=int(manifest["rows"]),
            seed=int(manifest["seed"]),
            chunk_rows=int(manifest["chunk_rows"]),
            vocabulary=str(manifest["vocabulary"]),
            incidents=int(manifest["incidents"]),
            duplicates=int(manifest["duplicates"]),
            bad_rows=int(manifest["bad_rows"]),
            bad_rows_by_kind={str(k): int(v) for k, v in manifest["bad_rows_by_kind"].items()},
            seconds=float(manifest["seconds"]),
            bytes=int(manifest["bytes"]),
            reused=reused,
        )

    def to_json(self) -> JSON:
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["bad_rows_by_kind"] = dict(self.bad_rows_by_kind)
        return out


@dataclass(frozen=True, slots=True)
class FloorFigures:
    """A floor beside ``read_csv`` and the ingest, as the report's ``floors`` keeps it.

    ``ratio``: the floor's rate over ``read_csv``'s, the most any ingest doing at least
    that work can reach; ``cpu_ratio`` the same by CPU seconds (None if not measured);
    ``share_of_ingest``: the floor's time over the ingest's (None if the ingest did not run).
    """

    ratio: float
    cpu_ratio: float | None
    seconds_left_at_target: float
    share_of_ingest: float | None = None

    def to_json(self) -> JSON:
        out: JSON = {
            "ratio": self.ratio,
            "cpu_ratio": self.cpu_ratio,
            "seconds_left_at_target": self.seconds_left_at_target,
        }
        if self.share_of_ingest is not None:
            out["share_of_ingest"] = self.share_of_ingest
        return out


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What ``bench_ingest.main`` returns and writes to ``bench/out/ingest.json``.

    ``ratio``: the ingest's rate over ``read_csv``'s (None if either did not run);
    ``meets_peak_target``: the ingest's peak RSS under ``peak_target_mb`` (None if the
    ingest did not run).
    """

    target: float
    ratio: float | None
    memory_cap: str
    peak_target_mb: int
    meets_peak_target: bool | None
    machine: MachineInfo
    workload: Workload
    phases: tuple[PhaseResult, ...]
    floors: Mapping[str, FloorFigures]
    measure: str = "ingest rate / DuckDB read_csv rate"

    @property
    def meets_target(self) -> bool | None:
        return None if self.ratio is None else self.ratio >= self.target

    @property
    def failed(self) -> bool:
        """A phase did not run to the end (its ``error`` says why)."""
        return any(p.error is not None for p in self.phases)

    def to_json(self) -> JSON:
        return {
            "measure": self.measure,
            "target": self.target,
            "ratio": self.ratio,
            "meets_target": self.meets_target,
            "memory_cap": self.memory_cap,
            "peak_target_mb": self.peak_target_mb,
            "meets_peak_target": self.meets_peak_target,
            "machine": self.machine.to_json(),
            "workload": self.workload.to_json(),
            "phases": [p.to_json() for p in self.phases],
            "floors": {name: f.to_json() for name, f in self.floors.items()},
        }
