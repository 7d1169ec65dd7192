"""Build a release folder: protected tables, ``datapackage.json``, report and manifest.

Design: one pass, each step handing typed values to the next. (1) The configuration is
parsed once into :class:`~crimestats.release.config_tables.TableSpec` objects whose
:class:`~crimestats.release.method.Method` selects a
:class:`~crimestats.release.protection.Protection`; every option is checked first
(:mod:`crimestats.release.options`). (2) One read of the store gives the lineage and
the history of recorded releases; the store is proven writable. (3) Count once: every
table is counted once over one connection (:func:`~crimestats.release.counted_tables.
count_tables_on`; DP tables get their bounded counts, planned before any noise).
(4) Protect per protocol: each method's protection turns the counted tables into
:class:`~crimestats.release.tables.ProtectedRows` (threshold tables of one unit linked
and audited across units, against earlier releases; DP charged to the ledger). (5)
Write the tables, SDMX, map, ``datapackage.json`` and ``report.html`` (composed from
sections, one per protection that has one) into a staging folder, then the manifest.
(6) Record the release in the store, and (7) move the folder into place. Nothing after
step 3 reads the store again except the map (its points and last release) and the record.

Why: publishing is where confidentiality is won or lost, so a release is built in one
step from the store with disclosure control on by default, carries everything a reader
needs to trust it (units, ICCS version, method, audit, lineage), and is reproducible:
the same store and options give a byte-identical folder (no timestamps unless
``as_of`` is given). Only aggregates leave the store: no narrative, incident id, person
reference or exact date is ever written.

:func:`build_release` is a sequence of steps (configuration, lineage, counting and
protecting each table, differential privacy, writing, datapackage, report, manifest,
recording, publishing) so that a new output is one more step. A release is a
transaction: its files are written into a private staging folder beside the target,
recorded in the store (release, DP spends, withheld cells in one transaction), and only
then moved into place (:mod:`crimestats.release.folder`); a store that cannot be written
refuses the release before any noise is drawn. Differentially private tables
(``method: dp`` in the configuration) are the one exception to byte-identity: OpenDP's
noise cannot be seeded (docs/differential-privacy.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crimestats.errors import SuppressionError, UsageError
from crimestats.release.config import (
    ReleaseConfig,
)
from crimestats.release.counted_tables import count_tables_on
from crimestats.release.files import (
    MANIFEST,
    csv_text,
    json_text,
    manifest_text,
    report_html,
)
from crimestats.release.folder import (
    REPORT,
    SDMX_DIR,
    StagingFolder,
    check_listed,
    check_table_names,
    check_target,
)
from crimestats.release.history import ReleaseHistory, read_history
from crimestats.release.map_history import EarlierMap, earlier_map
from crimestats.release.map_inputs import MapInputs, read_map_inputs
from crimestats.release.options import (
    check_as_of,
    check_methods,
    check_recorded,
    check_seed,
    resolve_config,
)
from crimestats.release.package import DATAPACKAGE, ICCS_VERSION, datapackage, sdmx_resources
from crimestats.release.periods import ReleasePeriods, period_note, release_periods
from crimestats.release.periods import report_section as period_section
from crimestats.release.protection import (
    PROTECTIONS,
    HtmlSection,
    ProtectionInputs,
    ReportSection,
    protection_of,
)
from crimestats.release.recording import check_recordable, record_in_store
from crimestats.release.result import ReleaseResult, publisher_warnings, table_summary
from crimestats.release.tables import ProtectedRows
from crimestats.storage.reads import ibis_store
from crimestats.storage.releases import (
    declared_sources,
    ingest_lineage,
)
from crimestats.storage.store import open_store, resolve_db_path
from crimestats.version import code_version

if TYPE_CHECKING:
    from crimestats.dp import PrivacyLedger
    from crimestats.release.dp_files import DpPackageBlock
    from crimestats.release.dp_tables import DpPlan
    from crimestats.release.maps import MapOutput


def _plan_dp(con: Any, config: ReleaseConfig, sources: list[str]) -> dict[str, DpPlan]:
    """Count every DP table (bounded) and check its public key set; nothing is noised yet,
    so a table that cannot be released stops the release before any budget is spent."""
    if config.dp is None or not config.dp_tables:
        return {}
    from crimestats.release.dp_tables import plan_dp_on

    return {
        t.name: plan_dp_on(
            con, t, privacy_unit=config.dp.privacy_unit, years=config.dp.years, sources=sources
        )
        for t in config.dp_tables
    }


def _ledger(config: ReleaseConfig) -> PrivacyLedger | None:
    """The release's privacy ledger (every DP draw is charged to it first), if DP is used."""
    if config.dp is None or not config.dp_tables:
        return None
    from crimestats.dp import PrivacyLedger

    return PrivacyLedger(config.dp.epsilon, config.dp.privacy_unit)


