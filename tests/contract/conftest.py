"""One Spark session for every contract test (the JVM takes seconds to start), and the
warnings PySpark raises inside itself let through for these tests only."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

# PySpark's own pandas/Arrow glue and py4j sockets raise deprecation and resource
# warnings inside the library; they say nothing about crimestats, so only here they pass.
SPARK_WARNINGS = (
    "ignore::DeprecationWarning",
    "ignore::FutureWarning",
    "ignore::ResourceWarning",
    "ignore::UserWarning",
    "ignore::pytest.PytestUnraisableExceptionWarning",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder runs with :data:`SPARK_WARNINGS` ignored."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            for spec in SPARK_WARNINGS:
                item.add_marker(pytest.mark.filterwarnings(spec))


@pytest.fixture(scope="package", autouse=True)
def _one_spark_session() -> Iterator[None]:
    """Stop Spark when the package is done, and collect its sockets while warnings are off."""
    yield
    from crimestats.storage.spark import spark_session

    if spark_session.cache_info().currsize:
        spark_session().stop()
        spark_session.cache_clear()
    gc.collect()
