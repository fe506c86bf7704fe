"""Who may read whose archive: the worker their own; a trainer, HR or admin their enterprise's people;
an inspector the people of their own enterprise and of those that granted them access. Anyone else gets
404 (another enterprise's ids are not confirmed to exist)."""

from __future__ import annotations

from flask_login import current_user
from werkzeug.exceptions import NotFound

from webapp.infra.db import session
from webapp.infra.security import visible_org_ids
from webapp.org.models import Person

READERS = ("worker", "trainer", "hr", "admin", "inspector")
STAFF = ("trainer", "hr", "admin", "inspector")


def readable_person(person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("没有找到此人")
    if current_user.has_role(*STAFF) and person.organisation_id in visible_org_ids():
        return person
    if current_user.person_id == person.id:
        return person
    raise NotFound("没有找到此人")