def _protect(inputs: ProtectionInputs, *, spending: bool = False) -> dict[str, ProtectedRows]:
    """Every table through its method's protection (threshold tables of one unit together,
    against what earlier releases published): those that draw no noise, or (``spending``)
    those that draw noise against the privacy budget."""
    out: dict[str, ProtectedRows] = {}
    for method, protection in PROTECTIONS.items():
        tables = [t for t in inputs.config.tables if t.method is method]
        if tables and protection.spends_budget is spending:
            try:
                out.update(protection.protect(tables, inputs))
            except SuppressionError as error:
                # the privacy layer's fix names its Python options (method='hypercube'),
                # which a release has not got (red-team finding C): one a user can follow
                raise SuppressionError(
                    error.message,
                    hint="release with the threshold and tables of the last recorded "
                    "release (--threshold, --config), or publish fewer or coarser tables",
                ) from error
    return out


def _release_dp(inputs: ProtectionInputs) -> dict[str, ProtectedRows]:
    """The protections that spend privacy budget, last: every step that can refuse the
    release (planning, the exact tables' protection and audits) has run before the first
    draw, and nothing after the draws reads the store but the record."""
    return _protect(inputs, spending=True)


def _write_tables(folder: Path, tables: list[ProtectedRows]) -> list[str]:
    written: list[str] = []
    for table in tables:
        csv_name = f"{table.spec.name}.csv"
        (folder / csv_name).write_text(csv_text(table), encoding="utf-8", newline="")
        parquet_name = f"{table.spec.name}.parquet"
        protection_of(table.method).write_parquet(table, folder / parquet_name)
        written += [csv_name, parquet_name]
    return written


def _write_sdmx(
    folder: Path, tables: list[ProtectedRows], config: ReleaseConfig, as_of: str | None
) -> list[str]:
    """The SDMX structure and data messages, in ``sdmx/`` (docs/sdmx.md)."""
    from crimestats.release.sdmx import write_sdmx

    (folder / SDMX_DIR).mkdir(exist_ok=True)
    names = write_sdmx(folder / SDMX_DIR, tables, agency=config.sdmx.agency, prepared=as_of)
    return [f"{SDMX_DIR}/{name}" for name in names]


def _write_maps(
    inputs: MapInputs | None, folder: Path, config: ReleaseConfig, earlier: EarlierMap | None
) -> MapOutput | None:
    """The geomasked incident map (docs/geographic-masking.md); never a source point. A
    hexagon map is steadied against the last recorded release's (``map_history.py``).
    ``None`` when the release has no map, or no feature to show (no file written)."""
    from crimestats.release.maps import write_maps

    if inputs is None or config.maps.method == "none":
        return None
    maps = write_maps(
        inputs,
        folder,
        h3_resolution=config.maps.h3_resolution,
        min_count=config.maps.min_count,
        method=config.maps.method,
        min_sources=config.maps.min_sources,
        earlier=earlier,
    )
    return maps if maps.files else None


