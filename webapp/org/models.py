"""Who is who: organisations, their departments, posts and the people who work them; their accounts, roles,
inspectors' grants, API tokens and the login throttle.

Standing is never stored: the `events` table (webapp.standing.models) holds facts and
`quizbank.rules.standing` derives status from them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from webapp.infra.db import Base, UTCDateTime

EMPLOYMENT_TYPES = ("正式", "劳务派遣", "外包", "灵活用工")
ROLES = ("worker", "trainer", "reviewer", "inspector", "hr", "admin")
ROLE_NAMES = {
    "worker": "作业人员",
    "trainer": "培训管理员",
    "reviewer": "题库审核员",
    "inspector": "检查人员",
    "hr": "人事/安全科",
    "admin": "系统管理员",
}


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="enterprise")  # enterprise | regulator
    high_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # overrides of quizbank.rules.Policy

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

    organisation: Mapped[Organisation] = relationship(back_populates="departments")
    parent: Mapped[Department | None] = relationship(remote_side="Department.id")


class Post(Base):
    """A post (岗位/工种). Built-in posts come from the plugin registry (organisation null)."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    risk: Mapped[str] = mapped_column(String(10), default="normal")
    special_operation: Mapped[bool] = mapped_column(Boolean, default=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)

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
    """An inspector may see this organisation's data (besides their own organisation's)."""

    __tablename__ = "inspector_grants"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))


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
