"""The organisation's department/team tree: add, rename, move, set or clear its head (部门负责人), deactivate,
reactivate, delete.

A department that has people (or sub-departments, or records pointing at it) is never deleted: it can be
deactivated instead, which keeps history intact. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.admin.service import audit
from webapp.org.models import Department, Person, User

NAME_MAX = 200


class DepartmentRefused(Exception):
    """A change the tree does not allow; the message says why, in the UI's language."""


@dataclass(frozen=True)
class Node:
    department: Department
    depth: int
    people: int  # active people directly in this department


def departments_of(s: Session, organisation_id: int) -> list[Department]:
    return list(
        s.scalars(
            select(Department).where(Department.organisation_id == organisation_id).order_by(Department.name)
        )
    )


def _children(departments: list[Department]) -> dict[int | None, list[Department]]:
    out: dict[int | None, list[Department]] = {}
    ids = {d.id for d in departments}
    for d in departments:
        out.setdefault(d.parent_id if d.parent_id in ids else None, []).append(d)
    return out


def tree(s: Session, organisation_id: int) -> list[Node]:
    """Depth-first, siblings by name; each node with its count of active people."""
    departments = departments_of(s, organisation_id)
    counts = dict(
        s.execute(
            select(Person.department_id, func.count())
            .where(Person.organisation_id == organisation_id, Person.active.is_(True))
            .group_by(Person.department_id)
        ).all()
    )
    children = _children(departments)
    out: list[Node] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for d in children.get(parent, []):
            if d.id in seen:  # a cycle written by hand into the database must not hang the page
                continue
            seen.add(d.id)
            out.append(Node(d, depth, counts.get(d.id, 0)))
            walk(d.id, depth + 1)

    walk(None, 0)
    return out


