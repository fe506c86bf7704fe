"""DESIGN §5 HTTP JSON API, as an integrator meets it: every documented call made for real, each body checked
against the shape DESIGN gives and against the schema /api/v1/openapi.json publishes for that status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from tests.webapp.base_builders import TEST_PASSWORD, bearer_headers
from tests.webapp.cert_builders import answer, qualify, schedule, world


@pytest.fixture
def w(db, clock):
    return world(db, clock)


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


def conforms(doc: dict, path: str, method: str, response) -> None:
    """The response's status is documented for this operation and its JSON body matches that schema."""
    op = doc["paths"][path][method]
    status = str(response.status_code)
    assert status in op["responses"], f"{method.upper()} {path} answers {status}, not documented"
    content = op["responses"][status].get("content")
    if content is None:
        assert not response.data, f"{method.upper()} {path} {status} documents no body but sent one"
        return
    schema = {"components": doc["components"], **content["application/json"]["schema"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(response.get_json()), key=str)
    assert not errors, f"{method.upper()} {path} {status}: " + "; ".join(e.message for e in errors[:5])


def is_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(True)
    assert response.is_json, response.get_data(True)[:200]
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


# --- the document ------------------------------------------------------------------------------------------


def test_openapi_json_is_a_valid_openapi_3_document(doc):
    assert doc["openapi"].startswith("3.")
    validate_openapi(doc)


def test_openapi_json_requires_every_field_design_promises(doc):
    schemas = doc["components"]["schemas"]
    promised = {
        "User": {"id", "name", "roles"},
        "Exam": {"id", "title", "post", "kind", "opens", "closes"},
        "Attempt": {"id", "kind", "deadline", "questions"},
        "Result": {"score", "max_score", "passed"},
        "Standing": {"may_work", "status", "owed", "certificates"},
        "CertificateVerification": {"status", "holder", "post", "expires"},
        "PassRateReport": {"rows"},
    }
    for name, fields in promised.items():
        assert fields <= set(schemas[name].get("required", [])), name
    item = schemas["Attempt"]["properties"]["questions"]["items"]
    assert (
        set(item["required"]) == {"id", "type", "stem", "options"} and item["additionalProperties"] is False
    )


# --- sign-in, CSRF, bearer tokens ---------------------------------------------------------------------------


def test_login_returns_user_id_name_roles_and_a_csrf_token(client, doc, w):
    r = client.post("/api/v1/login", json={"username": "w1", "password": "Passw0rd!"})
    conforms(doc, "/api/v1/login", "post", r)
    body = r.get_json()
    assert {"id", "name", "roles"} <= set(body["user"]) and body["user"]["roles"] == ["worker"]
    assert body["csrf_token"]
    me = client.get("/api/v1/me")
    conforms(doc, "/api/v1/me", "get", me)
    assert me.get_json()["user"]["id"] == body["user"]["id"]


def test_session_write_without_the_x_csrftoken_header_is_a_json_400(app, doc, w):
    client = app.test_client()
    token = client.post("/api/v1/login", json={"username": "insp1", "password": "Passw0rd!"}).get_json()[
        "csrf_token"
    ]
    body = {"department_id": w["dept"].id}
    is_json_error(client.post("/api/v1/inspections", json=body, csrf=False), 400, "csrf")
    is_json_error(
        client.post("/api/v1/inspections", json=body, headers={"X-CSRFToken": "forged"}, csrf=False),
        400,
        "csrf",
    )
    r = client.post("/api/v1/inspections", json=body, headers={"X-CSRFToken": token}, csrf=False)
    conforms(doc, "/api/v1/inspections", "post", r)
    assert r.status_code == 201


def test_bearer_token_calls_need_no_csrf_header(app, doc, w):
    client = app.test_client()
    auth = bearer_headers(app, "insp1")
    r = client.post("/api/v1/inspections", json={"department_id": w["dept"].id}, headers=auth, csrf=False)
    conforms(doc, "/api/v1/inspections", "post", r)
    assert r.status_code == 201 and set(r.get_json()) == {"id"}
    assert client.get("/api/v1/me", headers=auth).get_json()["user"]["roles"] == ["inspector"]


def test_login_throttled_is_429_with_retry_after(app, doc, w):
    client = app.test_client()
    for _ in range(app.config["LOGIN_LIMIT_PER_ACCOUNT"]):
        client.post("/api/v1/login", json={"username": "w1", "password": "wrong"})
    r = client.post("/api/v1/login", json={"username": "w1", "password": "Passw0rd!"})
    is_json_error(r, 429, "throttled")
    conforms(doc, "/api/v1/login", "post", r)
    assert 0 < int(r.headers["Retry-After"]) <= app.config["LOGIN_WINDOW_MINUTES"] * 60


# --- catalogue and exams ------------------------------------------------------------------------------------


def test_question_sets_and_posts_lists_match_their_schemas(client, doc, w):
    client.sign_in("w1")
    for path in ("/api/v1/question-sets", "/api/v1/posts"):
        r = client.get(path)
        conforms(doc, path, "get", r)
        assert r.get_json()
    assert "welding" in {p["code"] for p in client.get("/api/v1/posts").get_json()}


def test_exams_lists_the_workers_assigned_exams_with_id_title_post_kind_opens_closes(
    app, client, db, clock, doc, w
):
    exam = schedule(db, clock, w["org"], w["post"], "periodic")
    client.sign_in("w1")
    r = client.get("/api/v1/exams")
    conforms(doc, "/api/v1/exams", "get", r)
    (row,) = r.get_json()
    assert {"id", "title", "post", "kind", "opens", "closes"} <= set(row)
    assert (row["id"], row["post"], row["kind"]) == (exam.id, "welding", "periodic")


# --- attempts -----------------------------------------------------------------------------------------------


def test_attempt_start_returns_id_kind_deadline_questions_without_answers_or_hints(client, db, clock, doc, w):
    exam = schedule(db, clock, w["org"], w["post"], "periodic")
    client.sign_in("w1")
    for body in (  # practice first: none starts while an exam is in progress
        {"practice": {"post": "welding"}},
        {"practice": {"post": "welding", "section": "welding-1"}},
        {"exam_id": exam.id},
    ):
        r = client.post("/api/v1/attempts", json=body)
        conforms(doc, "/api/v1/attempts", "post", r)
        paper = r.get_json()
        assert r.status_code == 201 and paper["questions"], body
        assert all(set(q) == {"id", "type", "stem", "options"} for q in paper["questions"])
        for word in ('"answer"', '"explanation"', '"correct"'):
            assert word not in r.get_data(True), (body, word)
    assert client.post("/api/v1/attempts", json={"exam_id": exam.id}).get_json()["deadline"]


def test_response_put_is_204_idempotent_then_409_once_submitted(client, db, clock, doc, w):
    exam = schedule(db, clock, w["org"], w["post"], "periodic")
    client.sign_in("w1")
    paper = client.post("/api/v1/attempts", json={"exam_id": exam.id}).get_json()
    url = f"/api/v1/attempts/{paper['id']}/responses/{paper['questions'][0]['id']}"
    path = "/api/v1/attempts/{attempt_id}/responses/{question_id}"
    for _ in range(2):
        r = client.put(url, json={"choices": [0]})
        conforms(doc, path, "put", r)
        assert r.status_code == 204 and not r.data
    assert client.get(f"/api/v1/attempts/{paper['id']}").get_json()["responses"] == {
        paper["questions"][0]["id"]: [0]
    }
    client.post(f"/api/v1/attempts/{paper['id']}/submit")
    r = client.put(url, json={"choices": [1]})
    is_json_error(r, 409)
    conforms(doc, path, "put", r)


def test_response_put_after_the_deadline_is_409_and_changes_nothing(client, db, clock, doc, w):
    exam = schedule(db, clock, w["org"], w["post"], "periodic")
    client.sign_in("w1")
    paper = client.post("/api/v1/attempts", json={"exam_id": exam.id}).get_json()
    qid = paper["questions"][0]["id"]
    client.put(f"/api/v1/attempts/{paper['id']}/responses/{qid}", json={"choices": [0]})
    clock.advance(hours=3)
    r = client.put(f"/api/v1/attempts/{paper['id']}/responses/{qid}", json={"choices": [1]})
    is_json_error(r, 409)
    assert client.get(f"/api/v1/attempts/{paper['id']}").get_json()["responses"][qid] == [0]


def test_submit_returns_score_max_score_passed_and_a_second_submit_the_same(client, db, clock, doc, w):
    exam = schedule(db, clock, w["org"], w["post"], "periodic")
    client.sign_in("w1")
    attempt_id = client.post("/api/v1/attempts", json={"exam_id": exam.id}).get_json()["id"]
    first = answer(client, db, attempt_id, right=True)
    r = client.post(f"/api/v1/attempts/{attempt_id}/submit")
    conforms(doc, "/api/v1/attempts/{attempt_id}/submit", "post", r)
    assert r.get_json() == first
    assert first["passed"] is True and first["score"] == first["max_score"]


def test_bad_attempt_requests_are_json_errors_with_the_right_status(app, client, db, clock, w):
    exam = schedule(db, clock, w["org"], w["post"], "periodic")
    client.sign_in("w1")
    is_json_error(
        client.post("/api/v1/attempts", data="exam_id=1", content_type="application/x-www-form-urlencoded"),
        400,
    )
    is_json_error(client.post("/api/v1/attempts", data="{not json", content_type="application/json"), 400)
    is_json_error(client.post("/api/v1/attempts", json={}), 400)
    is_json_error(client.post("/api/v1/attempts", json={"exam_id": 10_000}), 404)
    paper = client.post("/api/v1/attempts", json={"exam_id": exam.id}).get_json()
    url = f"/api/v1/attempts/{paper['id']}/responses/{paper['questions'][0]['id']}"
    is_json_error(client.put(url, json={"choices": "A"}), 400)
    is_json_error(client.put(url, json={"choices": [99]}), 400)
    is_json_error(
        client.put(f"/api/v1/attempts/{paper['id']}/responses/no-such-question", json={"choices": [0]}), 404
    )
    is_json_error(client.delete(url), 405)
    is_json_error(client.get("/api/v1/no-such-endpoint"), 404)
    is_json_error(
        client.put(url, data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1), content_type="application/json"),
        413,
    )
    other = app.test_client()
    is_json_error(other.get(f"/api/v1/attempts/{paper['id']}"), 401)
    other.sign_in("t1")
    is_json_error(other.get(f"/api/v1/attempts/{paper['id']}"), 403)


