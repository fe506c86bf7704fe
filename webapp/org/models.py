"""Who is who: organisations, their departments, posts and the people who work them; their accounts, roles,
inspectors' grants, API tokens and the login throttle.

Standing is never stored: the `events` table (webapp.standing.models) holds facts and
`quizbank.rules.standing` derives status from them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from webapp.infra.db import Base, UTCDateTime

EMPLOYMENT_TYPES = ("正式", "劳务派遣", "外包", "灵活用工")
ROLES = ("worker", "trainer", "reviewer", "inspector", "hr", "admin")  # an enterprise's roles
ROLE_NAMES = {
    "worker": "作业人员",
    "trainer": "培训管理员",
    "reviewer": "题库审核员",
    "inspector": "检查人员",
    "hr": "人事/安全科",
    "admin": "系统管理员",
    "regulator": "监管人员",
    "operator": "平台运营",
}
ORG_KINDS = {"enterprise": "企业", "regulator": "监管部门", "platform": "平台"}
# The roles an organisation of each kind may give its users. The operator role exists only in the platform's
# own organisation and is given on the command line (`quizbank operator add`), never by an admin page.
ROLES_BY_KIND = {
    "enterprise": ROLES,
    "regulator": ("regulator", "inspector", "admin"),
    "platform": ("operator",),
}


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="enterprise")  # enterprise | regulator
    high_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # overrides of quizbank.rules.Policy
    # Set by the platform operator: its users cannot sign in and regulators no longer see it.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    departments: Mapped[list[Department]] = relationship(back_populates="organisation")


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )  # off: kept for history
    # 部门负责人: a user of the same enterprise, set by its admin; reminders about the department's people
    # reach them (a department without one: its parent's head, and so on up).
    head_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))

    organisation: Mapped[Organisation] = relationship(back_populates="departments")
    parent: Mapped[Department | None] = relationship(remote_side="Department.id")
    head: Mapped[User | None] = relationship(foreign_keys=[head_user_id])


class Post(Base):
    """A post (岗位/工种). Built-in posts come from the plugin registry (organisation null); an enterprise's
    own posts have codes unique within it (and not taken by a built-in: webapp.posts.service checks)."""

    __tablename__ = "posts"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    risk: Mapped[str] = mapped_column(String(10), default="normal")
    special_operation: Mapped[bool] = mapped_column(Boolean, default=False)  # needs an external certificate
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Which external certificate: "special_operation" (特种作业操作证) | "special_equipment" (特种设备作业人员证)
    certificate: Mapped[str | None] = mapped_column(String(30))
    certificate_kind: Mapped[str | None] = mapped_column(String(100))  # 作业类别/项目, e.g. 低压电工作业, N1
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # in use: retired, never deleted
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))

    @property
    def certificate_document(self) -> str | None:
        """The external certificate the post needs (older rows: special_operation alone)."""
        return self.certificate or ("special_operation" if self.special_operation else None)

    @classmethod
    def usable_by(cls, organisation_id: int) -> ColumnElement[bool]:
        """The built-in posts and the organisation's own."""
        return cls.organisation_id.is_(None) | (cls.organisation_id == organisation_id)


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("organisation_id", "employee_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    employee_no: Mapped[str] = mapped_column(String(40))
    employment_type: Mapped[str] = mapped_column(String(10), default="正式")
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    id_number: Mapped[str | None] = mapped_column(String(40))  # never shown unmasked: see masked_id_number
    phone: Mapped[str | None] = mapped_column(String(20))
    hired_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    department: Mapped[Department | None] = relationship()
    posts: Mapped[list[PersonPost]] = relationship(back_populates="person", cascade="all, delete-orphan")

    @property
    def masked_id_number(self) -> str:
        n = self.id_number or ""
        return n[:3] + "*" * max(len(n) - 7, 0) + n[-4:] if len(n) > 7 else "*" * len(n)


class PersonPost(Base):
    __tablename__ = "person_posts"
    __table_args__ = (UniqueConstraint("person_id", "post_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    since: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="posts")
    post: Mapped[Post] = relationship()


# Accounts, roles, inspectors' grants, API tokens and the login throttle shared by all app processes.


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: no password sign-in (PIN only)
    display_name: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # Optional; reminders by e-mail reach the user here (webapp.org.service.clean_email checks it).
    email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Stored in the session at sign-in and compared on every request: bumping it (sign-out, password or PIN
    # reset, role change, deactivation) ends every session signed in before (see webapp.infra.security).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    # flask-login
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # worker | trainer | inspector | hr | admin

    user: Mapped[User] = relationship(back_populates="role_rows")


class InspectorGrant(Base):
    """A named outside inspector may inspect this organisation (besides their own). Only the organisation
    itself gives it (its admin, `granted_by`), and only it revokes it."""

    __tablename__ = "inspector_grants"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Jurisdiction(Base):
    """An enterprise is in a regulator's jurisdiction from `starts_on` to `ends_on` (inclusive; open when
    null). Assigned by the platform operator only."""

    __tablename__ = "jurisdictions"
    __table_args__ = (Index("ix_jurisdictions_regulator", "regulator_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    regulator_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    regulator: Mapped[Organisation] = relationship(foreign_keys=[regulator_id])
    enterprise: Mapped[Organisation] = relationship(foreign_keys=[enterprise_id])

    @classmethod
    def current(cls, today: date) -> ColumnElement[bool]:
        return (cls.starts_on <= today) & (cls.ends_on.is_(None) | (cls.ends_on >= today))


class ApiToken(Base):
    """A bearer token for integrations; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Failed sign-ins per key ("account:NAME", "addr:IP", "pin:ORG:NO") in a fixed window."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)
