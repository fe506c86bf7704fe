"""The admin area is for admins only, and an admin reaches their own organisation's rows only."""

from __future__ import annotations

import pytest

from tests.webapp.admin_builders import admin_world, grant
from webapp.org.models import ROLES

ADMIN_PAGES = (
    "/admin/",
    "/admin/organisation",
    "/admin/users",
    "/admin/users/new",
    "/admin/policy",
    "/admin/tokens",
    "/admin/signing-key",
    "/admin/audit",
)


@pytest.fixture
def world(db):
    return admin_world(db)


def test_every_admin_page_opens_for_an_admin(client, world):
    client.sign_in("admin1")
    for url in (*ADMIN_PAGES, f"/admin/users/{world['trainer']}"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert "系统管理" in r.get_data(as_text=True) or "用户" in r.get_data(as_text=True)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_admin_pages_are_refused_to_every_other_role(app, db, world, role):
    from tests.webapp.base_builders import make_org, make_user

    org = make_org(db, f"丙企业-{role}")
    make_user(db, org, f"only-{role}", (role,))
    db.commit()
    client = app.test_client()
    client.sign_in(f"only-{role}")
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/policy", data={"pass_mark": "60"}).status_code == 403


def test_admin_pages_send_a_signed_out_visitor_to_the_sign_in_page(client, world):
    r = client.get("/admin/users")
    assert r.status_code == 302 and "/login" in r.location


def test_another_organisations_user_is_not_found(db, client, world):
    client.sign_in("admin1")
    other = world["other_user"]
    assert client.get(f"/admin/users/{other}").status_code == 404
    assert (
        client.post(f"/admin/users/{other}", data={"display_name": "x", "roles": ["admin"]}).status_code
        == 404
    )
    assert client.post(f"/admin/users/{other}/password").status_code == 404
    foreign = grant(
        db, world["inspector"], world["other"]
    )  # 乙企业 let 甲's inspector in: 甲 cannot revoke it
    assert client.post(f"/admin/outside-inspectors/{foreign}/revoke").status_code == 404


def test_another_organisations_department_is_not_found(client, world):
    client.sign_in("admin1")
    d = world["other_department"]
    assert client.post(f"/admin/departments/{d}/rename", data={"name": "x"}).status_code == 404
    assert client.post(f"/admin/departments/{d}/delete").status_code == 404
    assert client.post(f"/admin/departments/{d}/deactivate").status_code == 404


def test_an_admin_who_is_also_a_granted_inspector_does_not_administer_the_granted_organisation(
    app, db, client, world
):
    from webapp.org.models import UserRole

    db.add(UserRole(user_id=world["admin"], role="inspector"))
    db.commit()
    grant(db, world["admin"], world["other"])
    client.sign_in("admin1")
    assert client.get(f"/admin/users/{world['other_user']}").status_code == 404
    d = world["other_department"]
    assert client.post(f"/admin/departments/{d}/rename", data={"name": "改名"}).status_code == 404
    users = client.get("/admin/users").get_data(as_text=True)
    assert "trainer2" not in users and "trainer1" in users


def test_the_admin_area_is_in_the_navigation_of_admins_only(client, world):
    client.sign_in("admin1")
    assert 'href="/admin/"' in client.get("/admin/users").get_data(as_text=True)
    client.post("/api/v1/logout")
    client.csrf_token = None
    client.sign_in("trainer1")
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)


def test_the_role_matrix_sees_every_admin_route(app):
    from tests.webapp.test_access import ALLOWED

    admin_routes = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")]
    assert len(admin_routes) >= 20
    for role, patterns in ALLOWED.items():
        if role != "admin":
            assert not any(p in ("*", "admin.*") for p in patterns), role
    for rule in admin_routes:
        assert app.view_functions[rule.endpoint].roles == frozenset({"admin"}), rule.endpoint