def test_practice_of_an_unknown_section_is_404_and_of_a_section_without_questions_409(client, db, doc, w):
    from tests.webapp.base_builders import make_question_sets

    make_question_sets(db, "forklift", "叉车司机", per_type=1)  # section forklift-1: known, not for welding
    db.commit()
    client.sign_in("w1")
    r = client.post("/api/v1/attempts", json={"practice": {"post": "welding", "section": "no-such-section"}})
    is_json_error(r, 404, "unknown_section")
    conforms(doc, "/api/v1/attempts", "post", r)
    r = client.post("/api/v1/attempts", json={"practice": {"post": "welding", "section": "forklift-1"}})
    is_json_error(r, 409, "nothing_to_practise")
    conforms(doc, "/api/v1/attempts", "post", r)
    r = client.post("/api/v1/attempts", json={"practice": {"post": "no-such-post"}})
    is_json_error(r, 404, "unknown_post")
    conforms(doc, "/api/v1/attempts", "post", r)


def test_exam_in_progress_is_a_documented_409_wherever_it_is_returned(client, db, clock, doc, w):
    exam = schedule(db, clock, w["org"], w["post"], "periodic")
    client.sign_in("w1")
    done = client.post("/api/v1/attempts", json={"practice": {"post": "welding"}}).get_json()
    answer(client, db, done["id"], right=False)
    practice = client.post("/api/v1/attempts", json={"practice": {"post": "welding"}}).get_json()
    assert client.post("/api/v1/attempts", json={"exam_id": exam.id}).status_code == 201
    qid = practice["questions"][0]["id"]
    calls = [
        ("/api/v1/attempts", "post", client.post("/api/v1/attempts", json={"practice": {"post": "welding"}})),
        ("/api/v1/attempts/{attempt_id}", "get", client.get(f"/api/v1/attempts/{done['id']}")),
        (
            "/api/v1/attempts/{attempt_id}/responses/{question_id}/check",
            "post",
            client.post(f"/api/v1/attempts/{practice['id']}/responses/{qid}/check", json={"choices": [0]}),
        ),
        (
            "/api/v1/attempts/{attempt_id}/submit",
            "post",
            client.post(f"/api/v1/attempts/{done['id']}/submit"),
        ),
    ]
    for path, method, r in calls:
        is_json_error(r, 409, "exam_in_progress")
        conforms(doc, path, method, r)
        described = doc["paths"][path][method]["responses"]["409"]["description"]
        assert "考试进行中" in described, (path, described)
    r = client.post(f"/api/v1/attempts/{practice['id']}/submit")  # submitted now: the score, no answers
    conforms(doc, "/api/v1/attempts/{attempt_id}/submit", "post", r)
    assert r.status_code == 200 and "results" not in r.get_json()


