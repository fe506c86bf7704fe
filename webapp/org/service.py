"""Finding an organisation for a command (`quizbank import`, `quizbank report`): by id or by name; a roster
person by 工号; the head of a person's department (部门负责人); a user's e-mail address checked."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.org.models import Organisation


def find_organisation(s: Session, organisation: str | int | None) -> Organisation:
    """By id or exact name; without one, the only organisation there is. ValueError says what is wrong."""
    if organisation is None or str(organisation).strip() == "":
        orgs = s.scalars(select(Organisation).order_by(Organisation.id).limit(2)).all()
        if len(orgs) == 1:
            return orgs[0]
        if not orgs:
            raise ValueError("数据库中还没有单位（先运行 quizbank demo 或在管理页面创建）")
        raise ValueError("数据库中有多个单位：请用 --organisation 指定单位编号或名称")
    text = str(organisation).strip()
    row = s.get(Organisation, int(text)) if text.isdigit() else None
    if row is None:
        matches = s.scalars(select(Organisation).where(Organisation.name == text)).all()
        if len(matches) > 1:
            raise ValueError(f"有 {len(matches)} 个单位名为“{text}”：请用单位编号")
        row = matches[0] if matches else None
    if row is None:
        raise ValueError(f"单位“{text}”不存在")
    return row


def person_by_employee_no(s: Session, organisation_id: int | None, employee_no: str):
    """The person with this 工号 in the organisation, whatever its letters' case (`sf004` is `SF004`); an
    exact match wins when the roster holds both spellings."""
    from sqlalchemy import func

    from webapp.org.models import Person

    employee_no = (employee_no or "").strip()
    if not organisation_id or not employee_no:
        return None
    rows = s.scalars(
        select(Person)
        .where(
            Person.organisation_id == organisation_id, func.lower(Person.employee_no) == employee_no.lower()
        )
        .order_by(Person.id)
    ).all()
    exact = [p for p in rows if p.employee_no == employee_no]
    return (exact or rows or [None])[0]


def department_head(s: Session, person_id: int):
    """The 部门负责人 of the person's department: its head, else the nearest parent department's. A head
    whose account is inactive, or who is the person themself, does not count (the walk goes on up)."""
    from webapp.org.models import Department, Person, User

    person = s.get(Person, person_id)
    department_id = person.department_id if person else None
    seen: set[int] = set()
    while department_id is not None and department_id not in seen:
        seen.add(department_id)
        department = s.get(Department, department_id)
        if department is None or department.organisation_id != person.organisation_id:
            return None
        head = s.get(User, department.head_user_id) if department.head_user_id else None
        if (
            head is not None
            and head.active
            and head.organisation_id == person.organisation_id
            and head.person_id != person.id
        ):
            return head
        department_id = department.parent_id
    return None


EMAIL_MAX = 254
# One address as people type it: a local part without spaces or brackets, @, a domain of dot-separated labels
# ending in letters (an internationalised domain written in its own script is accepted as typed).
_EMAIL = re.compile(
    r"^[^\s@<>(),;:\"\[\]]{1,64}@(?=.{1,253}$)(?:[^\s@.<>(),;:\"\[\]_]+\.)+[^\s@.<>(),;:\"\[\]_\d]{2,63}$"
)


def clean_email(value: str | None) -> str | None:
    """The address trimmed (its domain lower-cased), None when blank; ValueError says what is wrong."""
    text = (value or "").strip().replace("＠", "@")
    if not text:
        return None
    if len(text) > EMAIL_MAX:
        raise ValueError(f"电子邮箱太长（最多 {EMAIL_MAX} 个字符）")
    if not _EMAIL.match(text) or ".." in text:
        raise ValueError(f"电子邮箱“{text[:80]}”格式不对（如 zhangsan@example.com）")
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"
