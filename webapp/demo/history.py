"""The demo enterprise's past half year, so every page has something real on it.

`seed_history(s, org, departments, workers, by, today)` plays it through the real services, as the
people would have: 三级安全教育 sessions with attendance, qualification exams (which issue the
certificates), periodic training, monthly periodic exams, two inspections with spot tests and a 三违,
make-ups scheduled from the retraining queue. Exams are answered through the exam service (start, save
every answer, submit), choosing right and wrong answers to hit a target score; the score depends only
on the blueprint (the counts and points per question type), not on the questions drawn, so outcomes are
deterministic. Dates are relative to `today`.

The story, day offsets before `today`:

- 10 workers hired for this year's intake: 厂级 / 车间级 / 班组级 training (24 学时 each, 72 in all for a
  high-risk enterprise) and the qualification exam ~196 days ago; two veterans qualified ~346 days ago,
  so their certificates expire within a month (expiring).
- Periodic training every other month; a periodic exam per post every month; three failures, each
  followed by a make-up scheduled from the retraining queue and passed (cases closed).
- Inspection of 设备维修车间 45 days ago: one spot test failed, its make-up passed three days later.
- Inspection of 生产一车间 3 days ago: one spot test failed (make-up due), one 三违 (off-duty retraining
  owed, 4 of 8 学时 done two days ago). Both inspections are closed.

Idempotent: nothing is added when the organisation already has training sessions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank import model
from webapp.exams import service as exam_service
from webapp.exams.models import Attempt, Exam
from webapp.infra.clock import SHANGHAI
from webapp.inspections import service as inspections
from webapp.org.models import Department, Organisation, Person, Post, User
from webapp.training import service as training
from webapp.training.models import TrainingSession

SEED = 20250303
PASS_TARGETS = (84, 86, 88, 90, 92, 94, 96, 100)
FAIL_TARGETS = (58, 64, 68)
PREJOB_LEVELS = (("factory", "厂级"), ("workshop", "车间级"), ("team", "班组级"))
PREJOB_HOURS = 24.0  # per level: 72 学时 in all, the high-risk standard
VETERANS = ("SF008", "SF009")  # qualified almost a year ago: certificates expiring soon
PERIODIC_EXAM_DAYS = (170, 140, 110, 80, 50, 20)
PERIODIC_FAILS = {140: "SF003", 80: "SF009", 50: "SF001"}  # day → 工号; each passes the make-up
PERIODIC_TRAINING = (
    (160, "安全再培训：危险化学品事故案例警示教育", 6.0),
    (100, "安全再培训：动火、受限空间作业票管理", 6.0),
    (40, "安全再培训：重大事故隐患判定标准", 6.0),
    (12, "安全再培训：冬季防火防冻与应急演练", 6.0),
)


@dataclass(frozen=True)
class Inspected:
    days_ago: int
    department: int  # index into the demo departments
    note: str
    passed: tuple[str, ...]  # 工号 of spot tests passed
    failed: tuple[str, ...]
    violation: tuple[str, str, str] | None = None  # 工号, category, note
    makeup_after: int | None = None  # days after the inspection the failed worker passes a make-up


INSPECTIONS = (
    Inspected(45, 1, "季度安全检查：检修作业现场", ("SF005", "SF011"), ("SF004",), makeup_after=3),
    Inspected(
        3,
        0,
        "专项检查：有限空间与危化品装卸",
        ("SF002", "SF008"),
        ("SF006",),
        violation=("SF012", "违章作业", "未进行通风和气体检测即进入储罐内作业"),
    ),
)
# Workers whose stories differ, printed by `quizbank serve --demo`: 工号 → what their pages show.
SHOWCASE = {
    "SF001": "合格，有一场定期考试待考",
    "SF006": "3 天前抽考不合格，待补考",
    "SF012": "三违停岗，脱产培训已完成 4/8 学时",
}
OFFDUTY_DONE = 4.0  # of the 三违's 8 学时, done the day after the inspection


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """`hour:minute` China time on `day`, as the aware UTC datetime the database stores."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def answers_for(paper: model.Paper, target_percent: float) -> dict[str, list[int]]:
    """Answers (positions on the paper) scoring at least `target_percent`, as close to it as the points
    allow: wrong answers are spent type by type, the largest points first. Only the blueprint's counts
    and points matter, so two papers of one blueprint get the same score."""
    budget = paper.max_score * (100.0 - target_percent) / 100.0
    wrong: set[int] = set()
    order = sorted(range(len(paper.questions)), key=lambda i: (-paper.questions[i].points, i))
    for i in order:
        if paper.questions[i].points <= budget + 1e-9:
            wrong.add(i)
            budget -= paper.questions[i].points
    out = {}
    for i, pq in enumerate(paper.questions):
        right = list(pq.answer)
        if i not in wrong:
            out[pq.question.id] = right
            continue
        others = [p for p in range(len(pq.options)) if p not in right]
        out[pq.question.id] = [others[0]] if others else right[:1]  # a multiple with every option right
    return out