# --- inspections, spot tests, standing, verify, reports --------------------------------------------------------


def test_spot_test_is_an_attempt_answered_and_submitted_by_the_inspectors_session(app, db, clock, doc, w):
    qualify(app, db, clock, w)
    client = app.test_client()
    client.sign_in("insp1")
    r = client.post("/api/v1/inspections", json={"department_id": w["dept"].id, "note": "例行检查"})
    conforms(doc, "/api/v1/inspections", "post", r)
    inspection_id = r.get_json()["id"]
    spot_path = "/api/v1/inspections/{inspection_id}/spot-tests"
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests", json={"person_id": w["person"].id, "pin": "0000"}
    )
    is_json_error(r, 403)
    r = client.post(
        f"/api/v1/inspections/{inspection_id}/spot-tests", json={"person_id": w["person"].id, "pin": "1234"}
    )
    conforms(doc, spot_path, "post", r)
    paper = r.get_json()
    assert paper["kind"] == "spot" and paper["deadline"]
    assert all(set(q) == {"id", "type", "stem", "options"} for q in paper["questions"])
    result = answer(client, db, paper["id"], right=False)
    assert set(result) >= {"score", "max_score", "passed"} and result["passed"] is False
    is_json_error(client.get(f"/api/v1/people/{w['person'].id}/standing?post=welding"), 403)  # kiosk state
    is_json_error(client.post("/api/v1/inspections/kiosk/hand-back", json={"secret": "1234"}), 403)
    r = client.post("/api/v1/inspections/kiosk/hand-back", json={"secret": TEST_PASSWORD})
    conforms(doc, "/api/v1/inspections/kiosk/hand-back", "post", r)
    assert r.get_json() == {
        "inspection_id": inspection_id,
        "person_id": w["person"].id,
        "attempt_id": paper["id"],
    }
    is_json_error(client.post("/api/v1/inspections/kiosk/hand-back", json={"secret": TEST_PASSWORD}), 409)

    r = client.get(f"/api/v1/people/{w['person'].id}/standing?post=welding")
    conforms(doc, "/api/v1/people/{person_id}/standing", "get", r)
    standing = r.get_json()
    assert standing["may_work"] is False and standing["status"] == "makeup_due"
    assert [o["kind"] for o in standing["owed"]] == ["makeup_exam"]
    is_json_error(client.get(f"/api/v1/people/{w['person'].id}/standing?post=no-such-post"), 404)


