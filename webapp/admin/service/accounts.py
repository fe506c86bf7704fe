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
from webapp.org.models import (
    ROLE_NAMES,
    ROLES_BY_KIND,
    InspectorGrant,
    Organisation,
    Person,
    User,
    UserRole,
)
from webapp.org.service import clean_email

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
    email: str = ""  # "" → none


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
    if role in ROLE_NAMES:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = s.scalars(query.order_by(User.username).offset((max(page, 1) - 1) * PER_PAGE).limit(PER_PAGE))
    return list(users), total


def _clean_roles(s: Session, organisation_id: int, roles: Iterable[str]) -> frozenset[str]:
    """Only the roles an organisation of this kind gives (an enterprise admin cannot make an operator)."""
    roles = frozenset(roles)
    org = s.get(Organisation, organisation_id)
    unknown = roles - set(ROLES_BY_KIND.get(org.kind if org else "enterprise", ()))
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


def _clean_email(email: str) -> str | None:
    try:
        return clean_email(email)
    except ValueError as e:
        raise AccountRefused(f"{e}。", "email") from None


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
    roles = _clean_roles(s, organisation_id, change.roles)
    person = _person(s, organisation_id, change.employee_no, None)
    email = _clean_email(change.email)
    password = new_password()
    user = User(
        organisation_id=organisation_id,
        username=username,
        password_hash=hash_secret(password),
        display_name=_clean_display_name(change.display_name),
        person_id=person.id if person else None,
        email=email,
        active=True,
    )
    user.role_rows = [UserRole(role=r) for r in sorted(roles)]
    s.add(user)
    s.flush()
    audit.record(s, organisation_id, by, "user_created", username, user_id=user.id, roles=sorted(roles))
    return user, password


def update(s: Session, user: User, change: UserChange, *, by: User) -> None:
    roles = _clean_roles(s, user.organisation_id, change.roles)
    if user.id == by.id and "admin" not in roles:
        raise AccountRefused("不能取消自己的系统管理员角色：请由另一位管理员操作。", "roles")
    if user.id == by.id and not change.active:
        raise AccountRefused("不能停用自己的账号。", "active")
    person = _person(s, user.organisation_id, change.employee_no, user.id)
    email = _clean_email(change.email)
    before = {
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "person_id": user.person_id,
        "email": user.email,
    }
    user.display_name = _clean_display_name(change.display_name)
    user.person_id = person.id if person else None
    user.email = email
    keep = [r for r in user.role_rows if r.role in roles]
    user.role_rows = keep + [UserRole(role=r) for r in sorted(roles - {r.role for r in keep})]
    after = {
        "display_name": user.display_name,
        "roles": sorted(roles),
        "person_id": user.person_id,
        "email": user.email,
    }
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
    return "、".join(ROLE_NAMES[r] for r in ROLE_NAMES if r in user.roles)


# --- outside inspectors: granted by the enterprise that is inspected, never by the inspector's own side ----


def grants_of(s: Session, user: User) -> list[tuple[InspectorGrant, Organisation]]:
    """The organisations that granted this inspector access (shown read-only on the inspector's own side)."""
    return list(
        s.execute(
            select(InspectorGrant, Organisation)
            .join(Organisation, Organisation.id == InspectorGrant.organisation_id)
            .where(InspectorGrant.user_id == user.id)
            .order_by(Organisation.name)
        ).all()
    )


def outside_inspectors(s: Session, organisation_id: int) -> list[tuple[InspectorGrant, User, Organisation]]:
    """The named outside inspectors this organisation let in, with their own organisation."""
    return list(
        s.execute(
            select(InspectorGrant, User, Organisation)
            .join(User, User.id == InspectorGrant.user_id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(InspectorGrant.organisation_id == organisation_id)
            .order_by(Organisation.name, User.username)
        ).all()
    )


def grant_outside(s: Session, organisation_id: int, username: str, *, by: int, now) -> InspectorGrant:
    """This organisation (its admin, `by`) lets the named inspector of another organisation inspect it —
    itself alone. Recorded in both organisations' audit logs."""
    username = (username or "").strip()
    user = s.scalar(select(User).where(func.lower(User.username) == username.lower())) if username else None
    if user is None or not user.active:
        raise AccountRefused(f"没有登录名为“{username[:80]}”的在用账号。", "username")
    if user.organisation_id == organisation_id:
        raise AccountRefused("这是本单位的账号：本单位的检查人员无需授权。", "username")
    if "inspector" not in user.roles or user.organisation.kind == "platform":
        raise AccountRefused(f"{user.display_name}（{user.username}）不是检查人员，不能授权。", "username")
    existing = s.scalar(
        select(InspectorGrant).where(
            InspectorGrant.user_id == user.id, InspectorGrant.organisation_id == organisation_id
        )
    )
    if existing is not None:
        raise AccountRefused(f"{user.display_name}（{user.username}）已有本单位的检查授权。", "username")
    own = s.get(Organisation, organisation_id)
    row = InspectorGrant(user_id=user.id, organisation_id=organisation_id, granted_by=by, granted_at=now)
    s.add(row)
    s.flush()
    audit.record(
        s, organisation_id, by, "grant_added", user.username,
        user_id=user.id, inspector_organisation=user.organisation.name,
    )  # fmt: skip
    audit.record(
        s, user.organisation_id, None, "access_granted", user.username,
        user_id=user.id, organisation_id=organisation_id, organisation=own.name if own else "",
    )  # fmt: skip
    return row


def revoke_outside(s: Session, organisation_id: int, grant_id: int, *, by: int) -> User | None:
    """Withdraw a grant this organisation gave; None when it gave no such grant."""
    row = s.get(InspectorGrant, grant_id)
    if row is None or row.organisation_id != organisation_id:
        return None
    user = s.get(User, row.user_id)
    own = s.get(Organisation, organisation_id)
    s.delete(row)
    s.flush()
    assert user is not None
    audit.record(
        s, organisation_id, by, "grant_revoked", user.username,
        user_id=user.id, inspector_organisation=user.organisation.name,
    )  # fmt: skip
    audit.record(
        s, user.organisation_id, None, "access_revoked", user.username,
        user_id=user.id, organisation_id=organisation_id, organisation=own.name if own else "",
    )  # fmt: skip
    return user
