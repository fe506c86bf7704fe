"""Builders and a test client for the web shell's tests (also used by benchmarks).

Builders take a session and flush; they never commit. ``Client`` sends the CSRF token on every
state-changing request, fetching it once from /api/v1/csrf-token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from quizbank import model
from webapp.bank.sets import load_question_set, upsert_post
from webapp.org.models import Department, Organisation, Person, PersonPost, Post, User, UserRole

TEST_PASSWORD = "Passw0rd!"


def hash_secret(secret: str) -> str:
    return generate_password_hash(secret, method="pbkdf2:sha256:1000")  # fast; check_password_hash reads any


class Client(FlaskClient):
    """A test client that sends X-CSRFToken on POST/PUT/PATCH/DELETE unless `csrf=False` is passed."""

    csrf_token: str | None = None

    def open(self, *args, **kwargs):
        send_token = kwargs.pop("csrf", True)
        method = (kwargs.get("method") or "GET").upper()
        if send_token and method not in ("GET", "HEAD", "OPTIONS"):
            headers = dict(kwargs.pop("headers", None) or {})
            if "Authorization" not in headers:
                headers.setdefault("X-CSRFToken", self.token())
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)

    def token(self) -> str:
        if self.csrf_token is None:
            self.csrf_token = super().open("/api/v1/csrf-token").get_json()["csrf_token"]
        return self.csrf_token

    def sign_in(self, username: str, password: str = TEST_PASSWORD):
        r = self.post("/api/v1/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.get_data(as_text=True)
        self.csrf_token = r.get_json()["csrf_token"]
        return r


def form_token(html: str) -> str:
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert m, "no csrf_token field in the page"
    return m.group(1)


# --- builders --------------------------------------------------------------------------------------------


def make_org(
    s: Session, name: str = "测试企业", *, high_risk: bool = False, kind: str = "enterprise"
) -> Organisation:
    org = Organisation(name=name, kind=kind, high_risk=high_risk, policy={})
    s.add(org)
    s.flush()
    return org


def make_department(s: Session, org: Organisation, name: str = "一车间", parent: Department | None = None):
    d = Department(organisation_id=org.id, name=name, parent_id=parent.id if parent else None)
    s.add(d)
    s.flush()
    return d


def make_post(s: Session, code: str = "welding", name: str = "电焊工", risk: str = "normal") -> Post:
    row = upsert_post(s, model.Post(code=code, name=name, risk=risk))  # type: ignore[arg-type]
    s.flush()
    return row


def make_person(
    s: Session,
    org: Organisation,
    name: str = "张三",
    employee_no: str = "E001",
    *,
    department: Department | None = None,
    posts: Iterable[Post] = (),
    pin: str | None = None,
    employment_type: str = "正式",
    hired_on: date | None = None,
) -> Person:
    p = Person(
        organisation_id=org.id,
        department_id=department.id if department else None,
        name=name,
        employee_no=employee_no,
        employment_type=employment_type,
        pin_hash=hash_secret(pin) if pin else None,
        hired_on=hired_on,
        active=True,
    )
    s.add(p)
    s.flush()
    for post in posts:
        s.add(PersonPost(person_id=p.id, post_id=post.id, since=hired_on))
    s.flush()
    return p


def make_user(
    s: Session,
    org: Organisation,
    username: str,
    roles: Sequence[str] = ("worker",),
    *,
    password: str | None = TEST_PASSWORD,
    person: Person | None = None,
    display_name: str | None = None,
) -> User:
    u = User(
        organisation_id=org.id,
        username=username,
        password_hash=hash_secret(password) if password else None,
        display_name=display_name or (person.name if person else username),
        person_id=person.id if person else None,
        active=True,
    )
    u.role_rows = [UserRole(role=r) for r in roles]
    s.add(u)
    s.flush()
    return u


def make_worker(
    s: Session,
    org: Organisation,
    username: str,
    post: Post,
    *,
    employee_no: str | None = None,
    department: Department | None = None,
    pin: str | None = None,
) -> User:
    person = make_person(
        s, org, username, employee_no or username.upper(), department=department, posts=[post], pin=pin
    )
    return make_user(s, org, username, ("worker",), person=person)


_WORDS = (
    "安全生产责任制度培训教育检查隐患排查治理应急预案演练防护用品消防设施特种作业证书动火审批监护通风检测"
)


def _words(seed: str) -> str:
    """Twelve characters drawn from `seed`, so two builder questions are never near-duplicates of each other
    (the drawable bank keeps near-duplicates apart)."""
    import hashlib

    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(_WORDS[b % len(_WORDS)] for b in digest[:12])


def core_questions(prefix: str, part: str, section: str, counts: dict[str, int]) -> list[model.Question]:
    """Simple valid questions: single answer B, multiple answer A+C, true/false 正确."""
    out: list[model.Question] = []
    for qtype, n in counts.items():
        for i in range(n):
            qid = f"{prefix}-{qtype}-{i + 1:03d}"
            if qtype == "truefalse":
                options, answer = model.TRUE_FALSE_OPTIONS, (0,)
            elif qtype == "multiple":
                options, answer = ("甲", "乙", "丙", "丁"), (0, 2)
            else:
                options, answer = ("甲", "乙", "丙", "丁"), (1,)
            out.append(
                model.Question(
                    id=qid,
                    type=qtype,  # type: ignore[arg-type]
                    stem=f"{prefix} 第{i + 1}题（{model.QUESTION_TYPE_NAMES[qtype]}）{_words(qid)}",
                    options=tuple(options),
                    answer=answer,
                    explanation=f"解析：{qid}",
                    section=section,
                    part=part,  # type: ignore[arg-type]
                    tags=("重大事故隐患",) if i % 5 == 0 else (),
                )
            )
    return out


def make_question_sets(
    s: Session, post_code: str = "welding", post_name: str = "电焊工", *, per_type: int = 30
):
    """A general set and a set for one post, each with `per_type` questions of every type.

    Enough for the default blueprints of every kind; returns (general row, post row)."""
    counts = {"single": per_type, "multiple": per_type, "truefalse": per_type}
    general = model.QuestionSet(
        id="test-general",
        title="通用知识（测试）",
        version="1.0",
        posts=(),
        handbook=model.Handbook(
            title="通用知识",
            version="1.0",
            sections=(
                model.Section(id="g-1", title="安全生产法", part="general", body="# 安全\n\n**必须**遵守。"),
            ),
        ),
        questions=tuple(core_questions("g", "general", "g-1", counts)),
    )
    post = model.Post(code=post_code, name=post_name)
    professional = model.QuestionSet(
        id=f"test-{post_code}",
        title=f"{post_name}（测试）",
        version="1.0",
        posts=(post,),
        handbook=model.Handbook(
            title=post_name,
            version="1.0",
            post=post_code,
            sections=(
                model.Section(id=f"{post_code}-1", title="操作规程", part="professional", body="规程正文"),
            ),
        ),
        questions=tuple(core_questions(post_code, "professional", f"{post_code}-1", counts)),
    )
    return load_question_set(s, general), load_question_set(s, professional)


def bearer_headers(app, username: str, name: str = "contract test") -> dict:
    """An API token made for `username` (committed), as the Authorization header that carries it."""
    from sqlalchemy import select

    from webapp.infra.db import session
    from webapp.infra.security import create_api_token

    with app.app_context():
        user = session.scalar(select(User).where(User.username == username))
        token = create_api_token(user, name)
        session.commit()
    return {"Authorization": f"Bearer {token}"}
