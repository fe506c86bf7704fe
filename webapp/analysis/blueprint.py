"""The 试题分析 blueprint and what its pages and API share: who may read, and the filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Blueprint, request
from flask_login import current_user
from sqlalchemy import select

from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.errors import ApiError
from webapp.org.models import Department, Post

bp = Blueprint("analysis", __name__)

STAFF = ("trainer", "reviewer", "hr", "admin")
BRIEFING_DAYS = 30


@dataclass(frozen=True)
class Scope:
    post: Post | None
    department: Department | None
    since: datetime | None
    until: datetime | None

    @property
    def text(self) -> str:
        parts = [
            self.post.name if self.post else "全部岗位",
            self.department.name if self.department else "全部部门",
        ]
        if self.since:
            parts.append(f"{clock.local(self.since).date()} 起")
        if self.until:
            parts.append(f"{clock.local(self.until).date()} 前")
        return "，".join(parts)


def _day(name: str) -> datetime | None:
    raw = request.args.get(name) or ""
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, f"bad_{name}", f"{name}：“{raw}” 不是日期（写成 2026-12-01）") from None
    return datetime.combine(day, datetime.min.time(), clock.SHANGHAI)  # the start of that day in China


def scope(default_days: int | None = None) -> Scope:
    org = current_user.organisation_id
    post = department = None
    code = request.args.get("post") or ""
    if code:
        post = session.scalar(select(Post).where(Post.code == code, Post.usable_by(org)))
        if post is None:
            raise ApiError(404, "unknown_post", f"没有岗位 {code}")
    dept = request.args.get("department") or ""
    if dept:
        department = session.get(Department, int(dept)) if dept.isdigit() else None
        if department is None or department.organisation_id != org:
            raise ApiError(404, "unknown_department", f"没有部门 {dept}")
    since, until = _day("from"), _day("to")
    if since is None and default_days:
        since = clock.now() - timedelta(days=default_days)
    if until is not None:
        until += timedelta(days=1)
    return Scope(post, department, since, until)
