"""Releases: protected, documented, reproducible folders of the standard tables (issue 5).

>>> from crimestats.release import build_release
>>> result = build_release("crimestats.duckdb", "release/")
>>> result.files[-1]
'MANIFEST.sha256'

See docs/release.md for what a release holds and how it is protected.
"""

from __future__ import annotations

from crimestats.release.build import REPORT, ReleaseResult, build_release
from crimestats.release.config import ReleaseConfig, default_config, load_config, parse_config
from crimestats.release.files import MANIFEST
from crimestats.release.package import DATAPACKAGE, ICCS_VERSION, datapackage
from crimestats.release.tables import (
    STANDARD_TABLES,
    TOTAL_LABEL,
    ProtectedRows,
    TableSpec,
    protect_standard_table,
)

__all__ = [
    "DATAPACKAGE",
    "ICCS_VERSION",
    "MANIFEST",
    "REPORT",
    "STANDARD_TABLES",
    "TOTAL_LABEL",
    "ProtectedRows",
    "ReleaseConfig",
    "ReleaseResult",
    "TableSpec",
    "build_release",
    "datapackage",
    "default_config",
    "load_config",
    "parse_config",
    "protect_standard_table",
]
