"""The spot-test kiosk cannot be escaped: once the inspector hands the tablet over, the session is in kiosk
state on the server. Pages, typed URLs and API calls other than the worker's own PIN page, paper, answers,
submit and result are refused until the inspector signs in again on the tablet."""

from __future__ import annotations

import pytest

from tests.webapp.base_builders import TEST_PASSWORD, bearer_headers, form_token
from tests.webapp.inspection_builders import hand_back, make_inspection_site


@pytest.fixture
def site(db):
    return make_inspection_site(db)


def _open(client, site) -> int:
    r = client.post("/api/v1/inspections", json={"department_id": site["dept"]})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["id"]


def _hand_over(client, inspection_id: int, person_id: int):
    page = client.get(f"/inspections/{inspection_id}/people/{person_id}").get_data(as_text=True)
    return client.post(
        f"/inspections/{inspection_id}/people/{person_id}/hand-over",
        data={"csrf_token": form_token(page), "post": "welding"},
    )


def _pin(client, inspection_id: int, person_id: int, pin: str = "2468"):
    url = f"/inspections/{inspection_id}/people/{person_id}/spot-test"
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": form_token(page), "pin": pin})


def _inspector_requests(
    inspection_id: int, person_id: int, other_id: int
) -> list[tuple[str, str, dict | None]]:
    """What the worker must not reach: every inspector page and API, with a plausible body."""
    return [
        ("POST", f"/api/v1/inspections/{inspection_id}/findings",
         {"person_id": other_id, "category": "违章作业", "note": "x", "confirm": True}),
        ("POST", f"/api/v1/inspections/{inspection_id}/spot-tests", {"person_id": other_id, "pin": "2468"}),
        ("POST", f"/api/v1/inspections/{inspection_id}/close", None),
        ("POST", "/api/v1/inspections", {"department_id": 1}),
        ("GET", f"/api/v1/inspections/{inspection_id}", None),
        ("GET", f"/api/v1/people/{person_id}/standing?post=welding", None),
        ("GET", "/api/v1/exams", None),
    ]  # fmt: skip


def test_handing_the_tablet_over_locks_every_inspector_page_and_api_until_the_inspector_signs_in_again(
    client, site
):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    zhang, li = site["people"][0], site["people"][1]
    r = _hand_over(client, inspection_id, zhang)
    pin_page = f"/inspections/{inspection_id}/people/{zhang}/spot-test?post=welding"
    assert r.status_code == 302 and r.location.endswith(pin_page)

    # Typed URLs and the Back button (a GET of an earlier page) land on the kiosk.
    for url in (
        f"/inspections/{inspection_id}/people/{zhang}",
        f"/inspections/{inspection_id}",
        f"/inspections/{inspection_id}/people/{li}/spot-test?post=welding",
        "/inspections",
        "/",
        "/admin/users",
        f"/inspections/{inspection_id}/report",
    ):
        r = client.get(url)
        assert r.status_code == 302 and r.location.endswith(pin_page), url
    # Forms and API calls are refused, and change nothing.
    token = form_token(client.get(pin_page).get_data(as_text=True))
    r = client.post(
        f"/inspections/{inspection_id}/findings",
        data={"csrf_token": token, "person_id": li, "category": "违章作业", "note": "x", "confirm": "1"},
    )
    assert r.status_code == 403
    for method, url, body in _inspector_requests(inspection_id, zhang, li):
        r = client.open(url, method=method, json=body)
        assert r.status_code == 403, (method, url, r.status_code)
        assert r.get_json()["error"]["code"] == "kiosk_locked"

    # The worker's own test works: PIN, paper, answers, submit, result.
    r = _pin(client, inspection_id, zhang)
    assert r.status_code == 302 and "/spot-tests/" in r.location
    kiosk_url = r.location
    attempt_id = int(kiosk_url.rstrip("/").split("/")[-1])
    assert 'id="exam"' in client.get(kiosk_url).get_data(as_text=True)
    paper = client.get(f"/api/v1/attempts/{attempt_id}").get_json()
    first = paper["questions"][0]["id"]
    assert (
        client.put(f"/api/v1/attempts/{attempt_id}/responses/{first}", json={"choices": [0]}).status_code
        == 204
    )
    # Now the kiosk is the paper: the Back button lands there.
    r = client.get(f"/inspections/{inspection_id}/people/{zhang}")
    assert r.status_code == 302 and r.location.endswith(f"/spot-tests/{attempt_id}")
    assert client.post(f"/api/v1/attempts/{attempt_id}/submit").status_code == 200
    result = client.get(f"{kiosk_url}/result").get_data(as_text=True)
    assert "交还检查人员" in result and "记录三违" not in result
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/findings",
        json=_inspector_requests(inspection_id, zhang, li)[0][2],
    )
    assert r.status_code == 403

    # Hand back: a wrong password keeps the kiosk; the inspector's password ends it.
    hand_back = client.get("/inspections/kiosk/hand-back").get_data(as_text=True)
    assert "输入登录密码" in hand_back
    token = form_token(hand_back)
    wrong = client.post("/inspections/kiosk/hand-back", data={"csrf_token": token, "secret": "2468"})
    assert wrong.status_code == 403 and "不正确" in wrong.get_data(as_text=True)
    assert client.get(f"/inspections/{inspection_id}").status_code == 302
    r = client.post("/inspections/kiosk/hand-back", data={"csrf_token": token, "secret": TEST_PASSWORD})
    assert r.status_code == 302 and r.location.endswith(f"/inspections/{inspection_id}/people/{zhang}")
    person_page = client.get(r.location)
    assert person_page.status_code == 200 and "记录三违" in person_page.get_data(as_text=True)
    assert client.get(f"/api/v1/inspections/{inspection_id}").status_code == 200