def _report(
    tables: list[ProtectedRows],
    threshold: int,
    as_of: str | None,
    privacy: DpPackageBlock | None,
    maps: MapOutput | None = None,
    periods: HtmlSection | None = None,
) -> str:
    """``report.html``: the page, each protection's own section in method order, then the
    periods (the window and the partial periods, :mod:`crimestats.release.periods`)."""
    sections: list[ReportSection] = []
    for method, protection in PROTECTIONS.items():
        section = protection.report_section([t for t in tables if t.method is method], privacy)
        if section is not None:
            sections.append(section)
    if periods is not None:
        sections.append(periods)
    return report_html(
        tables,
        threshold=threshold,
        code_version=code_version(),
        as_of=as_of,
        maps=maps,
        sections=sections,
    )


def build_release(
    db: str | os.PathLike[str] | None,
    out: str | os.PathLike[str],
    *,
    threshold: int | None = None,
    as_of: str | None = None,
    force: bool = False,
    record: bool = True,
    config: ReleaseConfig | None = None,
    seed: int | None = None,
) -> ReleaseResult:
    """Write a protected, reproducible release into ``out``.

    Parameters
    ----------
    db : path, optional
        The store (default ``$CRIMESTATS_DB`` or ``./crimestats.duckdb``); must exist.
    out : path
        The release folder: created (moved into place) at the end; refused if not empty
        unless ``force``.
    threshold : int, optional
        Counts ``1..threshold`` are withheld (and enough others to protect them);
        overrides the configuration's ``threshold`` (default 3).
    as_of : str, optional
        An ISO date or date-time written as ``created`` into ``datapackage.json``; without
        it the folder has no timestamp at all (two builds are byte-identical).
    force : bool
        Replace an old release in ``out`` whole (every old file goes; a folder that is
        not a release is refused).
    record : bool
        Also add a row to the store's ``releases`` table, and the spends of DP tables to
        ``privacy_ledger``, before the folder is published; the store is proven writable
        first. A release with DP tables is refused without it.
    config : ReleaseConfig, optional
        Tables, methods and DP budget (:func:`crimestats.release.config.load_config`);
        default: the three standard tables under the threshold rule.
    seed : int, optional
        Seed for the release's random steps; recorded. OpenDP noise cannot be seeded.
    """
    # 1. configuration and options, checked before anything is read or written
    config = resolve_config(config, threshold)
    threshold = config.threshold
    stamp = check_as_of(as_of)
    seed = check_seed(seed)
    check_table_names([t.name for t in config.tables], where=config.source)
    check_recorded(config, record)
    target = Path(out).resolve()  # "." and ".." resolved: the folder has a name
    path = resolve_db_path(db)
    check_target(target, force=force, store=path)
    # 2. lineage and the public sources, from the store (read-only); the store proven
    #    writable now, before any noise, when the release is to be recorded
    with open_store(path, read_only=True) as con:
        lineage = ingest_lineage(con)
        sources = declared_sources(con)
        history = read_history(con, config)
        earlier_hexagons = earlier_map(con, "map_h3.csv") if config.maps.method == "h3" else None
        map_inputs = (
            None
            if config.maps.method == "none"
            else read_map_inputs(con, method=config.maps.method)
        )
    if record:
        check_recordable(path)
    with StagingFolder(target, force=force) as staging:
        return _build(
            staging, path, config, sources, lineage, history, earlier_hexagons, map_inputs,
            as_of=as_of, stamp=stamp, seed=seed, record=record,
        )  # fmt: skip


