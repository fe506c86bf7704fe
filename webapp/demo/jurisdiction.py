"""The demo's platform (idempotent): an operator, a regulator (开发区应急管理局) with staff, an inspector and an
admin, and its jurisdiction of three enterprises — the demo enterprise and two smaller ones, each with an
admin, a department and a few workers on built-in posts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.org.models import Department, Jurisdiction, Organisation, Person, PersonPost, Post

REGULATOR = "示范开发区应急管理局"
OPERATOR = ("demo-operator", "Operator#2025", "平台运营 林涛")
REGULATOR_STAFF = {
    "regulator": ("demo-regulator", "Regulator#2025", "安监科 何平"),
    "inspector": ("demo-reg-inspector", "RegInspector#2025", "执法检查员 马超"),
    "admin": ("demo-reg-admin", "RegAdmin#2025", "监管部门管理员"),
}
NEIGHBOURS = {  # name → (admin username, password, workers: (name, preferred post))
    "示范机械制造有限公司": ("demo-jx-admin", "JxAdmin#2025", (("钱勇", "welding"), ("冯雪", "forklift"), ("蒋涛", "work-at-height"))),
    "示范仓储物流有限公司": ("demo-cc-admin", "CcAdmin#2025", (("韩梅", "forklift"), ("曹亮", "forklift"), ("邓娟", "low-voltage-electrician"))),
}  # fmt: skip
SINCE = date(2025, 1, 1)


def _org(s: Session, name: str, kind: str) -> Organisation:
    org = s.scalar(select(Organisation).where(Organisation.name == name, Organisation.kind == kind))
    if org is None:
        org = Organisation(name=name, kind=kind, high_risk=False, policy={})
        s.add(org)
        s.flush()
    return org


def _in_jurisdiction(s: Session, regulator: Organisation, enterprise: Organisation) -> None:
    if not s.scalar(
        select(Jurisdiction.id).where(
            Jurisdiction.regulator_id == regulator.id, Jurisdiction.enterprise_id == enterprise.id
        )
    ):
        s.add(Jurisdiction(regulator_id=regulator.id, enterprise_id=enterprise.id, starts_on=SINCE))


def seed_platform(s: Session, demo_org: Organisation, posts: dict[str, Post], make_user) -> dict:
    """`make_user(org, username, password, name, roles)` is the demo's own (idempotent, hashes once)."""
    platform = _org(s, "平台运营", "platform")
    username, password, name = OPERATOR
    make_user(platform, username, password, name, ("operator",))
    out: dict = {"operator": {"username": username, "password": password}}
    regulator = _org(s, REGULATOR, "regulator")
    for role, (username, password, name) in REGULATOR_STAFF.items():
        make_user(regulator, username, password, name, (role,))
        out["regulator_inspector" if role == "inspector" else f"regulator_{role}".replace("regulator_regulator", "regulator")] = {
            "username": username, "password": password,
        }  # fmt: skip
    enterprises = [demo_org.name]
    _in_jurisdiction(s, regulator, demo_org)
    ordered = sorted(posts.values(), key=lambda p: p.code)
    for org_name, (admin, password, workers) in NEIGHBOURS.items():
        org = _org(s, org_name, "enterprise")
        make_user(org, admin, password, "系统管理员", ("admin",))
        dept = s.scalar(select(Department).where(Department.organisation_id == org.id))
        if dept is None:
            dept = Department(organisation_id=org.id, name="生产车间")
            s.add(dept)
            s.flush()
        for i, (person_name, preferred) in enumerate(workers, start=1):
            no = f"W{i:03d}"
            person = s.scalar(
                select(Person).where(Person.organisation_id == org.id, Person.employee_no == no)
            )
            if person is None:
                person = Person(
                    organisation_id=org.id, employee_no=no, name=person_name, department_id=dept.id
                )
                s.add(person)
                s.flush()
                post = posts.get(preferred) or ordered[i % len(ordered)]
                s.add(PersonPost(person_id=person.id, post_id=post.id, since=SINCE))
        _in_jurisdiction(s, regulator, org)
        enterprises.append(org_name)
        out.setdefault("enterprise_admins", []).append(
            {"organisation": org_name, "username": admin, "password": password}
        )
    s.flush()
    out["regulator_name"], out["enterprises"] = REGULATOR, enterprises
    return out
