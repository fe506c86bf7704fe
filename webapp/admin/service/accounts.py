"""Users of the admin's organisation: search, create, change roles, reset passwords, (de)activate, and
inspectors' grants to further organisations. Nothing here commits.

Rules: an admin never removes their own admin role nor deactivates themselves (the organisation must not
lock itself out by a slip); a person of the roster is linked to at most one active account.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from webapp.admin.service import audit
from webapp.infra.security import end_sessions, hash_secret
from webapp.org.models import ROLE_NAMES, ROLES, InspectorGrant, Organisation, Person, User, UserRole

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$")
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I
PER_PAGE = 50


class AccountRefused(Exception):
    """A change refused, with the field it concerns (for the form) and the reason in Chinese."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class UserChange:
    display_name: str
    roles: frozenset[str]
    employee_no: str  # "" → no linked person
    active: bool


def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))


def search(
    s: Session, organisation_id: int, q: str = "", role: str = "", status: str = "active", page: int = 1
) -> tuple[list[User], int]:
    query = select(User).where(User.organisation_id == organisation_id)
    q = q.strip()
    if q:
        query = query.where(
            or_(User.username.contains(q, autoescape=True), User.display_name.contains(q, autoescape=True))
        )
    if role in ROLES:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = s.scalars(query.order_by(User.username).offset((max(page, 1) - 1) * PER_PAGE).limit(PER_PAGE))
    return list(users), total


def _clean_roles(roles: Iterable[str]) -> frozenset[str]:
    roles = frozenset(roles)
    unknown = roles - set(ROLES)
    if unknown:
        raise AccountRefused(f"没有这个角色：{'、'.join(sorted(unknown))}", "roles")
    if not roles:
        raise AccountRefused("请至少选择一个角色。", "roles")
    return roles


def _person(s: Session, organisation_id: int, employee_no: str, own_user_id: int | None) -> Person | None:
    employee_no = employee_no.strip()
    if not employee_no:
        return None
    person = s.scalar(
        select(Person).where(Person.organisation_id == organisation_id, Person.employee_no == employee_no)
    )
    if person is None:
        raise AccountRefused(f"花名册中没有工号为 {employee_no} 的人员。", "employee_no")
    other = s.scalar(
        select(User).where(User.person_id == person.id, User.active.is_(True), User.id != (own_user_id or 0))
    )
    if other is not None:
        raise AccountRefused(f"{person.name}（{employee_no}）已关联账号 {other.username}。", "employee_no")
    return person


def _clean_display_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise AccountRefused("请填写姓名。", "display_name")
    return name[:100]


def create(
    s: Session, organisation_id: int, username: str, change: UserChange, *, by: int
) -> tuple[User, str]:
    """The new user and their initial password (shown once, stored hashed)."""
    username = username.strip()
    if not USERNAME.match(username):
        raise AccountRefused("登录名为 2–80 位字母、数字或 . _ @ -，以字母或数字开头。", "username")
    if s.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
        raise AccountRefused(f"登录名 {username} 已被使用。", "username")
    roles = _clean_roles(change.roles)
    person = _person(s, organisation_id, change.employee_no, None)
    password = new_password()
    user = User(
        organisation_id=organisation_id,
        username=username,
        password_hash=hash_secret(password),
        display_name=_clean_display_name(change.display_name),
        person_id=person.id if person else None,
        active=True,
    )
    user.role_rows = [UserRole(role=r) for r in sorted(roles)]
    s.add(user)
    s.flush()
    audit.record(s, organisation_id, by, "user_created", username, user_id=user.id, roles=sorted(roles))
    return user, password


