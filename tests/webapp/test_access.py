"""Every route declares who may use it; roles and CSRF are enforced on all of them.

The matrix walks `app.url_map`, so routes added later are covered without touching this file: a new
route reachable by a role outside that role's allow-list fails here until the allow-list says so.
"""

from __future__ import annotations

from fnmatch import fnmatch

import pytest
from werkzeug.routing import IntegerConverter, Rule

from tests.webapp.base_builders import make_org, make_post, make_user, make_worker
from webapp.org.models import ROLES

# Endpoints each role may reach (fnmatch patterns over endpoint names). Everything else must be refused.
# Public endpoints (@public) and any-signed-in ones (@signed_in) are checked separately below.
ALLOWED: dict[str, tuple[str, ...]] = {
    "worker": (
        "exams.*",
        "api.attempt*",
        "api.exams",
        "api.posts",
        "api.question_sets",
        "api.practice*",
        *("records.index", "records.person", "records.download", "records.archive*"),  # their own only
        "handbooks.mine",
        "handbooks.read",
        "handbooks.acknowledge",
    ),
    "trainer": (
        "exams.*",
        "api.*",
        "bank.*",
        "roster.*",
        "reports.*",
        "inspections.*",
        "certs.*",
        "training.*",
        "records.*",
        "dashboard.*",
        "signin_locks.*",
        "posts.*",
        "handbooks.*",
        "bankreview.*",
        "laws.*",
        "analysis.*",
    ),
    "reviewer": ("exams.*", "api.*", "bankreview.*", "laws.*", "analysis.*"),
    "inspector": (
        "exams.*",
        "api.*",
        "inspections.*",
        "certs.*",
        "roster.*",
        *("records.index", "records.person", "records.download", "records.archive*"),
        *(
            "dashboard.people",
            "dashboard.expiring",
        ),  # the lists behind their home board (enterprises they inspect)
    ),
    "hr": (
        "exams.*",
        "api.*",
        "roster.*",
        "reports.*",
        "certs.*",
        "records.*",
        "reminders.log",
        "dashboard.*",
        "signin_locks.*",
        "handbooks.index",
        "handbooks.readers",
        "handbooks.version",
        "handbooks.booklet",
        "handbooks.api_handbook",
        "analysis.*",
    ),
    "admin": ("*",),
}
# Worker-reachable exam pages that still refuse staff-only actions inside exams.* (checked by role below).
WORKER_DENIED = ("exams.schedule*", "exams.manage*")

DENIED = {401, 403, 404, 405}


def _sample_url(rule: Rule) -> str:
    values = {}
    for name, conv in rule._converters.items():
        kind = type(conv).__name__
        if isinstance(conv, IntegerConverter):
            values[name] = 999999
        elif kind == "AnyConverter":
            values[name] = sorted(conv.items)[0]
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        yield rule, method, app.view_functions[rule.endpoint]


def test_every_route_declares_who_may_use_it(app):
    undeclared = [r.endpoint for r, _m, view in _routes(app) if getattr(view, "access", None) is None]
    assert undeclared == [], "decorate these views with @public, @signed_in or @require_role(...)"


def test_a_signed_out_visitor_reaches_only_public_routes(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    for rule, method, view in _routes(app):
        if view.access == "public":
            continue
        r = client.open(_sample_url(rule), method=method, csrf=False)
        assert r.status_code in DENIED or (r.status_code == 302 and "/login" in r.location), rule.endpoint


@pytest.fixture
def users(db):
    org = make_org(db, "甲企业")
    post = make_post(db)
    out = {role: make_user(db, org, f"u-{role}", (role,)) for role in ROLES if role != "worker"}
    out["worker"] = make_worker(db, org, "u-worker", post)
    db.commit()
    return {role: u.username for role, u in out.items()}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_refused_every_route_outside_its_allow_list(app, users, role):
    app.config["WTF_CSRF_ENABLED"] = False  # the role check is what is under test here
    client = app.test_client()
    client.sign_in(users[role])
    patterns = ALLOWED[role]
    for rule, method, view in _routes(app):
        if view.access in ("public", "signed_in"):
            continue
        allowed = any(fnmatch(rule.endpoint, p) for p in patterns)
        if role == "worker" and any(fnmatch(rule.endpoint, p) for p in WORKER_DENIED):
            allowed = False
        if allowed:
            continue
        r = client.open(_sample_url(rule), method=method, csrf=False)
        assert r.status_code in DENIED, (
            f"{role} reached {method} {rule.rule} ({rule.endpoint}): {r.status_code}"
        )


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, users):
    client = app.test_client()
    client.sign_in(users["admin"])
    checked = 0
    for rule, _method, view in _routes(app):
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            if getattr(view, "csrf_exempt", False):
                continue
            r = client.open(_sample_url(rule), method=method, csrf=False, data={"x": "1"})
            assert r.status_code == 400, f"{method} {rule.rule} accepted a request without CSRF token"
            checked += 1
    assert checked > 0


def test_only_the_json_login_is_exempt_from_csrf(app):
    exempt = sorted(r.endpoint for r, _m, v in _routes(app) if getattr(v, "csrf_exempt", False))
    assert exempt == ["api.login"]
