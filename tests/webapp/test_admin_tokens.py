"""API tokens: created with a name for a user of the organisation, shown once, stored hashed, usable as a
bearer token on the JSON API, listed, and refused (401) once revoked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.admin_builders import admin_world, shown_secret
from webapp.admin.models import AuditEntry
from webapp.org.models import ApiToken


@pytest.fixture
def world(db, client):
    w = admin_world(db)
    client.sign_in("admin1")
    return w


def _create(client, name: str, user_id: int) -> str:
    r = client.post("/admin/tokens", data={"name": name, "user": str(user_id)})
    assert r.status_code == 201, r.get_data(as_text=True)
    return shown_secret(r.get_data(as_text=True), "new-token")


def _me(app, token: str):
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_a_token_is_shown_once_and_works_as_a_bearer_token(app, db, client, world):
    token = _create(client, "人事系统", world["trainer"])
    r = _me(app, token)
    assert r.status_code == 200 and r.get_json()["user"]["username"] == "trainer1"
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert "人事系统" in listing and token not in listing
    db.rollback()
    row = db.scalar(select(ApiToken))
    assert token not in row.token_hash and len(row.token_hash) == 64


def test_a_bearer_token_changes_state_without_a_csrf_token(app, world, client):
    token = _create(client, "对接", world["admin"])
    r = app.test_client().post("/api/v1/logout", headers={"Authorization": f"Bearer {token}"}, csrf=False)
    assert r.status_code == 204


def test_a_revoked_token_is_refused(app, db, client, world):
    token = _create(client, "旧系统", world["admin"])
    db.rollback()
    row = db.scalar(select(ApiToken).where(ApiToken.name == "旧系统"))
    assert client.post(f"/admin/tokens/{row.id}/revoke").status_code == 302
    assert _me(app, token).status_code == 401
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert "吊销" in listing
    db.rollback()
    assert [e.action for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
        "token_created",
        "token_revoked",
    ]


def test_a_token_of_a_deactivated_user_is_refused(app, client, world):
    token = _create(client, "培训系统", world["trainer"])
    client.post(f"/admin/users/{world['trainer']}", data={"display_name": "trainer1", "roles": ["trainer"]})
    assert _me(app, token).status_code == 401


def test_a_token_needs_a_name(db, client, world):
    r = client.post("/admin/tokens", data={"name": " ", "user": str(world["admin"])})
    assert r.status_code == 400 and "请填写令牌名称" in r.get_data(as_text=True)
    db.rollback()
    assert db.scalar(select(ApiToken)) is None


def test_a_token_is_not_made_for_another_organisations_user(db, client, world):
    r = client.post("/admin/tokens", data={"name": "x", "user": str(world["other_user"])})
    assert r.status_code == 400 and "请选择本企业的用户" in r.get_data(as_text=True)
    db.rollback()
    assert db.scalar(select(ApiToken)) is None


def test_another_organisations_token_is_neither_listed_nor_revoked(app, db, client, world):
    other = app.test_client()
    other.sign_in("admin2")
    token = _create(other, "乙的系统", world["other_admin"])
    db.rollback()
    row = db.scalar(select(ApiToken))
    assert "乙的系统" not in client.get("/admin/tokens").get_data(as_text=True)
    assert client.post(f"/admin/tokens/{row.id}/revoke").status_code == 404
    assert _me(app, token).status_code == 200


def test_after_a_token_is_created_the_form_is_blank_for_the_next_one(client, world):
    r = client.post("/admin/tokens", data={"name": "人事系统", "user": str(world["admin"])})
    page = r.get_data(as_text=True)
    form = page[page.index('id="token-form"') :]
    assert 'value="人事系统"' not in form


def test_a_tokens_last_use_is_recorded_at_most_once_a_minute(app, db, client, world, clock):
    token = _create(client, "门禁系统", world["trainer"])

    def last_used():
        db.rollback()
        return db.scalar(select(ApiToken.last_used_at))

    assert last_used() is None
    first = clock()
    assert _me(app, token).status_code == 200
    assert last_used() == first
    clock.advance(seconds=30)
    assert _me(app, token).status_code == 200
    assert last_used() == first, "not written again within the minute"
    later = clock.advance(seconds=31)
    r = app.test_client().post("/api/v1/logout", headers={"Authorization": f"Bearer {token}"}, csrf=False)
    assert r.status_code == 204
    assert last_used() == later, "a writing request records it too"