def _build(
    staging: StagingFolder,
    path: Path,
    config: ReleaseConfig,
    sources: list[str],
    lineage: list[dict[str, object]],
    history: ReleaseHistory,
    earlier_hexagons: EarlierMap | None,
    map_inputs: MapInputs | None,
    *,
    as_of: str | None,
    stamp: datetime | None,
    seed: int | None,
    record: bool,
) -> ReleaseResult:
    """Steps 3 to 6 of :func:`build_release`, inside the staging folder."""
    threshold = config.threshold
    folder = staging.path
    # 3. count and protect: threshold and rounding tables, then DP tables (planned first,
    #    so a DP table that cannot be released stops the release before any noise)
    forced, earlier = history.forced, history.earlier
    with ibis_store(path) as con:  # the one connection every table is counted on
        periods = release_periods(con, config)  # the window, minus partial periods
        plans = _plan_dp(periods.dp_store(con), config, sources)
        exact = [t for t in config.tables if t.name not in plans]
        periods.check_not_all_left_out(con, len(exact))
        counted = count_tables_on(periods.exact_store(con), exact, store=str(path))
    if map_inputs is not None:  # the map draws only the years the tables count
        kept = tuple(g for g in map_inputs.groups if periods.map_keeps(g.source, g.year))
        map_inputs = dataclasses.replace(map_inputs, groups=kept)
    ledger = _ledger(config)
    inputs = ProtectionInputs(config, counted, forced, earlier, plans, ledger)
    check_methods(config)
    protected = _protect(inputs)
    protected.update(_release_dp(inputs))
    tables = _with_period([protected[t.name] for t in config.tables], periods, config)
    privacy = None
    if ledger is not None:
        from crimestats.release.dp_files import dp_package_block

        privacy = dp_package_block(config, ledger, [t for t in tables if t.spec.name in plans])
    # 4. write tables, datapackage.json, report.html, then the manifest over them all
    try:
        written = _write_tables(folder, tables)
        sdmx_files = _write_sdmx(folder, tables, config, as_of)
        maps = _write_maps(map_inputs, folder, config, earlier_hexagons)
        written += sdmx_files + ([] if maps is None else maps.files)
        package = datapackage(
            tables, threshold=threshold, lineage=lineage, as_of=as_of, privacy=privacy, seed=seed
        )
        package["resources"] += sdmx_resources(sdmx_files)
        if maps is not None:
            package["resources"] += maps.resources
            package["crimestats"]["geographic_masking"] = maps.metadata
        (folder / DATAPACKAGE).write_text(json_text(package), encoding="utf-8", newline="")
        html = _report(
            tables, threshold, as_of, privacy, maps,
            period_section(periods, config),
        )  # fmt: skip
        (folder / REPORT).write_text(html, encoding="utf-8", newline="")
        written += [DATAPACKAGE, REPORT]
        manifest = manifest_text(folder, written)
        (folder / MANIFEST).write_text(manifest, encoding="utf-8", newline="")
        check_listed(folder, [*written, MANIFEST])
    except OSError as exc:
        raise UsageError(
            f"cannot write the release into {staging.target}: {exc.strerror or exc}",
            hint="check the free space and that you may write there",
        ) from exc

    release_id = hashlib.sha256(manifest.encode("utf-8")).hexdigest()[:16]
    # 5. record the release (and its privacy spends, in the same transaction), then
    # 6. publish: the staging folder becomes the target in one rename
    if record:
        record_in_store(
            path, staging.target, release_id, manifest, config, as_of, stamp, seed, tables
        )
    staging.publish(recorded=release_id if record else None)
    return ReleaseResult(
        directory=staging.target,
        files=[*sorted(written), MANIFEST],
        manifest=manifest,
        release_id=release_id,
        tables={t.spec.name: table_summary(t) for t in tables},
        recorded=record,
        privacy=None if ledger is None else ledger.to_dict(),
        seed=seed,
        warnings=publisher_warnings(tables) + periods.warnings(),
        summary_lines=[protection_of(t.method).summary_line(t) for t in tables],
    )


def _with_period(
    tables: list[ProtectedRows], periods: ReleasePeriods, config: ReleaseConfig
) -> list[ProtectedRows]:
    """Every table's notes with the release's period (its window, its partial periods)."""
    note = period_note(periods, config)
    if note is None:
        return tables
    return [dataclasses.replace(t, notes=dataclasses.replace(t.notes, period=note)) for t in tables]


__all__ = ["DATAPACKAGE", "ICCS_VERSION", "REPORT", "ReleaseResult", "build_release"]
