"""Which of an organisation's people are locked out of PIN sign-in, and unlocking one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.infra.security import is_locked, pin_key, unlock
from webapp.org.models import LoginThrottle, Person, User


def _keys(person: Person, s: Session) -> list[str]:
    """The throttle keys a person's sign-in counts under: their 工号 (PIN) and any account username."""
    keys = [f"pin:{pin_key(person.organisation_id, person.employee_no)}"]
    for username in s.scalars(select(User.username).where(User.person_id == person.id)):
        keys.append(f"account:{username.lower()}"[:200])
    return keys


def locked_people(s: Session, organisation_id: int) -> list[Person]:
    prefix = f"pin:{organisation_id}:"
    numbers = {
        key.removeprefix(prefix)
        for key in s.scalars(select(LoginThrottle.key).where(LoginThrottle.key.startswith(prefix)))
        if is_locked(key)
    }
    if not numbers:
        return []
    people = s.scalars(
        select(Person).where(Person.organisation_id == organisation_id).order_by(Person.employee_no)
    )
    return [p for p in people if p.employee_no.strip().lower() in numbers]


def unlock_person(s: Session, person: Person) -> bool:
    """Forget the person's failed sign-ins; True when they were counting any."""
    return any([unlock(key) for key in _keys(person, s)])
