"""The platform operator's use cases: organisations (create, rename, suspend, reactivate), an organisation's
first admin, regulators' jurisdictions, and the operator's own account. Nothing here commits.

The operator manages organisations and nothing else: nothing here reads an enterprise's people, exams or
results. Every change is written to the audit log of each organisation it concerns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.admin.service import accounts, audit
from webapp.infra.security import hash_secret
from webapp.org.models import ORG_KINDS, Jurisdiction, Organisation, User, UserRole

PLATFORM_NAME = "平台运营"
MANAGED_KINDS = ("enterprise", "regulator")


class PlatformRefused(Exception):
    """A change refused, with the form field it concerns and the reason in Chinese."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class OrgRow:
    organisation: Organisation
    admins: int
    regulators: tuple[str, ...]  # for an enterprise: its current regulators' names
    enterprises: int  # for a regulator: enterprises in its jurisdiction today


# --- the platform's own organisation and its operators ------------------------------------------------


def platform_organisation(s: Session) -> Organisation:
    org = s.scalar(select(Organisation).where(Organisation.kind == "platform").order_by(Organisation.id))
    if org is None:
        org = Organisation(name=PLATFORM_NAME, kind="platform", policy={})
        s.add(org)
        s.flush()
    return org


def add_operator(
    s: Session, username: str, display_name: str, password: str | None = None
) -> tuple[User, str]:
    """A platform operator account (the command line's `quizbank operator add`); returns the password,
    generated when not given."""
    username = (username or "").strip()
    if not accounts.USERNAME.match(username):
        raise PlatformRefused("登录名为 2–80 位字母、数字或 . _ @ -，以字母或数字开头。", "username")
    if s.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
        raise PlatformRefused(f"登录名 {username} 已被使用。", "username")
    if password is not None and len(password) < 8:
        raise PlatformRefused("密码至少 8 个字符。", "password")
    org = platform_organisation(s)
    password = password or accounts.new_password()
    user = User(
        organisation_id=org.id,
        username=username,
        password_hash=hash_secret(password),
        display_name=(display_name or username).strip()[:100],
        active=True,
    )
    user.role_rows = [UserRole(role="operator")]
    s.add(user)
    s.flush()
    audit.record(s, org.id, None, "user_created", username, user_id=user.id, roles=["operator"])
    return user, password


# --- organisations -----------------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name or "").strip()
    if not name:
        raise PlatformRefused("请填写单位名称。", "name")
    if len(name) > 200:
        raise PlatformRefused("单位名称不超过 200 个字。", "name")
    return name


def managed(s: Session, organisation_id: int) -> Organisation | None:
    """An enterprise or regulator (never the platform's own organisation), or None."""
    org = s.get(Organisation, organisation_id)
    return org if org is not None and org.kind in MANAGED_KINDS else None


def organisations(s: Session, today: date, kind: str = "", q: str = "") -> list[OrgRow]:
    query = select(Organisation).where(Organisation.kind.in_(MANAGED_KINDS))
    if kind in MANAGED_KINDS:
        query = query.where(Organisation.kind == kind)
    if q.strip():
        query = query.where(Organisation.name.contains(q.strip(), autoescape=True))
    orgs = list(s.scalars(query.order_by(Organisation.kind, Organisation.name)))
    ids = [o.id for o in orgs]
    admins = dict(
        s.execute(
            select(User.organisation_id, func.count())
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.organisation_id.in_(ids), UserRole.role == "admin", User.active.is_(True))
            .group_by(User.organisation_id)
        ).all()
    )
    current = s.execute(
        select(Jurisdiction.enterprise_id, Jurisdiction.regulator_id, Organisation.name)
        .join(Organisation, Organisation.id == Jurisdiction.regulator_id)
        .where(Jurisdiction.current(today))
    ).all()
    regulators: dict[int, list[str]] = {}
    enterprises: dict[int, int] = {}
    for enterprise_id, regulator_id, name in current:
        regulators.setdefault(enterprise_id, []).append(name)
        enterprises[regulator_id] = enterprises.get(regulator_id, 0) + 1
    return [
        OrgRow(o, admins.get(o.id, 0), tuple(sorted(regulators.get(o.id, ()))), enterprises.get(o.id, 0))
        for o in orgs
    ]


def create_organisation(s: Session, kind: str, name: str, *, high_risk: bool, by: int) -> Organisation:
    if kind not in MANAGED_KINDS:
        raise PlatformRefused("单位类型只能是企业或监管部门。", "kind")
    name = _clean_name(name)
    if s.scalar(select(Organisation.id).where(Organisation.name == name, Organisation.kind == kind)):
        raise PlatformRefused(f"已有名为“{name}”的{ORG_KINDS[kind]}。", "name")
    org = Organisation(name=name, kind=kind, high_risk=high_risk and kind == "enterprise", policy={})
    s.add(org)
    s.flush()
    audit.record(s, org.id, by, "organisation_created", name, kind=kind)
    return org


