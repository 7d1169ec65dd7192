"""Per-caller rate limits: a token bucket each, answered with 429 and ``Retry-After``.

Why a bucket: it lets a dashboard load its dozen charts at once (the burst) while a
script that hammers the API is slowed to the steady rate. Public callers are counted
by client address, everyone else by token, so one analyst cannot starve another.
Failed token checks have buckets of their own, by client address
(:mod:`crimestats.serve.auth`): spent by each wrong token, checked before any token is.

Why the buckets are pruned: keys come from client addresses, which a flood can vary; a
bucket that has refilled to its burst says nothing a new one would not, so once there
are ``max_keys`` of them the full ones are dropped.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """Token buckets by caller key; thread-safe."""

    def __init__(self, rate_per_second: float, burst: int, max_keys: int = 10_000) -> None:
        self.rate = rate_per_second
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def _refilled(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        return bucket

    def _prune(self, now: float) -> None:
        full = [
            k for k, b in self._buckets.items()
            if b.tokens + (now - b.stamp) * self.rate >= self.burst
        ]  # fmt: skip
        for key in full:
            del self._buckets[key]

    def wait_needed(self, key: str) -> float:
        """Seconds the caller must wait before this request (0.0: go ahead, and counted)."""
        with self._lock:
            bucket = self._refilled(key, time.monotonic())
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def waiting(self, key: str) -> float:
        """Seconds until ``key`` has a token again (0.0: it has one), spending nothing."""
        with self._lock:
            bucket = self._refilled(key, time.monotonic())
            return 0.0 if bucket.tokens >= 1.0 else (1.0 - bucket.tokens) / self.rate

    def spend(self, key: str) -> None:
        """Take one token from ``key`` (none left: nothing more to take)."""
        with self._lock:
            bucket = self._refilled(key, time.monotonic())
            bucket.tokens = max(0.0, bucket.tokens - 1.0)

    @staticmethod
    def retry_after(wait: float) -> str:
        """The ``Retry-After`` header value: whole seconds, at least 1."""
        return str(max(1, math.ceil(wait)))
