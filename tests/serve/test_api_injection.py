"""SQL and path injection through every parameter of every endpoint, and what the public
page may hold (issue 16 items 6-7).

The endpoints and their parameters are read from the server's own OpenAPI description,
so an endpoint added later is attacked too. Nothing may answer 500, echo an engine
error, or change the store; the public page's chart data may hold no count of 1 to 3
and no record-level field.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from tests.serve.conftest import Served

from crimestats.govern.roles import Role

ATTACKS = (
    "'; DROP TABLE incidents; --",
    "1 OR 1=1",
    '" OR ""="',
    "../../../../etc/passwd",
    "..%2f..%2fstore.duckdb",
    "/etc/passwd",
    "x\x00y",
    "source) UNION SELECT incident_id FROM incidents --",
    "ｓｏｕｒｃｅ",
    "9" * 400,
)
RECORD_LEVEL = {"incident_id", "person_id", "lat", "lon", "latitude", "longitude",
                "reported_date", "occurred_start", "occurred_date", "narrative"}  # fmt: skip
PATH_VALUES = {"release_id": "latest", "table": "incidents_by_source_year",
               "code": "0501", "name": "datapackage.json"}  # fmt: skip
_BENIGN = {"by": "source"}


def _counts(served: Served) -> dict[str, int]:
    with served.client(Role.ANALYST) as client:
        rows = client.get("/v1/stats", params={"by": "source"}).json()["rows"]
    return {r["source"]: r["count"] for r in rows}


def _targets(served: Served) -> list[tuple[str, str, str, str]]:
    """(method, path template, parameter, where) for every parameter of every endpoint."""
    with served.client() as client:
        spec = client.get("/openapi.json").json()
    out = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                out.append((method, path, parameter["name"], parameter["in"]))
    return out


def _url(template: str, attacked: str | None = None, value: str = "") -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        return quote(value, safe="") if name == attacked else PATH_VALUES.get(name, "x")

    return re.sub(r"\{([^}]+)\}", fill, template)


def test_every_parameter_resists_injection(served: Served) -> None:
    before = _counts(served)
    targets = _targets(served)
    assert len(targets) >= 20
    tried = 0
    with served.client(Role.ADMIN) as client:
        for method, template, name, where in targets:
            for attack in ATTACKS:
                if where == "path":
                    url, params = _url(template, name, attack), {}
                else:
                    url, params = _url(template), {**_BENIGN, name: attack}
                answer = client.request(method.upper(), url, params=params)
                tried += 1
                assert answer.status_code < 500, (method, url, name, attack, answer.text)
                assert "Traceback" not in answer.text
                assert "Binder Error" not in answer.text
                assert "Parser Error" not in answer.text
                if answer.status_code == 200 and "passwd" in attack:
                    assert "root:" not in answer.text
    assert tried >= 200
    assert _counts(served) == before


@pytest.mark.parametrize(
    "path",
    ["/static/../serve/app.py", "/static/..%2fapp.py", "/static/%2e%2e/%2e%2e/store.duckdb",
     "/static/vendor/../../pages/routes.py", "/static//etc/passwd", "/static/"],
)  # fmt: skip
def test_static_files_stay_in_their_folder(served: Served, path: str) -> None:
    with served.client() as client:
        answer = client.get(path)
    assert answer.status_code == 404
    assert b"import" not in answer.content
    assert b"DUCK" not in answer.content


def _walk(value: Any, keys: set[str], counts: list[Any]) -> None:
    if isinstance(value, dict):
        keys.update(value)
        if "count" in value:
            counts.append(value["count"])
        for item in value.values():
            _walk(item, keys, counts)
    elif isinstance(value, list):
        for item in value:
            _walk(item, keys, counts)


def test_the_public_page_holds_no_withheld_count_nor_record(served: Served) -> None:
    with served.client() as client:
        answer = client.get("/")
    assert answer.status_code == 200
    specs = re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', answer.text)
    assert len(specs) >= 3
    keys: set[str] = set()
    counts: list[Any] = []
    for text in specs:
        _walk(json.loads(text.replace("<\\/", "</")), keys, counts)
    assert counts
    assert all(c is None or c == 0 or c > 3 for c in counts), counts
    assert not RECORD_LEVEL & keys, RECORD_LEVEL & keys
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    assert "<script>" not in answer.text  # nothing inline: the CSP would refuse it


def test_dashboard_pages_hold_no_data_without_a_token(served: Served) -> None:
    with served.client() as client:
        for view in ("/analyst", "/steward"):
            answer = client.get(view)
            assert answer.status_code == 200
            assert 'type="application/json"' not in answer.text
            assert "chicago" not in answer.text