def rename(s: Session, org: Organisation, name: str, *, by: int) -> None:
    name = _clean_name(name)
    if name == org.name:
        return
    clash = s.scalar(
        select(Organisation.id).where(
            Organisation.name == name, Organisation.kind == org.kind, Organisation.id != org.id
        )
    )
    if clash:
        raise PlatformRefused(f"已有名为“{name}”的{ORG_KINDS[org.kind]}。", "name")
    old, org.name = org.name, name
    audit.record(s, org.id, by, "organisation_renamed", name, old=old)


def suspend(s: Session, org: Organisation, *, by: int, now: datetime) -> None:
    """Its users can no longer sign in (their sessions end at the next request); regulators stop seeing it."""
    if org.suspended_at is None:
        org.suspended_at = now
        audit.record(s, org.id, by, "organisation_suspended", org.name)


def reactivate(s: Session, org: Organisation, *, by: int) -> None:
    if org.suspended_at is not None:
        org.suspended_at = None
        audit.record(s, org.id, by, "organisation_reactivated", org.name)


def admin_count(s: Session, organisation_id: int) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.organisation_id == organisation_id, UserRole.role == "admin", User.active.is_(True))
        )
        or 0
    )


def first_admin(
    s: Session, org: Organisation, username: str, display_name: str, *, by: int
) -> tuple[User, str]:
    """The organisation's first admin, with a one-time password (shown once, stored hashed). Refused once
    the organisation has an admin: from then on its own admin manages its users."""
    has_admin = s.scalar(
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id == org.id, UserRole.role == "admin")
        .limit(1)
    )
    if has_admin is not None:
        raise PlatformRefused(f"“{org.name}”已有管理员：其他账号由该单位的管理员自行管理。", "username")
    change = accounts.UserChange(
        display_name=display_name or username, roles=frozenset({"admin"}), employee_no="", active=True
    )
    try:
        user, password = accounts.create(s, org.id, username, change, by=by)
    except accounts.AccountRefused as e:
        raise PlatformRefused(e.message, e.field) from e
    audit.record(s, org.id, by, "first_admin_created", user.username, user_id=user.id)
    return user, password


# --- jurisdictions -----------------------------------------------------------------------------------------


def jurisdictions_of(s: Session, regulator: Organisation) -> list[Jurisdiction]:
    return list(
        s.scalars(
            select(Jurisdiction)
            .where(Jurisdiction.regulator_id == regulator.id)
            .order_by(Jurisdiction.ends_on.is_not(None), Jurisdiction.starts_on.desc(), Jurisdiction.id)
        )
    )


def overseers_of(s: Session, enterprise_id: int) -> list[Jurisdiction]:
    """The regulators an enterprise is (or was) overseen by: what its admin sees."""
    return list(
        s.scalars(
            select(Jurisdiction)
            .where(Jurisdiction.enterprise_id == enterprise_id)
            .order_by(Jurisdiction.starts_on.desc(), Jurisdiction.id)
        )
    )


def assign(
    s: Session, regulator: Organisation, enterprise: Organisation, starts_on: date, ends_on: date | None,
    *, by: int, now: datetime,
) -> Jurisdiction:  # fmt: skip
    if regulator.kind != "regulator":
        raise PlatformRefused("只能把企业划入监管部门的辖区。", "regulator")
    if enterprise.kind != "enterprise":
        raise PlatformRefused("只能把企业划入辖区。", "enterprise")
    if ends_on is not None and ends_on < starts_on:
        raise PlatformRefused("结束日期不能早于开始日期。", "ends_on")
    overlapping = s.scalar(
        select(Jurisdiction.id).where(
            Jurisdiction.regulator_id == regulator.id,
            Jurisdiction.enterprise_id == enterprise.id,
            Jurisdiction.ends_on.is_(None) | (Jurisdiction.ends_on >= starts_on),
            *([Jurisdiction.starts_on <= ends_on] if ends_on else []),
        )
    )
    if overlapping is not None:
        raise PlatformRefused(f"“{enterprise.name}”在这段时间已属于“{regulator.name}”的辖区。", "enterprise")
    row = Jurisdiction(
        regulator_id=regulator.id, enterprise_id=enterprise.id, starts_on=starts_on, ends_on=ends_on,
        created_by=by, created_at=now,
    )  # fmt: skip
    s.add(row)
    s.flush()
    data = {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat() if ends_on else None}
    audit.record(
        s, regulator.id, by, "jurisdiction_added", enterprise.name, enterprise_id=enterprise.id, **data
    )
    audit.record(
        s, enterprise.id, by, "jurisdiction_added", regulator.name, regulator_id=regulator.id, **data
    )
    return row


def end_jurisdiction(s: Session, row: Jurisdiction, ends_on: date, *, by: int) -> None:
    if ends_on < row.starts_on:
        raise PlatformRefused("结束日期不能早于开始日期。", "ends_on")
    row.ends_on = ends_on
    data = {"ends_on": ends_on.isoformat()}
    audit.record(
        s,
        row.regulator_id,
        by,
        "jurisdiction_ended",
        row.enterprise.name,
        enterprise_id=row.enterprise_id,
        **data,
    )
    audit.record(
        s,
        row.enterprise_id,
        by,
        "jurisdiction_ended",
        row.regulator.name,
        regulator_id=row.regulator_id,
        **data,
    )
