"""The demo enterprise (idempotent): `seed_demo(session, now)` → DESIGN §5's `quizbank demo --json` shape."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.bank.sets import bank_rows
from webapp.demo.certificates import seed_demo_certificates
from webapp.demo.history import seed_history
from webapp.demo.jurisdiction import seed_platform
from webapp.exams.models import Exam
from webapp.exams.service import schedule_exam
from webapp.infra import clock
from webapp.infra.security import check_secret, hash_pin, hash_secret
from webapp.org.models import (
    Department,
    InspectorGrant,
    Organisation,
    Person,
    PersonPost,
    Post,
    User,
    UserRole,
)

ORG_NAME = "示范化工有限公司"  # hazardous chemicals: a high-risk enterprise (72 学时 pre-job training)
DEPARTMENTS = ("生产一车间", "设备维修车间")
STAFF = {
    "admin": ("demo-admin", "Admin#2025", "系统管理员"),
    "trainer": ("demo-trainer", "Trainer#2025", "培训管理员 周敏"),
    "inspector": ("demo-inspector", "Inspector#2025", "安全检查员 郑强"),
    "hr": ("demo-hr", "Hr#2025", "安全科 吴婷"),
}
WORKERS = [  # name, employment type, department index, preferred posts
    ("张伟", "正式", 0, "welding"),
    ("王芳", "正式", 0, "hazardous-chemicals"),
    ("李娜", "劳务派遣", 0, "hazardous-chemicals"),
    ("刘洋", "外包", 1, "low-voltage-electrician"),
    ("陈杰", "正式", 1, "low-voltage-electrician"),
    ("杨静", "灵活用工", 0, "confined-space"),
    ("赵磊", "劳务派遣", 1, "welding"),
    ("黄敏", "正式", 0, "work-at-height"),
    ("周涛", "外包", 1, "forklift"),
    ("吴霞", "正式", 0, "combustible-dust"),
    ("徐斌", "灵活用工", 1, "welding"),
    ("孙丽", "正式", 0, "confined-space"),
]
WORKER_PASSWORD = "Worker#2025"
EXAM_TITLE = "示范：定期安全考试"


class _Hashes:
    """Each distinct secret hashed once (the workers share one password hash); a stored hash that
    already matches is kept, so a second seeding writes nothing."""

    def __init__(self) -> None:
        self.checked: dict[str, str] = {}  # hash → the secret it was found to match
        self.made: dict[str, str] = {}  # secret → the hash made for it here

    def __call__(self, current: str | None, secret: str, *, pin: bool = False) -> str:
        if current and (self.checked.get(current) == secret or check_secret(current, secret, pin=pin)):
            self.checked[current] = secret
            return current
        if secret not in self.made:
            self.made[secret] = (hash_pin if pin else hash_secret)(secret)
        return self.made[secret]


def _user(
    s: Session, org: Organisation, username: str, password: str, name: str, roles, hashes, person=None
) -> User:
    user = s.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(organisation_id=org.id, username=username, display_name=name, active=True)
        user.role_rows = [UserRole(role=r) for r in roles]
        s.add(user)
    user.password_hash = hashes(user.password_hash, password)
    user.person_id = person.id if person else None
    user.active = True
    s.flush()
    return user


def _pick_post(posts: dict[str, Post], preferred: str, i: int) -> Post:
    if preferred in posts:
        return posts[preferred]
    ordered = sorted(posts.values(), key=lambda p: p.code)
    return ordered[i % len(ordered)]


def seed_demo(s: Session, now: datetime) -> dict:
    """Create or refresh the demo enterprise. Needs the built-in posts loaded (serve/demo load them first)."""
    org = s.scalar(select(Organisation).where(Organisation.name == ORG_NAME))
    if org is None:
        org = Organisation(name=ORG_NAME, kind="enterprise", high_risk=True, policy={})
        s.add(org)
        s.flush()
    departments = []
    for name in DEPARTMENTS:
        d = s.scalar(select(Department).where(Department.organisation_id == org.id, Department.name == name))
        if d is None:
            d = Department(organisation_id=org.id, name=name)
            s.add(d)
            s.flush()
        departments.append(d)

    posts = {p.code: p for p in s.scalars(select(Post).where(Post.organisation_id.is_(None)))}
    if not posts:
        raise RuntimeError("没有岗位：请先加载题库（quizbank serve 或 quizbank demo 会自动加载内置题库）")

    hashes = _Hashes()
    users: dict = {}
    staff: dict[str, User] = {}
    for role, (username, password, name) in STAFF.items():
        # The demo trainer also holds the reviewer right, so the demo can publish what it imports.
        roles = (role, "reviewer") if role == "trainer" else (role,)
        user = staff[role] = _user(s, org, username, password, name, roles, hashes)
        users[role] = {"username": username, "password": password}
        if role == "inspector" and not s.scalar(
            select(InspectorGrant).where(
                InspectorGrant.user_id == user.id, InspectorGrant.organisation_id == org.id
            )
        ):
            s.add(InspectorGrant(user_id=user.id, organisation_id=org.id))

    workers = []
    for i, (name, employment, dept_index, preferred) in enumerate(WORKERS, start=1):
        employee_no, pin = f"SF{i:03d}", f"{1000 + i}"
        post = _pick_post(posts, preferred, i)
        dept = departments[dept_index]
        person = s.scalar(
            select(Person).where(Person.organisation_id == org.id, Person.employee_no == employee_no)
        )
        if person is None:
            person = Person(organisation_id=org.id, employee_no=employee_no)
            s.add(person)
        person.name, person.employment_type, person.department_id = name, employment, dept.id
        person.pin_hash, person.active = hashes(person.pin_hash, pin, pin=True), True
        person.hired_on = person.hired_on or date(2024, 3, 1)
        s.flush()
        if not s.scalar(select(PersonPost).where(PersonPost.person_id == person.id)):
            s.add(PersonPost(person_id=person.id, post_id=post.id, since=person.hired_on))
        held = s.scalar(select(Post).join(PersonPost).where(PersonPost.person_id == person.id))
        username = f"worker{i:02d}"
        _user(s, org, username, WORKER_PASSWORD, name, ("worker",), hashes, person=person)
        workers.append(
            {
                "person_id": person.id,
                "username": username,
                "password": WORKER_PASSWORD,
                "employee_no": employee_no,
                "pin": pin,
                "post": held.code,
                "department_id": dept.id,
            }
        )

    # An exam open now for the first worker's post (the post with questions enough, when there is a choice).
    exam_post = s.get(Post, s.scalar(select(Post.id).where(Post.code == workers[0]["post"])))
    if len(bank_rows(s, exam_post.code, org.id)) == 0:
        for w in workers:
            candidate = s.scalar(select(Post).where(Post.code == w["post"]))
            if bank_rows(s, candidate.code, org.id):
                exam_post = candidate
                break
    open_exam = s.scalar(
        select(Exam).where(
            Exam.organisation_id == org.id,
            Exam.title == EXAM_TITLE,
            Exam.post_id == exam_post.id,
            Exam.opens_at <= now,
            Exam.closes_at > now + timedelta(days=1),
        )
    )
    if open_exam is None:
        schedule_exam(
            s,
            organisation_id=org.id,
            title=EXAM_TITLE,
            post=exam_post,
            kind="periodic",
            opens_at=now - timedelta(minutes=5),
            closes_at=now + timedelta(days=14),
            created_by=s.scalar(select(User.id).where(User.username == STAFF["trainer"][0])),
        )
    s.flush()
    # Half a year of training, exams and inspections; its qualification exams issue the certificates.
    seed_history(s, org, departments, workers, staff, clock.local(now).date())  # type: ignore[union-attr]
    seed_demo_certificates(s, workers, now)  # valid certificates; certificate_url per worker
    users["workers"] = workers

    def platform_user(o, username, password, name, roles):
        return _user(s, o, username, password, name, roles, hashes)

    platform = seed_platform(s, org, posts, platform_user)
    return {"users": users, "department_ids": [d.id for d in departments], "platform": platform}
