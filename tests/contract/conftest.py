"""One Spark session for every contract test (the JVM takes seconds to start)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="package", autouse=True)
def _one_spark_session() -> Iterator[None]:
    """Stop Spark when the package is done, and collect its sockets while warnings are off."""
    yield
    from crimestats.storage.spark import spark_session

    if spark_session.cache_info().currsize:
        spark_session().stop()
        spark_session.cache_clear()
    gc.collect()
