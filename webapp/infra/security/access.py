"""Role checks: who may use a view (@public, @signed_in, @require_role, @csrf_exempt), organisation scoping
(visible_org_ids, scoped, get_owned, current_person) and next= validation."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import Select, select
from werkzeug.exceptions import Forbidden, NotFound, Unauthorized

from webapp.infra.db import session
from webapp.infra.errors import wants_json

F = TypeVar("F", bound=Callable[..., Any])


# --- access decorators -----------------------------------------------------------------------------------


def _mark(view: Callable, access: str, roles: frozenset[str] = frozenset()) -> None:
    view.access = access  # type: ignore[attr-defined]
    view.roles = roles  # type: ignore[attr-defined]


def public(view: F) -> F:
    _mark(view, "public")
    return view


def _unauthorized():
    if wants_json():
        raise Unauthorized("请先登录")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def signed_in(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return _unauthorized()
        return view(*args, **kwargs)

    _mark(wrapper, "signed_in")
    return wrapper  # type: ignore[return-value]


def require_role(*roles: str) -> Callable[[F], F]:
    allowed = frozenset(roles)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return _unauthorized()
            if not current_user.has_role(*allowed):
                raise Forbidden("您没有权限访问此页面")
            g.view_roles = allowed  # what visible_org_ids widens for (an inspector's grants: inspector views)
            return view(*args, **kwargs)

        _mark(wrapper, "roles", allowed)
        return wrapper  # type: ignore[return-value]

    return decorate


def csrf_exempt(view: F) -> F:
    view.csrf_exempt = True  # type: ignore[attr-defined]
    return view


# --- organisation scoping --------------------------------------------------------------------------------


def _today():
    from webapp.infra import clock

    return clock.today()


def jurisdiction_org_ids(regulator_id: int, today=None) -> frozenset[int]:
    """The enterprises in a regulator's jurisdiction today (assigned by the platform operator; a suspended
    enterprise drops out)."""
    from webapp.org.models import Jurisdiction, Organisation

    today = today or _today()
    return frozenset(
        session.scalars(
            select(Jurisdiction.enterprise_id)
            .join(Organisation, Organisation.id == Jurisdiction.enterprise_id)
            .where(
                Jurisdiction.regulator_id == regulator_id,
                Jurisdiction.current(today),
                Organisation.kind == "enterprise",
                Organisation.suspended_at.is_(None),
            )
        )
    )


def granted_org_ids(user_id: int) -> frozenset[int]:
    """The organisations that granted this (outside) inspector access to themselves."""
    from webapp.org.models import InspectorGrant, Organisation

    return frozenset(
        session.scalars(
            select(InspectorGrant.organisation_id)
            .join(Organisation, Organisation.id == InspectorGrant.organisation_id)
            .where(InspectorGrant.user_id == user_id, Organisation.suspended_at.is_(None))
        )
    )


def overseen_org_ids() -> frozenset[int]:
    """For a regulator's staff: the enterprises of the jurisdiction today (aggregates of these only)."""
    if not current_user.is_authenticated or not current_user.has_role("regulator"):
        return frozenset()
    if current_user.organisation.kind != "regulator":
        return frozenset()
    if "overseen_org_ids" not in g:
        g.overseen_org_ids = jurisdiction_org_ids(current_user.organisation_id)
    return g.overseen_org_ids


def drillable_org_ids() -> frozenset[int]:
    """For a regulator's staff: the enterprises whose people they may list — those of the jurisdiction
    today, and those where an inspection by an inspector of the regulator is open."""
    if not current_user.is_authenticated:
        return frozenset()
    if not current_user.has_role("regulator") or current_user.organisation.kind != "regulator":
        return frozenset()
    from webapp.infra.db import Base
    from webapp.org.models import User

    inspections = Base.metadata.tables["inspections"]
    open_here = session.scalars(
        select(inspections.c.organisation_id)
        .join(User, User.id == inspections.c.inspector_id)
        .where(User.organisation_id == current_user.organisation_id, inspections.c.closed_at.is_(None))
    )
    return overseen_org_ids() | frozenset(open_here)


def visible_org_ids() -> frozenset[int]:
    """The organisations whose rows the current user may read: the one mechanism every organisation-owned
    query goes through (`scoped`, `get_owned`).

    - everyone: their own organisation (the platform's own holds no enterprise's data: the operator sees
      no enterprise's people or results);
    - an inspector, besides: each enterprise that granted them access by name (its admin, revocable there),
      and — when their organisation is a regulator — the enterprises of its jurisdiction today.

    Nothing an organisation does on its own side widens this to another organisation's rows: grants are
    made by the enterprise that is inspected, jurisdictions by the platform operator. And they widen an
    inspector's powers only: on a view that inspectors may not use (a trainer's, HR's, an admin's), a user
    who is also an inspector sees their own organisation alone."""
    if not current_user.is_authenticated:
        return frozenset()
    if "visible_org_ids" not in g:
        ids = {current_user.organisation_id}
        if current_user.has_role("inspector") and "inspector" in g.get("view_roles", {"inspector"}):
            ids |= granted_org_ids(current_user.id)
            if current_user.organisation.kind == "regulator":
                ids |= jurisdiction_org_ids(current_user.organisation_id)
        g.visible_org_ids = frozenset(ids)
    return g.visible_org_ids


def _org_column(model: Any):
    return model.id if model.__name__ == "Organisation" else model.organisation_id


def scoped(query: Select, model: Any, orgs: Iterable[int] | None = None) -> Select:
    """Rows of the visible organisations; for tables where organisation may be null (built-in posts,
    plugin question sets and their questions) the shared rows too."""
    ids = visible_org_ids() if orgs is None else frozenset(orgs)
    column = _org_column(model)
    if getattr(column, "nullable", False):
        return query.where(column.in_(ids) | column.is_(None))
    return query.where(column.in_(ids))


def get_owned(model: type, id_: Any, *, with_for_update: Any = None) -> Any:
    """The row, or 404 when it is missing or belongs to an organisation the user may not see
    (rows with a null organisation are shared built-ins and visible to all). `with_for_update` as for
    `Session.get` (read afresh and locked)."""
    obj = session.get(model, id_, with_for_update=with_for_update)
    if obj is None:
        raise NotFound("没有找到")
    org_id = obj.id if type(obj).__name__ == "Organisation" else obj.organisation_id
    if org_id is not None and org_id not in visible_org_ids():
        raise NotFound("没有找到")
    return obj


def current_person():
    if not current_user.is_authenticated or current_user.person_id is None:
        return None
    return current_user.person


# --- next= validation ------------------------------------------------------------------------------------


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths: '/exams/3' yes; '//evil', 'https://…', '/\\evil', 'javascript:' no."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target