def test_certificate_verify_is_public_with_status_masked_holder_post_expires(app, db, clock, doc, w):
    cert = qualify(app, db, clock, w)
    anonymous = app.test_client()
    r = anonymous.get(f"/api/v1/certificates/verify/{cert.token}")
    conforms(doc, "/api/v1/certificates/verify/{token}", "get", r)
    body = r.get_json()
    assert (body["status"], body["holder"], body["post"]) == ("valid", "张*丰", "welding")
    assert body["expires"] == cert.expires_on.isoformat()
    forged = cert.token[:-3] + ("AAA" if not cert.token.endswith("AAA") else "BBB")
    r = anonymous.get(f"/api/v1/certificates/verify/{forged}")
    is_json_error(r, 400)
    conforms(doc, "/api/v1/certificates/verify/{token}", "get", r)


def test_reports_pass_rates_gives_rows_by_each_grouping_and_json_errors_for_bad_queries(
    app, db, clock, doc, w
):
    qualify(app, db, clock, w)
    client = app.test_client()
    client.sign_in("hr1")
    for by in ("post", "department", "month", "inspection"):
        r = client.get(f"/api/v1/reports/pass-rates?by={by}")
        conforms(doc, "/api/v1/reports/pass-rates", "get", r)
        assert r.get_json()["by"] == by
    day = clock().date()
    r = client.get(f"/api/v1/reports/pass-rates?by=post&from={day}&to={day}")
    (row,) = r.get_json()["rows"]
    assert (row["attempts"], row["attempts_passed"]) == (1, 1)
    empty = client.get(f"/api/v1/reports/pass-rates?by=post&from={day + timedelta(days=1)}").get_json()
    assert empty["rows"] == []
    is_json_error(client.get("/api/v1/reports/pass-rates?by=colour"), 400)
    is_json_error(client.get("/api/v1/reports/pass-rates?by=post&from=2025-13-01"), 400)
    worker = app.test_client()
    worker.sign_in("w1")
    is_json_error(worker.get("/api/v1/reports/pass-rates?by=post"), 403)


# --- files ------------------------------------------------------------------------------------------------------


def test_excel_template_from_the_bank_page_reads_back_through_quizbank_import(app, tmp_path, capsys, w):
    import json

    from quizbank.cli import main

    client = app.test_client()
    client.sign_in("t1")
    assert "/bank/template.xlsx" in client.get("/bank/").get_data(True)
    r = client.get("/bank/template.xlsx")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    path = tmp_path / "题库导入模板.xlsx"
    path.write_bytes(r.data)
    assert main(["import", str(path), "--dry-run", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["problems"] == []  # the 说明 sheet is notes, not a sheet without a header
    assert [q["type"] for q in body["questions"]] == ["single", "multiple", "truefalse"]
    assert all(q["source"].startswith("题库!R") for q in body["questions"])
    assert body["questions"][1]["answer"] == [0, 1, 2]
