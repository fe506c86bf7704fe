"""Builders for the platform's tests: regulators, jurisdictions, the platform's operator, and a world of
two regulators and enterprises with a user of every role each. Builders flush, never commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from tests.webapp.base_builders import make_department, make_org, make_post, make_user, make_worker
from webapp.org.models import ROLES, InspectorGrant, Jurisdiction, Organisation, User


def make_regulator(s: Session, name: str = "应急管理局") -> Organisation:
    return make_org(s, name, kind="regulator")


def make_jurisdiction(
    s: Session,
    regulator: Organisation,
    enterprise: Organisation,
    starts_on: date,
    ends_on: date | None = None,
) -> Jurisdiction:
    row = Jurisdiction(
        regulator_id=regulator.id, enterprise_id=enterprise.id, starts_on=starts_on, ends_on=ends_on
    )
    s.add(row)
    s.flush()
    return row


def make_operator(s: Session, username: str = "operator") -> User:
    platform = make_org(s, "平台运营", kind="platform")
    return make_user(s, platform, username, ("operator",))


def make_outside_grant(s: Session, inspector: User, enterprise: Organisation) -> InspectorGrant:
    """`enterprise` lets the outside `inspector` in (as its admin would)."""
    row = InspectorGrant(user_id=inspector.id, organisation_id=enterprise.id)
    s.add(row)
    s.flush()
    return row


def enterprise_with_every_role(s: Session, name: str, prefix: str, post_code: str) -> Organisation:
    """An enterprise with a department, a worker and a user of every other enterprise role
    (usernames `<prefix>-<role>`)."""
    org = make_org(s, name)
    dept = make_department(s, org, f"{name}车间")
    post = make_post(s, post_code, f"{name}岗位")
    for role in ROLES:
        if role == "worker":
            make_worker(s, org, f"{prefix}-worker", post, department=dept, employee_no=f"{prefix.upper()}001")
        else:
            make_user(s, org, f"{prefix}-{role}", (role,))
    return org
