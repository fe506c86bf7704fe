"""The HR roster: an Excel roster read into rows (every problem with its Sheet!R12 and reason), stored as
a preview, then written all or nothing; the people list and the edit page's changes.

Columns (header row found among the first rows; hints in brackets ignored): 工号, 姓名, 部门, 岗位 (one
or several, separated by 、 or ,), 用工形式 (正式/劳务派遣/外包/灵活用工), 入职日期, and optionally
身份证号, 手机, 邮箱, PIN. A post is named by its name (电焊工) or code (welding).

Worker accounts: username = 工号 (or ``<org>-<工号>`` when another organisation already uses it), sign-in
with 工号 + PIN; a 邮箱 goes on the account (e-mail reminders reach the worker there); an initial PIN is generated when the roster gives none and shown once, in the commit's
response. No PIN is ever stored in plain text: a roster's own PINs are hashed before the preview is stored.

Facts for the rules: a new person with an 入职日期 gets a `hired` event on that date and a `post_assigned`
event per post dated the same day (their first posts: pre-job training, never a change of post); a post
added later (edit page, or a later roster) is a `post_assigned` dated that day — a change of post.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import rules
from quizbank.formats.limits import ReadLimits
from webapp.infra import clock
from webapp.infra.errors import ApiError
from webapp.infra.security import hash_pin
from webapp.org.models import EMPLOYMENT_TYPES, Department, Person, PersonPost, Post, User, UserRole
from webapp.org.service import clean_email
from webapp.roster.workbook import (
    COLUMNS,
    REQUIRED,
    RosterError,
    cell_date,
    cell_text,
    header_layout,
    read_rows,
)
from webapp.standing.service import record_event

POST_SEPARATORS = re.compile(r"[、,，;；/]+")
PIN_PATTERN = re.compile(r"^\d{4,8}$")
ID_PATTERN = re.compile(r"^\d{17}[\dXx]$")
PHONE_PATTERN = re.compile(r"^1\d{10}$")


@dataclass(frozen=True)
class RosterRow:
    where: str
    employee_no: str
    name: str
    department: str
    posts: tuple[str, ...]  # post codes
    employment_type: str
    hired_on: str | None
    id_number: str | None
    phone: str | None
    pin: str | None  # plain, only in memory between parsing and `row_to_dict`
    pin_hash: str | None = None
    email: str | None = None


def parse_roster(
    s: Session,
    organisation_id: int,
    data: bytes,
    *,
    create_departments: bool,
    limits: ReadLimits,
    deadline: Callable[[], None] | None = None,
) -> tuple[list[RosterRow], list[dict[str, str]], list[str]]:
    """(good rows, problems [{where, message}], departments to create). Nothing is written."""
    sheet, rows = read_rows(data, limits=limits, deadline=deadline)
    header_number, header = rows[0]
    layout = header_layout(header)
    assert layout is not None
    missing = [COLUMNS[f][0] for f in REQUIRED if f not in layout]
    if missing:
        raise RosterError(f"{sheet}!R{header_number}：缺少列 {'、'.join(missing)}")

    posts = s.scalars(select(Post).where(Post.usable_by(organisation_id))).all()
    post_by_name = {p.name: p.code for p in posts} | {p.code: p.code for p in posts}
    departments = {
        d.name for d in s.scalars(select(Department).where(Department.organisation_id == organisation_id))
    }
    good: list[RosterRow] = []
    problems: list[dict[str, str]] = []
    seen: dict[str, str] = {}
    new_departments: list[str] = []

    def cell(row: list[object], field: str) -> object:
        i = layout.get(field)
        return row[i] if i is not None and i < len(row) else None

    for number, row in rows[1:]:
        if all(cell_text(c) == "" for c in row):
            continue
        where = f"{sheet}!R{number}"
        errors: list[str] = []
        no, name = cell_text(cell(row, "employee_no")), cell_text(cell(row, "name"))
        if not no:
            errors.append("工号为空")
        elif len(no) > 40:
            errors.append("工号太长（最多 40 个字符）")
        elif no in seen:
            errors.append(f"工号 {no} 重复（与 {seen[no]} 相同）")
        if not name:
            errors.append("姓名为空")
        post_names = [p.strip() for p in POST_SEPARATORS.split(cell_text(cell(row, "posts"))) if p.strip()]
        if not post_names:
            errors.append("岗位为空")
        codes = []
        for p in post_names:
            if p in post_by_name:
                codes.append(post_by_name[p])
            else:
                errors.append(f"岗位“{p}”不存在")
        department = cell_text(cell(row, "department"))
        if department and department not in departments and department not in new_departments:
            if create_departments:
                new_departments.append(department)
            else:
                errors.append(f"部门“{department}”不存在（可勾选“自动创建部门”）")
        employment = cell_text(cell(row, "employment_type")) or "正式"
        if employment not in EMPLOYMENT_TYPES:
            errors.append(f"用工形式“{employment}”不对（应为 {'/'.join(EMPLOYMENT_TYPES)}）")
        hired: date | None = None
        try:
            hired = cell_date(cell(row, "hired_on"))
        except ValueError:
            errors.append(f"入职日期“{cell_text(cell(row, 'hired_on'))}”不是日期（如 2024-03-01）")
        id_number = cell_text(cell(row, "id_number")) or None
        if id_number and not ID_PATTERN.match(id_number):
            errors.append("身份证号应为 18 位")
        phone = cell_text(cell(row, "phone")) or None
        if phone and not PHONE_PATTERN.match(phone):
            errors.append(f"手机号“{phone}”应为 11 位数字")
        email = None
        try:
            email = clean_email(cell_text(cell(row, "email")))
        except ValueError as e:
            errors.append(str(e))
        pin = cell_text(cell(row, "pin")) or None
        if pin and not PIN_PATTERN.match(pin):
            errors.append("PIN 应为 4 到 8 位数字")
        if no and no not in seen:
            seen[no] = where
        if errors:
            problems.append({"where": where, "message": "；".join(errors)})
            continue
        good.append(
            RosterRow(
                where=where,
                employee_no=no,
                name=name,
                department=department,
                posts=tuple(dict.fromkeys(codes)),
                employment_type=employment,
                hired_on=hired.isoformat() if hired else None,
                id_number=id_number.upper() if id_number else None,
                phone=phone,
                pin=pin,
                email=email,
            )
        )
    return good, problems, new_departments


def row_to_dict(r: RosterRow) -> dict[str, Any]:
    """The row as stored in the preview: a PIN the roster gives is kept only as its hash."""
    pin_hash = hash_pin(r.pin) if r.pin else r.pin_hash
    return {**r.__dict__, "posts": list(r.posts), "pin": None, "pin_hash": pin_hash}


def row_from_dict(d: dict[str, Any]) -> RosterRow:
    return RosterRow(**{**d, "posts": tuple(d["posts"])})


def existing_numbers(s: Session, organisation_id: int, numbers: list[str]) -> set[str]:
    if not numbers:
        return set()
    return set(
        s.scalars(
            select(Person.employee_no).where(
                Person.organisation_id == organisation_id, Person.employee_no.in_(numbers)
            )
        )
    )


def new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _username(s: Session, organisation_id: int, employee_no: str) -> str:
    taken = s.scalar(select(User.id).where(User.username == employee_no))
    return employee_no if taken is None else f"{organisation_id}-{employee_no}"


def assign_posts(
    s: Session, person: Person, codes: list[str] | tuple[str, ...], *, on: date, recorded_by: int | None
) -> list[str]:
    """Make the person's posts exactly `codes`; each newly assigned post is a `post_assigned` event (the
    rules engine then asks for 车间/班组 training before work). Returns the added codes."""
    posts = {p.code: p for p in s.scalars(select(Post).where(Post.code.in_(list(codes))))}
    current = {pp.post.code: pp for pp in person.posts}
    added = []
    for code in codes:
        if code not in current:
            person.posts.append(PersonPost(post_id=posts[code].id, since=on))
            record_event(s, person, rules.PostAssigned(on=on, post=code), recorded_by=recorded_by)
            added.append(code)
    for code, pp in current.items():
        if code not in codes:
            person.posts.remove(pp)
    s.flush()
    return added


def commit_roster(
    s: Session,
    organisation_id: int,
    rows: list[RosterRow],
    new_departments: list[str],
    *,
    recorded_by: int | None,
) -> list[dict[str, str]]:
    """Write every row (new people and accounts, or updates of existing 工号). Returns the PINs generated
    for new people [{employee_no, name, username, pin}] (the caller shows them once and stores none; PINs
    the roster gave are not returned: HR has them). Raises ApiError(409) when the roster changed
    since the preview in a way that makes a row invalid (e.g. a post deleted)."""
    departments = {
        d.name: d for d in s.scalars(select(Department).where(Department.organisation_id == organisation_id))
    }
    for name in new_departments:
        if name not in departments:
            d = Department(organisation_id=organisation_id, name=name)
            s.add(d)
            departments[name] = d
    s.flush()
    codes = {c for r in rows for c in r.posts}
    known = set(s.scalars(select(Post.code).where(Post.code.in_(list(codes)))))
    if codes - known:
        raise ApiError(409, "post_gone", f"岗位 {'、'.join(sorted(codes - known))} 已不存在，请重新上传")
    people = {
        p.employee_no: p
        for p in s.scalars(
            select(Person).where(
                Person.organisation_id == organisation_id,
                Person.employee_no.in_([r.employee_no for r in rows]),
            )
        )
    }
    today = clock.today()
    pins: list[dict[str, str]] = []
    for r in rows:
        department = departments.get(r.department) if r.department else None
        if r.department and department is None:
            raise ApiError(409, "department_gone", f"{r.where}：部门“{r.department}”已不存在，请重新上传")
        hired = date.fromisoformat(r.hired_on) if r.hired_on else None
        person = people.get(r.employee_no)
        if person is None:
            person = Person(organisation_id=organisation_id, employee_no=r.employee_no, active=True)
            s.add(person)
        person.name = r.name
        person.department_id = department.id if department else None
        person.employment_type = r.employment_type
        if hired:
            person.hired_on = hired
        if r.id_number:
            person.id_number = r.id_number
        if r.phone:
            person.phone = r.phone
        is_new = person.id is None
        generated = None
        if r.pin_hash:
            person.pin_hash = r.pin_hash
        elif r.pin:
            person.pin_hash = hash_pin(r.pin)
        elif is_new:
            generated = new_pin()
            person.pin_hash = hash_pin(generated)
        s.flush()
        if is_new and hired:
            record_event(s, person, rules.Hired(on=hired), recorded_by=recorded_by)
        # A new person's posts are their first ones, held since the hire date; for someone already here a
        # post the roster adds is a change of post, today.
        assign_posts(s, person, r.posts, on=hired if is_new and hired else today, recorded_by=recorded_by)
        account = s.scalar(
            select(User).where(User.person_id == person.id).order_by(User.active.desc(), User.id).limit(1)
        )
        if account is not None and r.email:
            account.email = r.email
        if account is None:
            user = User(
                organisation_id=organisation_id,
                username=_username(s, organisation_id, r.employee_no),
                password_hash=None,
                display_name=r.name,
                person_id=person.id,
                email=r.email,
                active=True,
            )
            user.role_rows = [UserRole(role="worker")]
            s.add(user)
            s.flush()
            if generated is not None:
                pins.append(
                    {
                        "employee_no": r.employee_no,
                        "name": r.name,
                        "username": user.username,
                        "pin": generated,
                    }
                )
    s.flush()
    return pins
