"""Checking credentials, with the shared login throttle (see webapp.infra.security)."""

from __future__ import annotations

from sqlalchemy import select

from webapp.infra.db import session
from webapp.infra.security import (
    Throttled,
    check_secret,
    check_throttle,
    clear_failures,
    end_sessions,
    hash_secret,
    pin_key,
    record_failure,
    throttle_keys,
    tries_left_message,
)
from webapp.org.models import Person, User, UserRole
from webapp.org.service import person_by_employee_no

__all__ = [
    "LoginRefused",
    "PasswordRefused",
    "Throttled",
    "authenticate",
    "authenticate_pin",
    "change_password",
    "worker_user_for",
]

WRONG_PASSWORD = "用户名或密码错误。"
WRONG_PIN = "工号或 PIN 码错误。"
MIN_PASSWORD_LENGTH = 8


class LoginRefused(Exception):
    @property
    def message(self) -> str:
        return str(self.args[0])


def authenticate(username: str, password: str) -> User:
    """The active user with this username and password; raises LoginRefused or Throttled."""
    username = (username or "").strip()
    keys = throttle_keys("account", username.lower())
    check_throttle(keys)
    user = session.scalar(select(User).where(User.username == username)) if username else None
    ok = check_secret(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        raise LoginRefused(WRONG_PASSWORD + tries_left_message(record_failure(keys)))
    clear_failures(keys)
    return user


class PasswordRefused(Exception):
    """A refused password change: `field` is the form field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    @property
    def message(self) -> str:
        return str(self.args[0])


def change_password(user: User, current: str, new: str, again: str) -> None:
    """The user's own change: the current password first (a wrong one counts towards the account's
    sign-in throttle, so this page cannot be used to guess it), then the new one, hashed at full cost.
    Every other session of the user ends; the one making the request stays signed in."""
    if not user.password_hash:
        raise PasswordRefused("current", "您用工号和 PIN 码登录，没有密码可修改。")
    keys = throttle_keys("account", user.username.lower())
    check_throttle(keys)
    if not check_secret(user.password_hash, current or ""):
        record_failure(keys)
        raise PasswordRefused("current", "当前密码不正确。")
    clear_failures(keys)
    new = new or ""
    if len(new) < MIN_PASSWORD_LENGTH:
        raise PasswordRefused("new", f"新密码至少 {MIN_PASSWORD_LENGTH} 个字符。")
    if new.strip().lower() == user.username.strip().lower():
        raise PasswordRefused("new", "新密码不能与用户名相同。")
    if new != (again or ""):
        raise PasswordRefused("again", "两次输入的新密码不一致。")
    user.password_hash = hash_secret(new)
    end_sessions(user, keep_current=True)


def authenticate_pin(organisation_id: int | None, employee_no: str, pin: str) -> User:
    """The worker with this 工号 and PIN in the organisation; raises LoginRefused or Throttled."""
    employee_no = (employee_no or "").strip()
    keys = throttle_keys("pin", pin_key(organisation_id, employee_no))
    check_throttle(keys)
    person = person_by_employee_no(session, organisation_id, employee_no)
    ok = check_secret(person.pin_hash if person else None, pin or "", pin=True)
    if not ok or person is None or not person.active or not worker_user_for(person).active:
        raise LoginRefused(WRONG_PIN + tries_left_message(record_failure(keys)))
    user = worker_user_for(person)
    clear_failures(keys)
    return user


def worker_user_for(person: Person) -> User:
    """The person's account, created (worker role, PIN sign-in only) when the roster has none."""
    user = session.scalar(select(User).where(User.person_id == person.id).order_by(User.id))
    if user is None:
        user = User(
            organisation_id=person.organisation_id,
            username=f"p{person.organisation_id}-{person.employee_no}",
            password_hash=None,
            display_name=person.name,
            person_id=person.id,
            active=True,
        )
        user.role_rows = [UserRole(role="worker")]
        session.add(user)
        session.flush()
    return user
