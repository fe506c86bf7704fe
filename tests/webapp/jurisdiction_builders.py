"""A generated jurisdiction for the overview's tests and benchmark: enterprises with people on posts,
exams (spot tests in inspections), 三违 findings, suspensions and reinstatements, special certificates —
inserted in bulk, and returned as plain values so a test can compute the expected figures on its own.

Every timestamp is 02:00 UTC (10:00 in Shanghai), so a row's Shanghai date is its UTC date.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tests.webapp.base_builders import make_department, make_org, make_user
from tests.webapp.platform_builders import make_jurisdiction
from webapp.bank.models import QuestionSet
from webapp.certs.models import SpecialCertificate
from webapp.exams.models import Attempt
from webapp.inspections.models import Finding, Inspection
from webapp.org.models import Organisation, Person, PersonPost, Post
from webapp.standing.models import Event

POSTS = (("gen-welder", "电焊工"), ("gen-forklift", "叉车司机"), ("gen-confined", "有限空间作业"))
WITH_HANDBOOK = {"gen-welder", "gen-forklift"}  # gen-confined has none: the overview flags it
KINDS = ("qualification", "periodic", "spot", "makeup", "retraining", "practice")


def at(day: date) -> datetime:
    return datetime.combine(day, time(2, 0), tzinfo=UTC)


@dataclass
class Generated:
    enterprises: list[int] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)  # id, organisation_id, active, post_code
    attempts: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    specials: list[dict] = field(default_factory=list)
    inspections: list[dict] = field(default_factory=list)
    post_codes: dict[int, str] = field(default_factory=dict)  # post id → code


def _posts(s: Session) -> dict[str, int]:
    ids = {}
    for code, name in POSTS:
        post = Post(code=code, name=name, risk="normal", special_operation=False)
        s.add(post)
        s.flush()
        ids[code] = post.id
    s.add(
        QuestionSet(
            key="gen-set", title="生成的手册", version="3", origin="plugin", post_codes=sorted(WITH_HANDBOOK),
            source="", loaded_at=at(date(2024, 6, 1)),
        )
    )  # fmt: skip
    s.flush()
    return ids


def generate(
    s: Session, regulator: Organisation, enterprises: int, workers: int, today: date, *, seed: int = 7
) -> Generated:
    """`enterprises` enterprises in the regulator's jurisdiction with `workers` people each."""
    rng = random.Random(seed)
    out = Generated()
    posts = _posts(s)
    out.post_codes = {v: k for k, v in posts.items()}
    for e in range(enterprises):
        org = make_org(s, f"生成企业{e:03d}", high_risk=e % 5 == 0)
        make_jurisdiction(s, regulator, org, date(2020, 1, 1))
        dept = make_department(s, org, "一车间")
        inspector = make_user(s, org, f"gen{e}-insp", ("inspector",), password=None)
        out.enterprises.append(org.id)
        inspections = []
        for k in range(2):
            row = {
                "organisation_id": org.id, "department_id": dept.id, "inspector_id": inspector.id, "note": "",
                "opened_at": at(today - timedelta(days=40 * (k + 1))),
                "closed_at": None if (k == 0 and e % 3 == 0) else at(today - timedelta(days=40 * (k + 1))),
            }  # fmt: skip
            row["id"] = s.scalar(insert(Inspection).returning(Inspection.id), row)
            inspections.append(row)
        out.inspections += inspections
        people = [
            {
                "organisation_id": org.id,
                "department_id": dept.id,
                "name": f"工人{e}-{i}",
                "employee_no": f"G{e:03d}{i:05d}",
                "employment_type": "正式",
                "active": rng.random() > 0.05,
            }  # fmt: skip
            for i in range(workers)
        ]
        ids = s.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), people).all()
        codes = [code for code, _n in POSTS]
        links = []
        for person, pid in zip(people, ids, strict=True):
            person["id"] = pid
            person["post_code"] = rng.choice(codes)
            links.append({"person_id": pid, "post_id": posts[person["post_code"]]})
        s.execute(insert(PersonPost), links)
        out.people += people
        attempts, findings, events, specials = [], [], [], []
        for p in people:
            post_id = posts[p["post_code"]]
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                kind = rng.choice(KINDS)
                day = today - timedelta(days=rng.randrange(0, 400))
                spot = kind == "spot"
                attempts.append({
                    "organisation_id": org.id, "person_id": p["id"], "post_id": post_id, "kind": kind,
                    "inspection_id": rng.choice(inspections)["id"] if spot else None,
                    "started_at": at(day), "submitted_at": at(day), "seed": 1, "layout": [], "blueprint": {},
                    "score": 0.0, "max_score": 100.0, "passed": rng.random() < 0.75,
                })  # fmt: skip
            if rng.random() < 0.04:
                day = today - timedelta(days=rng.randrange(0, 400))
                findings.append({
                    "organisation_id": org.id, "inspection_id": inspections[0]["id"], "person_id": p["id"],
                    "post_code": p["post_code"], "category": "违章作业", "note": "", "recorded_at": at(day),
                })  # fmt: skip
            for kind, chance in (("violation_recorded", 0.04), ("certificate_suspended", 0.04),
                                 ("certificate_reinstated", 0.03)):  # fmt: skip
                if rng.random() < chance:
                    day = today - timedelta(days=rng.randrange(0, 120))
                    events.append({
                        "organisation_id": org.id, "person_id": p["id"], "post_code": p["post_code"], "kind": kind,
                        "occurred_on": day, "data": {}, "recorded_at": at(day),
                    })  # fmt: skip
            if rng.random() < 0.1:
                expires = today + timedelta(days=rng.randrange(-60, 900))
                specials.append({
                    "organisation_id": org.id, "person_id": p["id"], "number": f"T{p['id']}", "kind": "焊接与热切割作业",
                    "post_code": None, "issued_on": today - timedelta(days=2000), "recorded_at": at(today),
                    "review_due": today + timedelta(days=rng.randrange(-30, 1200)), "expires_on": expires,
                })  # fmt: skip
        for model, rows, sink in (
            (Attempt, attempts, out.attempts),
            (Finding, findings, out.findings),
            (Event, events, out.events),
            (SpecialCertificate, specials, out.specials),
        ):
            if rows:
                s.execute(insert(model), rows)
            sink += rows
    s.flush()
    return out
