"""A refusal's audit entries record the same parameters, byte for byte, now that a
refused entry's parameters are the :class:`Refusal` itself (less user and role) and the
flood mark and summary are TypedDicts. The expected texts are written by hand: the
canonical JSON of the documented keys, sorted, without spaces (docs/governance.md)."""

from __future__ import annotations

from crimestats.serve.refusals import Refusal, RefusalLog


def test_itemised_flood_and_summary_parameters_are_as_before() -> None:
    log = RefusalLog(burst=1, rate=0.0001, summary_seconds=60.0)
    refusal = Refusal("10.0.0.1", "ana", "analyst", "GET", "/v1/x", {"q": "a"}, 404, "no")
    (itemised,) = log.entries_for(refusal)
    assert (itemised.user_name, itemised.role, itemised.action) == ("ana", "analyst", "refused")
    assert itemised.parameters == (
        '{"client":"10.0.0.1","method":"GET","path":"/v1/x","query":{"q":"a"},'
        '"reason":"no","status":404}'
    )
    (flood,) = log.entries_for(refusal)
    assert flood.action == "refused.flood"
    assert flood.parameters.startswith('{"client":"10.0.0.1","first":"')
    assert flood.parameters.endswith('","summary_every_seconds":60.0}')
    (summary,) = log.summaries(force=True)
    assert summary.action == "refused.summary"
    assert summary.parameters.startswith('{"client":"10.0.0.1","first":"')
    assert '"refused":1,"statuses":{"404":1}}' in summary.parameters
