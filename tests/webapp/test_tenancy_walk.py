"""Tenancy proven by walking every route: each role of each organisation kind — platform operator,
regulator staff, a regulator's admin and inspector, an outside inspector with and without a grant — asks for
enterprise A's objects by id (the world of test_cross_org_access, which walks enterprise B's roles) and is
answered 403/404 except where the rules allow:

- the operator manages organisations (platform.*) and reads none of A's people or results;
- a regulator whose jurisdiction does not cover A reaches nothing of A's;
- a regulator whose jurisdiction covers A: its staff read A's figures (oversight.enterprise), its
  inspectors inspect A as A's own inspector would;
- an outside inspector reaches A only once A granted them access by name.
"""

from __future__ import annotations

from datetime import date
from fnmatch import fnmatch

import pytest

from tests.webapp.base_builders import make_user
from tests.webapp.platform_builders import make_jurisdiction, make_operator, make_regulator
from tests.webapp.test_cross_org_access import _leaks, enterprise_a  # noqa: F401  (the fixture)
from webapp.org.models import Organisation

# What an inspector may reach of an enterprise they may inspect (A's own inspector reaches the same).
INSPECTING = (
    "inspections.*",
    *("records.index", "records.person", "records.download", "records.archive*"),  # 一人一档 (issue 12)
    "certs.*",
    "exams.handbook_section",
    "exams.attempt_page",  # the kiosk attempt the inspector started, nobody else's
    "exams.result",
    "api.attempt",
    "api.attempt_response",
    "api.attempt_submit",
)


@pytest.fixture
def platform_world(db, request) -> dict:
    world = request.getfixturevalue("enterprise_a")
    a = db.get(Organisation, world["org"])
    make_operator(db, "op")
    overseer = db.get(Organisation, world["overseer"])  # its jurisdiction covers A since 2020
    for role, name in (("regulator", "j-staff"), ("inspector", "j-insp"), ("admin", "j-admin")):
        make_user(db, overseer, name, (role,))
    elsewhere = make_regulator(db, "别处应急管理局")
    other = db.get(Organisation, make_regulator(db, "别处的企业").id)
    other.kind = "enterprise"
    make_jurisdiction(db, elsewhere, other, date(2020, 1, 1))
    for role, name in (("regulator", "r-staff"), ("inspector", "r-insp"), ("admin", "r-admin")):
        make_user(db, elsewhere, name, (role,))
    ended = make_regulator(db, "已移交的监管部门")
    make_jurisdiction(db, ended, a, date(2020, 1, 1), date(2024, 12, 31))
    make_user(db, ended, "x-insp", ("inspector",))
    make_user(db, ended, "x-staff", ("regulator",))
    db.commit()
    return world


def _not_platform(rule) -> bool:
    return not rule.endpoint.startswith("platform.")


@pytest.mark.parametrize(
    "username",
    [
        "r-staff",  # regulator staff whose jurisdiction does not cover A
        "r-insp",  # that regulator's inspector
        "r-admin",
        "x-insp",  # a regulator whose jurisdiction over A has ended
        "x-staff",
        "b-inspector",  # an outside (enterprise) inspector without a grant
        "j-admin",  # the covering regulator's admin administers the regulator, not A
    ],
)
def test_nobody_outside_the_rules_reaches_an_enterprises_objects(app, platform_world, username):
    assert _leaks(app, username, platform_world) == []


def test_the_operator_reaches_no_enterprises_people_or_results(app, platform_world):
    assert _leaks(app, "op", platform_world, only=_not_platform) == []
    client = app.test_client()
    client.sign_in("op")
    assert client.get(f"/platform/organisations/{platform_world['org']}").status_code == 200


def _outside(leaks: list[str], allowed: tuple[str, ...]) -> list[str]:
    return [leak for leak in leaks if not any(fnmatch(leak.split("(")[1].split(")")[0], p) for p in allowed)]


def test_the_covering_regulators_staff_read_the_enterprises_figures_only(app, platform_world):
    leaks = _leaks(app, "j-staff", platform_world)
    assert _outside(leaks, ("oversight.enterprise",)) == []
    assert any("oversight.enterprise" in leak for leak in leaks), "the walk must reach A's figures"


def _endpoints(leaks: list[str]) -> set[str]:
    return {leak.split("(")[1].split(")")[0] for leak in leaks}


def test_a_covering_regulators_inspector_reaches_what_the_enterprises_own_inspector_does(app, platform_world):
    own = _endpoints(_leaks(app, "a-insp-own", platform_world))
    assert "inspections.person" in own
    # GET /api/v1/posts/<code> answers about the caller's own enterprise's posts, so A's own code reaches it
    assert _endpoints(_leaks(app, "j-insp", platform_world)) == own - {"posts.api_post"}


def test_a_granted_outside_inspector_reaches_inspections_and_their_own_kiosk_attempt_only(
    app, platform_world
):
    leaks = _leaks(app, "a-insp", platform_world)
    assert _outside(leaks, INSPECTING) == []
    attempts = [leak for leak in leaks if "/attempts/" in leak or "/spot-tests/" in leak]
    assert attempts and all(f"/{platform_world['spot_attempt']}" in leak for leak in attempts)


def test_a_grant_widens_inspector_pages_only_not_the_same_users_trainer_pages(app, db, platform_world):
    """A user of another organisation who is trainer and inspector, let into A as an inspector, does not
    read A's training records, question sets or retraining queue through their trainer pages."""
    from tests.webapp.builders import make_grant
    from webapp.org.models import User

    other = db.get(User, db.query(User).filter_by(username="a-insp").one().id).organisation
    both = make_user(db, other, "insp-and-trainer", ("inspector", "trainer"))
    make_grant(db, both, db.get(Organisation, platform_world["org"]))
    db.commit()
    client = app.test_client()
    client.sign_in("insp-and-trainer")
    assert client.get(f"/training/sessions/{platform_world['training']}").status_code == 404
    assert client.get(f"/bank/questions/{platform_world['question']}").status_code == 404
    assert client.get(f"/people/{platform_world['person']}/certificates").status_code == 200  # inspector page
