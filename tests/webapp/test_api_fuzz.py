"""A bounded schemathesis run over /api/v1/openapi.json, in-process (WSGI), with every role's bearer token
and none: every operation, a few generated requests each (QUIZBANK_FUZZ_EXAMPLES, default 4), and no 5xx, no
undocumented status, no body that breaks its documented schema. Part of the README's test command."""

from __future__ import annotations

import os

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.webapp.base_builders import bearer_headers, make_user
from tests.webapp.cert_builders import qualify, world

EXAMPLES = int(os.environ.get("QUIZBANK_FUZZ_EXAMPLES", "4"))
ROLES = {
    "worker": "w1",
    "trainer": "t1",
    "inspector": "insp1",
    "hr": "hr1",
    "admin": "admin1",
    "nobody": None,
}
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _fuzz(operation, mode: GenerationMode, headers: dict, checks: list) -> str | None:
    """Run EXAMPLES generated requests of `operation` with `headers`; the failure report, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
        suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate],
    )  # fmt: skip
    def run(case):
        case.call_and_validate(headers=headers, checks=checks)

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        return None  # nothing in this operation's schema can be broken (no parameters, no body)
    except (Exception, BaseExceptionGroup) as e:  # noqa: BLE001 — reported by the caller, every operation
        return str(e)[:600]
    return None


@pytest.fixture
def site(app, db, clock):
    w = world(db, clock)
    make_user(db, w["org"], "admin1", ("admin",))
    db.commit()
    qualify(app, db, clock, w)
    return {role: (bearer_headers(app, name) if name else {}) for role, name in ROLES.items()}


@pytest.mark.slow
def test_every_operation_answers_as_documented_for_every_role(app, site):
    # Our own tokens, not generated credentials: each role's real access is what is being checked.
    config = schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:
        for role, headers in site.items():
            failure = _fuzz(operation, GenerationMode.POSITIVE, headers, CHECKS)
            if failure:
                failures.append(f"{role} {operation.method.upper()} {operation.path}: {failure}")
    print("\n\n".join(failures))
    assert not failures, "\n\n".join(failures)


def test_an_unauthenticated_write_is_a_401_not_a_csrf_400(app, site):
    client = app.test_client()
    writes = [
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        and getattr(app.view_functions[rule.endpoint], "access", "") != "public"
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"})
    ]
    assert len(writes) >= 8
    for rule, method in writes:
        url = "/".join("1" if part.startswith("<") else part for part in rule.split("/"))
        r = client.open(url, method=method, json={})
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "unauthorized", (
            method,
            url,
            r.status_code,
        )


@pytest.mark.slow
def test_requests_that_break_the_schema_are_refused_with_a_documented_4xx(app, site):
    """Negative examples (a value outside an enum, a wrong type, a missing field…) as the admin and as a
    worker: a documented 4xx, never a 5xx or a 2xx that accepts what the document forbids."""
    config = schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)
    checks = [schemathesis.checks.not_a_server_error, status_code_conformance, negative_data_rejection]
    failures: list[str] = []
    for operation in [result.ok() for result in schema.get_all_operations()]:
        for role in ("admin", "worker"):
            failure = _fuzz(operation, GenerationMode.NEGATIVE, site[role], checks)
            if failure:
                failures.append(f"{role} {operation.method.upper()} {operation.path}: {failure}")
    print("\n\n".join(failures))
    assert not failures, "\n\n".join(failures)
