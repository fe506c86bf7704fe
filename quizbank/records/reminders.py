"""Reminders the rules owe people: which occasions are due for a person today.

`occasions(person, standings, exams, today, leads)` returns an `Occasion` per thing to tell: a make-up
due within `makeup_days` (and once more when it was missed: the case then became off-duty retraining),
open off-duty retraining, a scheduled exam (when it is announced, when it closes within
`exam_days`, and when it closed unsat), annual hours still owed from `hours_days` before year end or
overdue (one a year over all the person's posts: the strictest post's shortfall), a certificate or external certificate expiring or due for review within `certificate_days`.
Each occasion has a `key` that is stable for as long as the fact it reports: the outbox stores one
reminder per key, so running this every day sends each occasion once. `handbook_occasions` adds one per
handbook version a person has not yet confirmed having read. Nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from quizbank.rules import CERTIFICATE_STATUS_NAMES, Owed, Standing

# Who a reminder is for, by role: the person it is about, the head of their department (部门负责人: the
# department's, else the nearest parent's that has one), and the safety office's roles. A channel delivers
# a reminder to the audiences it shares with it.
AUDIENCES = {"worker": "本人", "dept_head": "部门负责人", "hr": "安全科/人事", "trainer": "培训管理员"}
# What a department head hears of: what takes their people off the post or is about to.
_TEAM = ("worker", "dept_head", "hr")


@dataclass(frozen=True)
class Leads:
    """How many days ahead each kind of reminder goes out."""

    makeup_days: int = 3
    exam_days: int = 2
    hours_days: int = 60
    certificate_days: int = 30


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str
    employee_no: str
    post_names: dict[str, str]


@dataclass(frozen=True)
class ScheduledExam:
    """An exam the person is due to sit (their own, or their post's and department's)."""

    id: int
    title: str
    post: str
    opens: datetime
    closes: datetime
    sat: bool


@dataclass(frozen=True)
class Occasion:
    key: str
    kind: str  # makeup_due | retraining | exam_scheduled | exam_closing | exam_missed | hours_owed | certificate_expiring | special_due
    subject: str
    body: str
    due_on: date | None
    audience: tuple[str, ...]


def _d(d: date) -> str:
    return f"{d.month}月{d.day}日"


def occasions(
    person: PersonRef,
    standings: Sequence[Standing],
    exams: Iterable[ScheduledExam],
    today: date,
    leads: Leads = Leads(),
) -> list[Occasion]:
    who = f"{person.name}（{person.employee_no}）"
    out: list[Occasion] = []
    annual: dict[int, list[tuple[str, Owed]]] = {}  # year → (post, owed) over the person's posts
    for st in standings:
        post = person.post_names.get(st.post, st.post)
        for o in st.owed:
            if o.kind == "makeup_exam" and o.deadline and 0 <= (o.deadline - today).days <= leads.makeup_days:
                out.append(
                    Occasion(
                        f"makeup:{person.id}:{st.post}:{o.deadline.isoformat()}",
                        "makeup_due",
                        f"{who} 须在 {_d(o.deadline)} 前参加{post}补考",
                        f"{o.description}。逾期未考将转入离岗脱产培训。",
                        o.deadline,
                        _TEAM,
                    )
                )
            elif o.kind == "annual_training" and o.deadline and o.hours_remaining:
                late = o.deadline < today
                if late or (o.deadline - today).days <= leads.hours_days:
                    annual.setdefault(o.deadline.year, []).append((st.post, o))
        for case in st.open_cases:
            if case.kind in ("offduty", "violation"):
                out.append(
                    Occasion(
                        f"retraining:{person.id}:{st.post}:{case.kind}:{case.opened.isoformat()}",
                        "retraining",
                        f"{who} 须离岗脱产培训（{post}）",
                        f"{case.reason}。脱产培训 {case.hours_required or 0:g} 学时并通过复训考试后方可返岗。",
                        None,
                        (*_TEAM, "trainer"),
                    )
                )
        for cert in st.certificates:
            days = (cert.expires - today).days
            if cert.status in ("valid", "expiring", "suspended") and 0 <= days <= leads.certificate_days:
                out.append(
                    Occasion(
                        f"cert:{cert.serial}:{cert.expires.isoformat()}",
                        "certificate_expiring",
                        f"{who} 的{post}合格证 {cert.serial} 将于 {_d(cert.expires)} 到期",
                        f"当前状态：{CERTIFICATE_STATUS_NAMES[cert.status]}。请安排复训考试换证。",
                        cert.expires,
                        _TEAM,
                    )
                )
        sp = st.special_certificate
        if sp is not None:
            for what, when in (("复审", sp.review_due), ("换证", sp.expires)):
                days = (when - today).days
                if days <= leads.certificate_days:
                    late = days < 0
                    out.append(
                        Occasion(
                            f"special:{person.id}:{sp.number}:{what}:{when.isoformat()}",
                            "special_due",
                            f"{who} 的特种作业操作证 {sp.number} {'已逾期未' if late else '将于 ' + _d(when) + ' 到期，须'}{what}",
                            f"{sp.kind}。证件{what}后请在系统中重新登记。",
                            when,
                            _TEAM,
                        )
                    )
                    break
    # Annual hours are the person's, not each post's: one reminder a year, for the strictest post's shortfall.
    for year, owed in sorted(annual.items()):
        post, o = max(owed, key=lambda po: po[1].hours_remaining or 0.0)
        late = o.deadline < today  # type: ignore[operator]
        out.append(
            Occasion(
                f"hours:{person.id}:{post}:{year}:{'overdue' if late else 'due'}",
                "hours_owed",
                f"{who} {year} 年度再培训还差 {o.hours_remaining:g} 学时" + ("（已逾期）" if late else ""),
                o.description,
                o.deadline,
                _TEAM,
            )
        )
    for exam in exams:
        closes = exam.closes.date()
        if exam.sat:
            continue
        if closes < today:
            out.append(
                Occasion(
                    f"exam-missed:{exam.id}:{person.id}",
                    "exam_missed",
                    f"{who} 未参加考试：{exam.title}",
                    f"考试已于 {_d(closes)} 截止，未参加。",
                    closes,
                    (*_TEAM, "trainer"),
                )
            )
            continue
        out.append(
            Occasion(
                f"exam:{exam.id}:{person.id}",
                "exam_scheduled",
                f"{who} 已安排考试：{exam.title}",
                f"开考 {exam.opens:%Y-%m-%d %H:%M}，截止 {exam.closes:%Y-%m-%d %H:%M}（北京时间）。",
                closes,
                ("worker",),
            )
        )
        if (closes - today).days <= leads.exam_days:
            out.append(
                Occasion(
                    f"exam-closing:{exam.id}:{person.id}",
                    "exam_closing",
                    f"{who} 考试即将截止：{exam.title}",
                    f"请在 {exam.closes:%Y-%m-%d %H:%M} 前完成考试。",
                    closes,
                    _TEAM,
                )
            )
    return out


@dataclass(frozen=True)
class PublishedHandbook:
    """A handbook version a person is to read: the latest published version of a part that applies to them
    (the enterprise's 通用知识, or the 专业知识 of a post they hold)."""

    version_id: int
    title: str
    number: int
    published_on: date


def handbook_occasions(person: PersonRef, unread: Iterable[PublishedHandbook]) -> list[Occasion]:
    """One reminder per handbook version the person has not yet confirmed having read (已阅读确认)."""
    who = f"{person.name}（{person.employee_no}）"
    return [
        Occasion(
            f"handbook:{person.id}:{h.version_id}",
            "handbook_ack",
            f"{who} 请阅读并确认《{h.title}》第 {h.number} 版",
            f"{_d(h.published_on)}发布了新版应知应会手册。请在“我的手册”中阅读，读完后点“已阅读确认”。",
            None,
            ("worker",),
        )
        for h in unread
    ]