def update(s: Session, user: User, change: UserChange, *, by: User) -> None:
    roles = _clean_roles(change.roles)
    if user.id == by.id and "admin" not in roles:
        raise AccountRefused("不能取消自己的系统管理员角色：请由另一位管理员操作。", "roles")
    if user.id == by.id and not change.active:
        raise AccountRefused("不能停用自己的账号。", "active")
    person = _person(s, user.organisation_id, change.employee_no, user.id)
    before = {"display_name": user.display_name, "roles": sorted(user.roles), "person_id": user.person_id}
    user.display_name = _clean_display_name(change.display_name)
    user.person_id = person.id if person else None
    keep = [r for r in user.role_rows if r.role in roles]
    user.role_rows = keep + [UserRole(role=r) for r in sorted(roles - {r.role for r in keep})]
    after = {"display_name": user.display_name, "roles": sorted(roles), "person_id": user.person_id}
    was_active = user.active
    user.active = change.active
    s.flush()
    if before["roles"] != after["roles"] or (was_active and not user.active):
        end_sessions(user)  # signed in with other roles, or no longer allowed in: sign in again
    if before != after:
        audit.record(
            s, user.organisation_id, by.id, "user_changed", user.username, before=before, after=after
        )
    if was_active != user.active:
        action = "user_reactivated" if user.active else "user_deactivated"
        audit.record(s, user.organisation_id, by.id, action, user.username, user_id=user.id)


def reset_password(s: Session, user: User, *, by: int) -> str:
    password = new_password()
    user.password_hash = hash_secret(password)
    end_sessions(user)
    audit.record(s, user.organisation_id, by, "password_reset", user.username, user_id=user.id)
    return password


def role_labels(user: User) -> str:
    return "、".join(ROLE_NAMES[r] for r in ROLES if r in user.roles)


# --- inspector grants ------------------------------------------------------------------------------------


def grants_of(s: Session, user: User) -> list[tuple[InspectorGrant, Organisation]]:
    return list(
        s.execute(
            select(InspectorGrant, Organisation)
            .join(Organisation, Organisation.id == InspectorGrant.organisation_id)
            .where(InspectorGrant.user_id == user.id)
            .order_by(Organisation.name)
        ).all()
    )


def grantable_organisations(s: Session, user: User) -> list[Organisation]:
    """Organisations other than the user's own that they hold no grant for yet."""
    granted = select(InspectorGrant.organisation_id).where(InspectorGrant.user_id == user.id)
    return list(
        s.scalars(
            select(Organisation)
            .where(Organisation.id != user.organisation_id, Organisation.id.not_in(granted))
            .order_by(Organisation.name)
        )
    )


def grant(s: Session, user: User, organisation_id: int, *, by: int) -> InspectorGrant:
    if "inspector" not in user.roles:
        raise AccountRefused(
            "只能为检查人员授权检查其他企业：请先给该用户加上“检查人员”角色。", "organisation"
        )
    org = s.get(Organisation, organisation_id)
    if org is None:
        raise AccountRefused("没有这个企业。", "organisation")
    if org.id == user.organisation_id:
        raise AccountRefused("本企业无需授权。", "organisation")
    existing = s.scalar(
        select(InspectorGrant).where(
            InspectorGrant.user_id == user.id, InspectorGrant.organisation_id == org.id
        )
    )
    if existing is not None:
        raise AccountRefused(f"{user.display_name} 已有“{org.name}”的检查授权。", "organisation")
    row = InspectorGrant(user_id=user.id, organisation_id=org.id)
    s.add(row)
    s.flush()
    audit.record(
        s,
        user.organisation_id,
        by,
        "grant_added",
        user.username,
        user_id=user.id,
        organisation_id=org.id,
        organisation=org.name,
    )
    return row


def revoke_grant(s: Session, user: User, grant_id: int, *, by: int) -> Organisation | None:
    """Remove the grant (of this user); None when there is no such grant."""
    row = s.get(InspectorGrant, grant_id)
    if row is None or row.user_id != user.id:
        return None
    org = s.get(Organisation, row.organisation_id)
    s.delete(row)
    s.flush()
    audit.record(
        s,
        user.organisation_id,
        by,
        "grant_revoked",
        user.username,
        user_id=user.id,
        organisation_id=row.organisation_id,
        organisation=org.name if org else "",
    )
    return org
