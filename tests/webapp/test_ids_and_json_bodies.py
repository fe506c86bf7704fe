"""Ids out of range and JSON bodies that are not objects are the client's mistake: a 4xx with the usual
error shape, never a 500, on every route (one mechanism: a bounded int converter registered app-wide and a
check of JSON bodies and id parameters before any view runs). PostgreSQL's INTEGER ends at 2^31 - 1 and
SQLite's at 2^63 - 1: both sides of each are tried."""

from __future__ import annotations

import re

import pytest

from tests.webapp.base_builders import bearer_headers, make_user
from tests.webapp.cert_builders import qualify, world
from tests.webapp.test_api_contract import is_json_error

HUGE = [2**31, 2**63, 2**64 + 7]


@pytest.fixture
def w(db, clock):
    out = world(db, clock)
    make_user(db, out["org"], "admin1", ("admin",))
    db.commit()
    return out


def _concrete(rule: str, value: int) -> str:
    return re.sub(r"<int:[a-z_]+>", str(value), re.sub(r"<(?:string:)?[a-z_]+>", "x", rule))


@pytest.mark.parametrize("value", HUGE)
def test_an_integer_in_any_path_beyond_the_database_range_is_a_404(app, client, w, value):
    client.sign_in("admin1")
    rules = [r for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert len(rules) > 20
    for rule in rules:
        url = _concrete(rule.rule, value)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            r = client.open(url, method=method, json={} if method != "GET" else None)
            assert r.status_code == 404, f"{method} {url}: {r.status_code}"
            if url.startswith("/api/"):
                is_json_error(r, 404)


def test_a_path_id_at_the_edge_of_the_range_is_looked_up(client, w):
    client.sign_in("admin1")
    is_json_error(client.get(f"/api/v1/inspections/{2**31 - 1}"), 404)


@pytest.mark.parametrize("value", [2**31, 2**63, -(2**63) - 1])
def test_an_id_in_a_json_body_beyond_the_database_range_is_a_400(app, client, w, value):
    headers = bearer_headers(app, "w1")
    r = client.post("/api/v1/attempts", json={"exam_id": value}, headers=headers)
    error = is_json_error(r, 400, "bad_request")
    assert "exam_id" in error["message"]
    r = client.post(
        "/api/v1/inspections", json={"department_id": value}, headers=bearer_headers(app, "insp1")
    )
    assert "department_id" in is_json_error(r, 400, "bad_request")["message"]


def test_an_id_in_the_query_string_beyond_the_range_is_a_400(client, w):
    client.sign_in("admin1")
    r = client.get(f"/api/v1/certificates?person_id={2**63}")
    assert r.status_code == 400


def test_a_json_body_that_is_not_an_object_is_a_400_on_every_json_endpoint(app, client, w):
    headers = bearer_headers(app, "admin1")
    writes = [
        (r.rule, m)
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/")
        for m in sorted((r.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"})
    ]
    assert len(writes) >= 8
    for rule, method in writes:
        url = _concrete(rule, 1)
        for body in (["x"], "x", 3, False, [{"reason": "r"}]):
            r = client.open(url, method=method, json=body, headers=headers)
            is_json_error(r, 400, "bad_request")


def test_suspending_with_a_list_body_is_a_400_and_changes_nothing(app, client, db, clock, w):
    cert = qualify(app, db, clock, w)
    headers = bearer_headers(app, "admin1")
    r = client.post(f"/api/v1/certificates/{cert.id}/suspend", json=["x"], headers=headers)
    is_json_error(r, 400, "bad_request")
    r = client.get(f"/api/v1/certificates/verify/{cert.token}")
    assert r.status_code == 200 and r.get_json()["status"] == "valid", r.get_json()
