"""The refusal counter (:mod:`crimestats.serve.refusals`) and the limiter's pruning, on
their own: which refusals become entries, and that every one is accounted for."""

from __future__ import annotations

import json

from crimestats.serve.limits import RateLimiter
from crimestats.serve.refusals import OTHER, Refusal, RefusalLog


def _refusal(client: str, status: int = 404) -> Refusal:
    return Refusal(client, "unknown", "none", "GET", "/v1/x", {"token": "cs_x"}, status, "no")


def test_past_the_burst_refusals_are_counted_then_summarised_once_each() -> None:
    log = RefusalLog(burst=3, rate=1e-9, summary_seconds=3600)
    written = [e for n in range(10) for e in log.entries_for(_refusal("10.0.0.1", 400 + n % 2))]
    actions = [e.action for e in written]
    assert actions == ["refused"] * 3 + ["refused.flood"]  # 3 itemised, one flood mark
    assert all("cs_x" not in e.parameters for e in written)  # secret names dropped
    assert log.summaries() == []  # not due before the interval
    (summary,) = log.summaries(force=True)
    counted = json.loads(summary.parameters)
    assert counted["refused"] == 7  # 10 - 3 itemised
    assert counted["statuses"] == {"400": 3, "401": 4}  # n = 3..9: 400 at 4,6,8; 401 at 3,5,7,9
    # the flood goes on: counted again, and no second flood mark
    assert log.entries_for(_refusal("10.0.0.1")) == []
    assert json.loads(log.summaries(force=True)[0].parameters)["refused"] == 1
    # a quiet interval ends the flood: the next counted refusal marks a new one
    assert log.summaries(force=True) == []
    assert [e.action for e in log.entries_for(_refusal("10.0.0.1"))] == ["refused.flood"]


def test_addresses_past_the_cap_share_one_count() -> None:
    log = RefusalLog(burst=0, rate=1e-9, summary_seconds=0, max_addresses=2)
    for n in range(5):
        log.entries_for(_refusal(f"10.0.0.{n}"))
    clients = {json.loads(e.parameters)["client"]: e for e in log.summaries(force=True)}
    assert sorted(clients) == ["10.0.0.0", "10.0.0.1", OTHER]
    assert json.loads(clients[OTHER].parameters)["refused"] == 3


def test_full_buckets_are_pruned_past_the_key_cap() -> None:
    limiter = RateLimiter(rate_per_second=1e9, burst=2, max_keys=10)
    for n in range(1000):
        assert limiter.wait_needed(f"ip:{n}") == 0.0
    assert len(limiter._buckets) <= 10


def test_spending_empties_a_bucket_without_a_request_passing() -> None:
    failures = RateLimiter(rate_per_second=0.1, burst=2)
    assert failures.waiting("ip:x") == 0.0
    failures.spend("ip:x")
    failures.spend("ip:x")
    failures.spend("ip:x")  # nothing left to take: stays empty, not negative
    assert 9.0 < failures.waiting("ip:x") <= 10.0  # one token back after 10 s