class _History:
    def __init__(self, s: Session, org: Organisation, departments, workers, by: dict[str, User], today):
        self.s, self.org, self.departments, self.today = s, org, departments, today
        self.trainer, self.inspector = by["trainer"], by["inspector"]
        self.rng = random.Random(SEED)
        self.people: dict[str, Person] = {}
        self.posts: dict[str, Post] = {}
        self.users: dict[int, User] = {}
        for w in workers:
            person = s.get(Person, w["person_id"])
            self.people[w["employee_no"]] = person
            self.posts[w["employee_no"]] = s.scalar(select(Post).where(Post.code == w["post"]))
            self.users[person.id] = s.scalar(select(User).where(User.username == w["username"]))

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    # --- training ---------------------------------------------------------------------------------------

    def session(self, days_ago: int, level: str, title: str, hours: float, people, **kw) -> None:
        training.record_session(
            self.s,
            organisation_id=self.org.id,
            level=level,
            title=title,
            held_on=self.day(days_ago),
            hours=hours,
            attendees=[(p, hours) for p in people],
            by=self.trainer,
            today=self.today,
            trainer_name=self.trainer.display_name.split()[-1],
            **kw,
        )

    def prejob(self, days_ago: int, nos) -> None:
        people = [self.people[n] for n in nos]
        for step, (level, name) in enumerate(PREJOB_LEVELS):
            when = days_ago - 7 * step
            if level == "factory":
                self.session(when, level, f"新员工{name}安全教育", PREJOB_HOURS, people)
                continue
            for dept in self.departments:
                here = [p for p in people if p.department_id == dept.id]
                if here:
                    title = f"{dept.name}{name}安全教育"
                    self.session(when, level, title, PREJOB_HOURS, here, department_id=dept.id)

    # --- exams ------------------------------------------------------------------------------------------

    def exam(self, days_ago: int, kind: str, title: str, post: Post) -> Exam:
        day = self.day(days_ago)
        return exam_service.schedule_exam(
            self.s,
            organisation_id=self.org.id,
            title=title,
            post=post,
            kind=kind,
            opens_at=at(day, 8),
            closes_at=at(day, 18),
            created_by=self.trainer.id,
        )

    def sit(self, attempt: Attempt, passed: bool, when: datetime) -> Attempt:
        """Answer every question through the exam service, aiming at a pass or a failure, and submit."""
        target = self.rng.choice(PASS_TARGETS if passed else FAIL_TARGETS)
        answers = answers_for(exam_service.paper_of(self.s, attempt), target)
        for n, (question_id, choices) in enumerate(answers.items()):
            exam_service.save_response(
                self.s, attempt, question_id, choices, when + timedelta(seconds=20 * n)
            )
        finished = when + timedelta(seconds=20 * len(answers) + 30)
        exam_service.submit(self.s, attempt, finished, by=f"user:{self.users[attempt.person_id].id}")
        assert attempt.passed is passed, (attempt.person.name, attempt.kind, attempt.score)
        return attempt

    def sit_exam(self, exam: Exam, no: str, passed: bool, minute: int) -> None:
        person = self.people[no]
        start = exam.opens_at + timedelta(hours=1, minutes=minute)
        attempt = exam_service.start_exam_attempt(self.s, person, exam, start, self.users[person.id].id)
        self.sit(attempt, passed, start)

    def qualify(self, days_ago: int, nos) -> None:
        for post_code in sorted({self.posts[n].code for n in nos}):
            post = next(self.posts[n] for n in nos if self.posts[n].code == post_code)
            exam = self.exam(days_ago, "qualification", f"上岗考试：{post.name}", post)
            for minute, no in enumerate(n for n in nos if self.posts[n].code == post_code):
                self.sit_exam(exam, no, True, minute * 3)

    def makeup(self, no: str, days_ago: int) -> None:
        """Schedule the make-up from the retraining queue as the trainer would, and pass it."""
        person, post, day = self.people[no], self.posts[no], self.day(days_ago)
        item = next(
            i
            for i in training.queue(self.s, [self.org.id], today=day)
            if i.person.id == person.id and i.post.id == post.id and i.case.kind == "makeup"
        )
        exam = training.schedule_case_exam(self.s, item, by=self.trainer, now=at(day, 8))
        self.sit_exam(exam, no, True, 30)

    def periodic_exams(self) -> None:
        for days_ago in PERIODIC_EXAM_DAYS:
            month = self.day(days_ago)
            for post_code in sorted({p.code for p in self.posts.values()}):
                post = next(p for p in self.posts.values() if p.code == post_code)
                title = f"{month.year}年{month.month}月定期考试：{post.name}"
                exam = self.exam(days_ago, "periodic", title, post)
                sitters = [n for n in sorted(self.people) if self.posts[n].code == post_code]
                for minute, no in enumerate(sitters):
                    self.sit_exam(exam, no, PERIODIC_FAILS.get(days_ago) != no, minute * 2)
            failed = PERIODIC_FAILS.get(days_ago)
            if failed:
                self.makeup(failed, days_ago - 3)

    # --- inspections ------------------------------------------------------------------------------------

    def inspect(self, plan: Inspected) -> None:
        day = self.day(plan.days_ago)
        inspection = inspections.open_inspection(
            self.s,
            department=self.departments[plan.department],
            inspector=self.inspector,
            note=plan.note,
            now=at(day, 9),
        )
        tested = [(no, True) for no in plan.passed] + [(no, False) for no in plan.failed]
        for k, (no, passed) in enumerate(sorted(tested)):
            start = at(day, 9, 15 + 12 * k)
            # The kiosk's PIN check is the inspections view's; the demo starts the paper it would draw.
            attempt = exam_service.start_spot_attempt(
                self.s,
                self.people[no],
                self.posts[no],
                start,
                started_by=self.inspector.id,
                inspection_id=inspection.id,
            )
            self.sit(attempt, passed, start)
        if plan.violation:
            no, category, note = plan.violation
            inspections.record_finding(
                self.s,
                inspection,
                self.people[no],
                category=category,
                note=note,
                post_code=self.posts[no].code,
                by=self.inspector,
                today=day,
                now=at(day, 11),
                confirmed=True,
            )
            self.session(
                plan.days_ago - 1,
                "offduty",
                "三违人员脱产复训：有限空间作业安全规程",
                OFFDUTY_DONE,
                [self.people[no]],
                post_code=self.posts[no].code,
            )
        inspections.close_inspection(self.s, inspection, at(day, 12))
        if plan.makeup_after:
            for no in plan.failed:
                self.makeup(no, plan.days_ago - plan.makeup_after)


def seed_history(
    s: Session,
    org: Organisation,
    departments: list[Department],
    workers: list[dict],
    by: dict[str, User],
    today: date,
) -> None:
    """Play the demo's half year (see the module's docstring) unless the organisation has training on
    record already. `workers` are `seed_demo`'s dicts; `by` the demo's trainer and inspector."""
    if s.scalar(select(TrainingSession.id).where(TrainingSession.organisation_id == org.id).limit(1)):
        return
    h = _History(s, org, departments, workers, by, today)
    everyone = sorted(h.people)
    intake = [n for n in everyone if n not in VETERANS]
    h.prejob(365, VETERANS)
    h.qualify(346, VETERANS)
    h.prejob(215, intake)
    h.qualify(196, intake)
    # Periodic training and exams interleave by date; the rules replay events by date anyway.
    for days_ago, title, hours in PERIODIC_TRAINING:
        h.session(days_ago, "periodic", title, hours, [h.people[n] for n in everyone])
    h.periodic_exams()
    for plan in INSPECTIONS:
        h.inspect(plan)
    s.flush()