def test_the_kiosk_state_is_the_sessions_not_the_inspectors_other_devices(app, client, site):
    client.sign_in("insp")
    inspection_id = _open(client, site)
    _hand_over(client, inspection_id, site["people"][0])
    phone = app.test_client()
    phone.sign_in("insp")
    assert phone.get(f"/api/v1/inspections/{inspection_id}").status_code == 200
    assert client.get(f"/api/v1/inspections/{inspection_id}").status_code == 403


def test_the_paper_is_not_served_on_a_tablet_that_was_not_handed_over(client, site):
    """The PIN page and the paper open only in kiosk state: a typed URL sends the inspector to hand over."""
    client.sign_in("insp")
    inspection_id = _open(client, site)
    zhang = site["people"][0]
    r = client.get(f"/inspections/{inspection_id}/people/{zhang}/spot-test?post=welding")
    assert r.status_code == 302 and r.location.endswith(f"/inspections/{inspection_id}/people/{zhang}")


def _lock_of(db, attempt_id: int) -> dict:
    from sqlalchemy import select

    from webapp.inspections.models import KioskLock

    db.rollback()
    lock = db.scalars(select(KioskLock).where(KioskLock.attempt_id == attempt_id)).one()
    return {
        c: getattr(lock, c) for c in ("organisation_id", "user_id", "inspection_id", "post_code", "ended_at")
    }


def _locked_as_a_kiosk(client, inspection_id: int, person_id: int, attempt_id: int, other_id: int) -> None:
    """What a session in kiosk state for this paper answers: pages back to the paper, the inspector's
    requests refused, the paper and its answers served."""
    kiosk_url = f"/inspections/{inspection_id}/spot-tests/{attempt_id}"
    for url in (f"/inspections/{inspection_id}", f"/inspections/{inspection_id}/people/{person_id}", "/"):
        r = client.get(url)
        assert r.status_code == 302 and r.location.endswith(kiosk_url), url
    for method, url, body in _inspector_requests(inspection_id, person_id, other_id):
        r = client.open(url, method=method, json=body)
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "kiosk_locked", (method, url)
    assert 'id="exam"' in client.get(kiosk_url).get_data(as_text=True)
    first = client.get(f"/api/v1/attempts/{attempt_id}").get_json()["questions"][0]["id"]
    assert (
        client.put(f"/api/v1/attempts/{attempt_id}/responses/{first}", json={"choices": [0]}).status_code
        == 204
    )


def test_a_spot_test_started_through_the_api_locks_the_tablet_exactly_as_the_page_does(app, db, site):
    zhang, li, wang = site["people"]
    page_tablet, api_tablet, phone = app.test_client(), app.test_client(), app.test_client()
    for c in (page_tablet, api_tablet, phone):
        c.sign_in("insp")
    inspection_id = _open(page_tablet, site)

    _hand_over(page_tablet, inspection_id, zhang)
    by_page = int(_pin(page_tablet, inspection_id, zhang).location.rstrip("/").split("/")[-1])
    wrong = api_tablet.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests", json={"person_id": li, "pin": "0000"}
    )
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_pin"
    assert (
        api_tablet.get(f"/api/v1/inspections/{inspection_id}").status_code == 200
    )  # a wrong PIN locks nothing
    r = api_tablet.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests", json={"person_id": li, "pin": "2468"}
    )
    assert r.status_code == 201
    by_api = r.get_json()["id"]

    assert _lock_of(db, by_api) == _lock_of(db, by_page)  # the same lock: inspector, inspection, post, open
    _locked_as_a_kiosk(page_tablet, inspection_id, zhang, by_page, wang)
    _locked_as_a_kiosk(api_tablet, inspection_id, li, by_api, wang)
    assert (
        phone.get(f"/api/v1/inspections/{inspection_id}").status_code == 200
    )  # the session's, not the user's

    # A bearer token has no session to lock: it starts a test and goes on (DESIGN.md: tokens are not affected).
    auth, integration = bearer_headers(app, "insp"), app.test_client()
    r = integration.post(f"/api/v1/inspections/{inspection_id}/spot-tests", json={"person_id": wang, "pin": "2468"},
                   headers=auth)  # fmt: skip
    assert (
        r.status_code == 201
        and integration.get(f"/api/v1/inspections/{inspection_id}", headers=auth).status_code == 200
    )
    r = integration.post(
        f"/inspections/{inspection_id}/people/{wang}/hand-over", data={"post": "welding"}, headers=auth
    )
    assert r.status_code == 403 and "访问令牌" in r.get_data(as_text=True)  # nor is a token handed over

    # Each takes the tablet back the same way: the inspector's password, on the page or through the API.
    wrong = api_tablet.post("/api/v1/inspections/kiosk/hand-back", json={"secret": "2468"})
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "wrong_secret"
    assert hand_back(api_tablet) == {"inspection_id": inspection_id, "person_id": li, "attempt_id": by_api}
    token = form_token(page_tablet.get("/inspections/kiosk/hand-back").get_data(as_text=True))
    page_tablet.post("/inspections/kiosk/hand-back", data={"csrf_token": token, "secret": TEST_PASSWORD})
    for tablet in (page_tablet, api_tablet):
        assert tablet.get(f"/api/v1/inspections/{inspection_id}").status_code == 200
    assert _lock_of(db, by_api)["ended_at"] is not None and _lock_of(db, by_page)["ended_at"] is not None
