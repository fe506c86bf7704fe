"""Sign-in over JSON, the CSRF token, who am I, and the OpenAPI document."""

from __future__ import annotations

from flask import current_app, jsonify
from flask_login import current_user, login_user
from flask_wtf.csrf import generate_csrf

from webapp.auth.service import LoginRefused, Throttled, authenticate
from webapp.infra.api import bp, json_body
from webapp.infra.errors import ApiError, error_response
from webapp.infra.openapi import build_document
from webapp.infra.security import csrf_exempt, public, sign_out, signed_in


def user_json(user) -> dict:
    return {
        "id": user.id,
        "name": user.display_name,
        "username": user.username,
        "roles": sorted(user.roles),
        "organisation_id": user.organisation_id,
        "person_id": user.person_id,
    }


@bp.post("/login")
@public
@csrf_exempt  # no session yet; JSON-only (a cross-site form cannot send application/json without CORS)
def login():
    data = json_body()
    try:
        user = authenticate(str(data.get("username") or ""), str(data.get("password") or ""))
    except Throttled as e:
        response = error_response(429, "throttled", e.message)
        response.headers["Retry-After"] = str(e.retry_after)
        return response
    except LoginRefused as e:
        raise ApiError(401, "invalid_credentials", e.message) from None
    login_user(user)
    return jsonify(user=user_json(user), csrf_token=generate_csrf())


@bp.post("/logout")
@signed_in
def logout():
    sign_out()
    return "", 204


@bp.get("/csrf-token")
@public
def csrf_token():
    return jsonify(csrf_token=generate_csrf())


@bp.get("/me")
@signed_in
def me():
    return jsonify(user=user_json(current_user))


@bp.get("/openapi.json")
@public
def openapi():
    return jsonify(build_document(current_app.extensions.get("quizbank_modules", [])))