def descendant_ids(s: Session, department: Department) -> set[int]:
    children = _children(departments_of(s, department.organisation_id))
    out: set[int] = set()
    stack = [department.id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child.id not in out:
                out.add(child.id)
                stack.append(child.id)
    return out


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DepartmentRefused("请填写部门名称。")
    if len(name) > NAME_MAX:
        raise DepartmentRefused(f"部门名称不能超过 {NAME_MAX} 个字。")
    return name


def _check_unique(
    s: Session, organisation_id: int, parent_id: int | None, name: str, own_id: int | None
) -> None:
    query = select(Department.id).where(
        Department.organisation_id == organisation_id,
        Department.name == name,
        Department.parent_id.is_(None) if parent_id is None else Department.parent_id == parent_id,
    )
    if own_id is not None:
        query = query.where(Department.id != own_id)
    if s.scalar(query) is not None:
        raise DepartmentRefused(f"同一上级下已有名为“{name}”的部门。")


def _parent(s: Session, organisation_id: int, parent_id: int | None) -> Department | None:
    if parent_id is None:
        return None
    parent = s.get(Department, parent_id)
    if parent is None or parent.organisation_id != organisation_id:
        raise DepartmentRefused("所选的上级部门不存在。")
    if not parent.active:
        raise DepartmentRefused(f"上级部门“{parent.name}”已停用。")
    return parent


def add(s: Session, organisation_id: int, name: str, parent_id: int | None, *, by: int) -> Department:
    name = _clean_name(name)
    parent = _parent(s, organisation_id, parent_id)
    _check_unique(s, organisation_id, parent_id, name, None)
    d = Department(
        organisation_id=organisation_id, name=name, parent_id=parent.id if parent else None, active=True
    )
    s.add(d)
    s.flush()
    audit.record(s, organisation_id, by, "department_added", name, department_id=d.id, parent_id=d.parent_id)
    return d


def rename(s: Session, department: Department, name: str, *, by: int) -> None:
    name = _clean_name(name)
    if name == department.name:
        return
    _check_unique(s, department.organisation_id, department.parent_id, name, department.id)
    old, department.name = department.name, name
    s.flush()
    audit.record(
        s, department.organisation_id, by, "department_renamed", name, department_id=department.id, before=old
    )


def move(s: Session, department: Department, parent_id: int | None, *, by: int) -> None:
    if parent_id == department.id or (parent_id is not None and parent_id in descendant_ids(s, department)):
        raise DepartmentRefused("不能把部门移到它自己或它的下级部门之下。")
    parent = _parent(s, department.organisation_id, parent_id)
    _check_unique(s, department.organisation_id, parent_id, department.name, department.id)
    before, department.parent_id = department.parent_id, parent.id if parent else None
    s.flush()
    audit.record(
        s,
        department.organisation_id,
        by,
        "department_moved",
        department.name,
        department_id=department.id,
        before=before,
        after=department.parent_id,
    )


def find_head(s: Session, organisation_id: int, who: str) -> User:
    """The user named by 登录名 or by the 工号 of the roster person their account is linked to."""
    from webapp.org.service import person_by_employee_no

    who = (who or "").strip()
    if not who:
        raise DepartmentRefused("请填写负责人的登录名或工号。")
    user = s.scalar(
        select(User).where(User.organisation_id == organisation_id, func.lower(User.username) == who.lower())
    )
    if user is None:
        person = person_by_employee_no(s, organisation_id, who)
        if person is not None:
            user = s.scalar(
                select(User).where(User.person_id == person.id).order_by(User.active.desc(), User.id)
            )
    if user is None:
        raise DepartmentRefused(f"本单位没有登录名或工号为“{who[:80]}”的账号。")
    if not user.active:
        raise DepartmentRefused(f"{user.display_name}（{user.username}）的账号已停用，不能设为负责人。")
    return user


def set_head(s: Session, department: Department, user: User | None, *, by: int) -> None:
    """Make `user` (of the department's own enterprise, active) its head, or clear it with None."""
    if user is not None and (user.organisation_id != department.organisation_id or not user.active):
        raise DepartmentRefused("负责人须是本单位的在用账号。")
    before = department.head_user_id
    after = user.id if user else None
    if before == after:
        return
    department.head_user_id = after
    s.flush()
    previous = s.get(User, before) if before else None
    audit.record(
        s,
        department.organisation_id,
        by,
        "department_head_set" if user else "department_head_cleared",
        department.name,
        department_id=department.id,
        before=previous.username if previous else None,
        after=user.username if user else None,
    )


def _people_in(s: Session, ids: set[int], *, active_only: bool) -> int:
    query = select(func.count()).select_from(Person).where(Person.department_id.in_(ids))
    if active_only:
        query = query.where(Person.active.is_(True))
    return s.scalar(query) or 0


def deactivate(s: Session, department: Department, *, by: int) -> None:
    if not department.active:
        return
    active_children = [
        d.name
        for d in departments_of(s, department.organisation_id)
        if d.parent_id == department.id and d.active
    ]
    if active_children:
        raise DepartmentRefused(f"请先停用下级部门：{'、'.join(active_children)}。")
    people = _people_in(s, {department.id}, active_only=True)
    if people:
        raise DepartmentRefused(
            f"“{department.name}”还有 {people} 名在职人员，不能停用：请先在花名册中把他们调到其他部门。"
        )
    department.active = False
    s.flush()
    audit.record(
        s,
        department.organisation_id,
        by,
        "department_deactivated",
        department.name,
        department_id=department.id,
    )


def reactivate(s: Session, department: Department, *, by: int) -> None:
    if department.active:
        return
    if department.parent is not None and not department.parent.active:
        raise DepartmentRefused(f"请先启用上级部门“{department.parent.name}”。")
    department.active = True
    s.flush()
    audit.record(
        s,
        department.organisation_id,
        by,
        "department_reactivated",
        department.name,
        department_id=department.id,
    )


def delete(s: Session, department: Department, *, by: int) -> None:
    """Only an empty department with no history: otherwise say why and suggest deactivating it."""
    people = _people_in(s, {department.id}, active_only=False)
    if people:
        raise DepartmentRefused(
            f"“{department.name}”有 {people} 名人员（含离职），不能删除；可以先调整人员部门，或停用该部门。"
        )
    if s.scalar(select(Department.id).where(Department.parent_id == department.id)) is not None:
        raise DepartmentRefused(f"“{department.name}”下还有下级部门，不能删除。")
    org_id, name, dept_id = department.organisation_id, department.name, department.id
    try:
        with s.begin_nested():
            s.delete(department)
            s.flush()
    except IntegrityError:
        raise DepartmentRefused(f"“{name}”已有考试、检查或培训记录，不能删除；可以停用该部门。") from None
    audit.record(s, org_id, by, "department_deleted", name, department_id=dept_id)
