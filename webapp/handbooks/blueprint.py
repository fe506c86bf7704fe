"""The handbooks blueprint and what its page modules and JSON API share: roles and finding a part by the code
in the URL ("_general" is the 通用知识 part; post codes never start with "_")."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from webapp.handbooks import service
from webapp.handbooks.models import Handbook
from webapp.infra.db import session
from webapp.org.models import Post
from webapp.posts.service import usable_post

bp = Blueprint("handbooks", __name__)

TRAINERS = ("trainer", "admin")
READERS_VIEW = ("trainer", "hr", "admin")
GENERAL = "_general"


def post_of(code: str) -> Post | None:
    return None if code == GENERAL else usable_post(session, current_user.organisation_id, code)


def handbook_for(code: str) -> tuple[Post | None, Handbook]:
    post = post_of(code)
    hb = service.handbook_of(session, current_user.organisation_id, post)
    return post, hb  # type: ignore[return-value]
