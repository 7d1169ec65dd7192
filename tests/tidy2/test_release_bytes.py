"""Every byte a release writes is pinned: a restructuring of ``crimestats.release`` must
not move one.

The expected SHA-256 digests below were recorded by running this same test (with
``CRIMESTATS_RECORD_RELEASE_BYTES=1`` and ``-s``, which prints them) on the unchanged
code of main at 8e5b04c and again at b17584f (the same digests), before the release
package was split into smaller modules and its JSON documents typed. Three
configurations cover the package's paths: the standard release of the demo store
recorded twice (the second, at threshold 2, carries the first's withheld cells forward
and steadies its hexagon map against it), a configured release of linked tables of
three counting units (cross-unit audit, snap map, another SDMX agency), and a
controlled-rounding release without a map. No release writes a timestamp but
``as_of``, which is fixed here.

Some bytes depend on library versions, not on crimestats: the Parquet writer names the
pyarrow version, and the crimestats and h3 versions are written into the metadata. So
every file is hashed with those version strings masked, and the files whose bytes a
library's own encoder writes (Parquet, SDMX-ML, the manifest that hashes them) are
checked only on the library versions they were recorded with (:data:`RECORDED_WITH`);
the others (CSV, SDMX-CSV, ``datapackage.json``, ``report.html``, the maps) always.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from crimestats.release import build_release, default_config, parse_config
from crimestats.version import code_version

AS_OF = "2024-06-30"
RECORD = os.environ.get("CRIMESTATS_RECORD_RELEASE_BYTES") == "1"

LINKED_UNITS: dict[str, Any] = {
    "threshold": 4,
    "tables": [
        {"name": "incidents_by_source_year", "unit": "incidents", "by": ["source", "year"]},
        {"name": "incidents_by_source_l1", "unit": "incidents", "by": ["source", "iccs_l1"]},
        {"name": "offences_by_source_year", "unit": "offences", "by": ["source", "year"]},
        {"name": "offences_by_source_l1", "unit": "offences", "by": ["source", "iccs_l1"]},
        {"name": "victims_by_source_sex", "unit": "victims", "by": ["source", "victim_sex"]},
    ],
    "sdmx": {"agency": "TIDY2"},
    "maps": {"method": "snap", "min_count": 12, "min_sources": 8},
}
ROUNDED: dict[str, Any] = {
    "tables": [
        {
            "name": "offences_rounded",
            "unit": "offences",
            "by": ["source", "iccs_l1"],
            "method": "rounding",
            "base": 5,
        }
    ],
    "maps": {"method": "none"},
}

LIBRARIES = ("pyarrow", "pysdmx", "h3")
RECORDED_WITH: dict[str, str] = {"pyarrow": "25.0.1", "pysdmx": "1.21.0", "h3": "4.5.0"}
"""The versions of the libraries whose encoders write the version-bound files, when the
digests were recorded."""
VERSION_BOUND = (".parquet", ".xml", "MANIFEST.sha256")

STANDARD: dict[str, str] = {
    "MANIFEST.sha256": ("d25641566e2ac7538365b74801ec0101021728910f081dc63d34046864fd151f"),
    "datapackage.json": ("e27344a355cfbba57da3540a9e7b54b7e72f341ba683de7055cca4865380d27e"),
    "incidents_by_source_year.csv": (
        "64950a8ce353534564df9956f5107cf1aba7a7f4a84986aa4ccd3851273bff5e"
    ),
    "incidents_by_source_year.parquet": (
        "1bcc8f38872e1d173d1784438da88cfdecda8fa56e9897fbf4881f8c63169741"
    ),
    "map_h3.csv": ("b3cd3540368193725f0d304ef1c4c6c00816dd1a1aecf4ed58bb41491b33aff4"),
    "map_h3.geojson": ("3adc22b33fd24fefaf35a51a84cbd991f5f4bd8cf3964613930462e2f6b7421e"),
    "offences_by_source_iccs_l2.csv": (
        "c86e0ff3bcc92b9e3dc8d0237a9902b7f7ea12a53aed2202b8e4ab6db30a8a1c"
    ),
    "offences_by_source_iccs_l2.parquet": (
        "2fe3041426486f52507f2d6eefaa9a3a83feb80d41c7d0d7e19121a35004ff01"
    ),
    "report.html": ("454f8f747394b41e577988dddfe0f03b8ff63720d7d16409488dcd563bbe338b"),
    "sdmx/incidents_by_source_year.sdmx.csv": (
        "cec76366d0f6d7caa22adf2694862dab448a2699738d7b92bbf7843ac0b2e6e5"
    ),
    "sdmx/incidents_by_source_year.sdmx.xml": (
        "7f5afdb45fc39a51df2ea8924a3410cded94bd6e982dbe7de02aa8f318f786c5"
    ),
    "sdmx/offences_by_source_iccs_l2.sdmx.csv": (
        "4682e124d9e422f0bc9345aef0d074fc17df5f33eaef5f9893897acdd5fad95c"
    ),
    "sdmx/offences_by_source_iccs_l2.sdmx.xml": (
        "0d8e16c4edb2526d98de8e2ffbd0d54e1ecd7456e9fa57ab4ecb944acbcd2cfb"
    ),
    "sdmx/sdmx-structure.xml": ("ee066b3c86690f00c90cc9feb77c7a01d3a3c5519d7b849ec9b619ada9138286"),
    "sdmx/victims_by_source_sex_age_group.sdmx.csv": (
        "368177998df809b4fc63e7b2f6f8f920839cd1c8184fc8d5c97add900290da74"
    ),
    "sdmx/victims_by_source_sex_age_group.sdmx.xml": (
        "09925b82df564aae8aba1654e9ebdb079c6eee379093af76b954bd3873a0c7ee"
    ),
    "victims_by_source_sex_age_group.csv": (
        "237ef82322fe4a2658d0e4ea30a3f23dd662e4dd90f303d1d9dda8bfc0e371ae"
    ),
    "victims_by_source_sex_age_group.parquet": (
        "4b16eadc38c6035a88e7d6ece904567ecf5d603e8ae70eed81b26a32c8e4e01f"
    ),
}
"""The standard release of the demo store (the first build, threshold 3)."""

EXPECTED: dict[str, dict[str, str]] = {
    "standard_1": STANDARD,
    # recorded again at threshold 2: the tables are the same (the cells withheld at 3
    # are carried forward); only the metadata, the report and the manifest say 2
    "standard_2": {
        **STANDARD,
        "MANIFEST.sha256": ("5bd7b78237aa6433b4bed8b09991763abc693ee7ac4cb77b4789734f7f321373"),
        "datapackage.json": ("bcb099de9fffe7b3370c3db9a278bacc19a0f86d2165760dc44207efa271f510"),
        "report.html": ("5ad97a4570c5a382fa7bc529297eeb83e3ee754783bbb75b8cafa182a0a5c5a3"),
    },
    "linked": {
        "MANIFEST.sha256": ("478295928de5350455959de0492526481fc591a468906c8253d26f0ecb507567"),
        "datapackage.json": ("72cad67a78e08ef5e669735b80818face037dceb57af3bc810f9ee890d007fcd"),
        "incidents_by_source_l1.csv": (
            "f6facd17162bbc2c47dfdcf6e0d86bed8ee04507fc2e15300374760009325327"
        ),
        "incidents_by_source_l1.parquet": (
            "bdd24897f8482595a8d0870ea093983ab828531af3f88a1e0131d57cf70069de"
        ),
        "incidents_by_source_year.csv": (
            "64950a8ce353534564df9956f5107cf1aba7a7f4a84986aa4ccd3851273bff5e"
        ),
        "incidents_by_source_year.parquet": (
            "1bcc8f38872e1d173d1784438da88cfdecda8fa56e9897fbf4881f8c63169741"
        ),
        "map_snap.csv": ("f21096b3c42bbb301a0b1d2cd6b894a16cc6185c4285f4c25f66f0233525508d"),
        "map_snap.geojson": ("dd5d3176c8f3e3fd44b1c30b9d6f4aab4e64d6cc61e30e9975cf7786c74bb43c"),
        "offences_by_source_l1.csv": (
            "f6facd17162bbc2c47dfdcf6e0d86bed8ee04507fc2e15300374760009325327"
        ),
        "offences_by_source_l1.parquet": (
            "bdd24897f8482595a8d0870ea093983ab828531af3f88a1e0131d57cf70069de"
        ),
        "offences_by_source_year.csv": (
            "64950a8ce353534564df9956f5107cf1aba7a7f4a84986aa4ccd3851273bff5e"
        ),
        "offences_by_source_year.parquet": (
            "1bcc8f38872e1d173d1784438da88cfdecda8fa56e9897fbf4881f8c63169741"
        ),
        "report.html": ("7293617533f8193b4f99ccf83d613b6ad7282fc87c4a0cff43a66ee35d29b975"),
        "sdmx/incidents_by_source_l1.sdmx.csv": (
            "b1ecb88dc5a5a055f7a1078b66edaef8fb99225d9fcf1a9819a487a60d510659"
        ),
        "sdmx/incidents_by_source_l1.sdmx.xml": (
            "71de6ca71e77ff5fd71e05e2a0d07460a08df14aec4191285f7a128ba044ae6f"
        ),
        "sdmx/incidents_by_source_year.sdmx.csv": (
            "0a59f26945c6b5de2c5456dd6b07ddc4afb6509a4886dccd535c5bd2d6274265"
        ),
        "sdmx/incidents_by_source_year.sdmx.xml": (
            "23abd2a60e749466cfb22879a060b5b5ca7451838787ab9b018af1c86c096033"
        ),
        "sdmx/offences_by_source_l1.sdmx.csv": (
            "9dc8ffe68d9cc6a7c43162c2580d931b2ea904d2ec38157146920c6959cb690a"
        ),
        "sdmx/offences_by_source_l1.sdmx.xml": (
            "8592960b225e4fef2949b6ffda88689b4ed777aa4cae39aa377130bcb699b27a"
        ),
        "sdmx/offences_by_source_year.sdmx.csv": (
            "449bbde44eca5f80ece2a874024fd55fbf5dea9c251d0f1769620223b9371c98"
        ),
        "sdmx/offences_by_source_year.sdmx.xml": (
            "cf5063511e3e8f6eb157d66568542a8ffbd61ef39f109771bb8599afdaf56fb5"
        ),
        "sdmx/sdmx-structure.xml": (
            "b2acd237fbe4a4f38d0ba3356bf447e9f377dd971b8b0aeceeeee5fa4153af15"
        ),
        "sdmx/victims_by_source_sex.sdmx.csv": (
            "3a16a3843ea36a356dd8a96a7746acbe8bcdd80863ca21f108f072244ed22b27"
        ),
        "sdmx/victims_by_source_sex.sdmx.xml": (
            "56d58cf33b2c6181efdd165441fe8ad1844fc77e55e31a9bf38c8ebcf5390332"
        ),
        "victims_by_source_sex.csv": (
            "61d86992ae19f91361cdde05f2719b377042cfbbed539cd99d3ae4cddb86641f"
        ),
        "victims_by_source_sex.parquet": (
            "9878bc1a8a9a5966975225149fa8d643cc1b82d173eaeec33c515a91acba5c08"
        ),
    },
    "rounded": {
        "MANIFEST.sha256": ("1886679541bddc696ccab2312dce38b3090737ca34dc266cd6279b626e0ab666"),
        "datapackage.json": ("cce092bde92c999eedaa027b9b8159a44b256f68500908ca2c644f08fc64cfce"),
        "offences_rounded.csv": (
            "27e912b447c4dda5e352bd2da17035335e22dcf60905b18e750b55ec3706f9c0"
        ),
        "offences_rounded.parquet": (
            "d0ce535f20196e872d9b1d13bbf6a1aa623b30b6ef6358d65cd4f7a844f4091d"
        ),
        "report.html": ("33024c82be3410980eebefc568703bd5ea0822c2c9e000d6204c57398904031e"),
        "sdmx/offences_rounded.sdmx.csv": (
            "3450b29718d5e6c9d219c4bdf85bf22d0a8065357da509b7245c77cfaf7bd364"
        ),
        "sdmx/offences_rounded.sdmx.xml": (
            "55eb9b6f88f6d939e6458eb7b4cdf4d3dc7a46eb8e4d79bd3acd95d67e9ba0e1"
        ),
        "sdmx/sdmx-structure.xml": (
            "ba25e4dee838cc75802f5d7be88230d018b3d8f231b9c2328e94f68f62241615"
        ),
    },
}


def _versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in LIBRARIES}


def _masked(data: bytes) -> bytes:
    """The bytes with the crimestats and library version strings blanked."""
    for version in (code_version(), *_versions().values()):
        data = data.replace(version.encode("utf-8"), b"<version>")
    return data


def _digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(_masked(path.read_bytes())).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def releases(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four release folders, built on a copy of the demo store (two are recorded)."""
    work = tmp_path_factory.mktemp("tidy2_bytes")
    store = work / "demo.duckdb"
    shutil.copyfile(demo_db, store)
    first = build_release(store, work / "standard_1", as_of=AS_OF, seed=7).directory
    second = build_release(store, work / "standard_2", as_of=AS_OF, threshold=2).directory
    linked = build_release(
        store, work / "linked", as_of=AS_OF, config=parse_config(LINKED_UNITS), record=False
    ).directory
    rounded = build_release(
        store, work / "rounded", as_of=AS_OF, config=parse_config(ROUNDED), record=False
    ).directory
    return {"standard_1": first, "standard_2": second, "linked": linked, "rounded": rounded}


@pytest.mark.parametrize("name", ["standard_1", "standard_2", "linked", "rounded"])
def test_release_bytes_are_unchanged(releases: dict[str, Path], name: str) -> None:
    got = _digests(releases[name])
    if RECORD:
        print(f"RECORDED_WITH = {_versions()}\n{name!r}: {got},")
    expected = EXPECTED[name]
    assert sorted(got) == sorted(expected), "the release's list of files changed"
    same_libraries = _versions() == RECORDED_WITH
    checked = [f for f in expected if same_libraries or not f.endswith(VERSION_BOUND)]
    assert len(checked) >= 8
    changed = [f for f in checked if got[f] != expected[f]]
    assert changed == [], f"{name}: these files' bytes changed"


def test_two_builds_are_byte_identical(demo_db: Path, tmp_path: Path) -> None:
    """Independent of any recorded digest: the same store and options, the same bytes."""
    config = default_config()
    one = build_release(demo_db, tmp_path / "a", as_of=AS_OF, config=config, record=False)
    two = build_release(demo_db, tmp_path / "b", as_of=AS_OF, config=config, record=False)
    assert one.manifest == two.manifest
    a, b = _digests(one.directory), _digests(two.directory)
    assert a == b
    assert len(a) > 10
