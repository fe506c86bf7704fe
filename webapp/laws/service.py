"""The enterprise's 法规标准库 and what cites a text no longer in force (待复核).

An enterprise's register is the built-in sets' laws.yaml entries, overridden by its own rows of the same
key, plus its own entries. Marking an entry withdrawn or replaced flags (quizbank.citations.needs_review)
every question, by its basis, and every handbook section, by its text, that cites it. A trainer re-confirms
a flagged question (an accepted finding `cites_withdrawn`, with a reason, audit-logged) or edits it; with
the policy `withhold_flagged_questions` the others are kept out of papers (`withheld_ids`, used where the
drawable bank is built). Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.citations import ReviewFlag, needs_review
from quizbank.register import STATUSES, LawEntry, entry_key, register_problems
from webapp.admin.models import AuditEntry
from webapp.bank.models import HandbookSection, Question, QuestionSet
from webapp.bank.set_blueprints import builtin_register
from webapp.bank.sets import to_core
from webapp.infra import clock
from webapp.infra.errors import ApiError
from webapp.laws.models import AcceptedFinding, LawEntryRow
from webapp.org.models import Organisation

REVIEW_CHECK = "cites_withdrawn"


@dataclass(frozen=True)
class RegisterLine:
    entry: LawEntry
    origin: str  # builtin | changed (a built-in entry this enterprise changed) | own
    row_id: int | None


def _entry(row: LawEntryRow) -> LawEntry:
    return LawEntry(
        title=row.title,
        number=row.number,
        issuer=row.issuer,
        status=row.status,  # type: ignore[arg-type]
        effective=row.effective,
        withdrawn=row.withdrawn,
        replaced_by=row.replaced_by,
    )


def register_lines(s: Session, organisation_id: int) -> list[RegisterLine]:
    own = {
        r.key: r
        for r in s.scalars(
            select(LawEntryRow).where(LawEntryRow.organisation_id == organisation_id).order_by(LawEntryRow.id)
        )
    }
    lines: list[RegisterLine] = []
    for entry in builtin_register():
        row = own.pop(entry_key(entry.key), None)
        if row is None:
            lines.append(RegisterLine(entry, "builtin", None))
        else:
            lines.append(RegisterLine(_entry(row), "changed", row.id))
    lines += [RegisterLine(_entry(r), "own", r.id) for r in own.values()]
    return lines


def register_of(s: Session, organisation_id: int) -> tuple[LawEntry, ...]:
    return tuple(line.entry for line in register_lines(s, organisation_id))


def register_version(organisation_id: int) -> list:
    """Scalar subqueries that change whenever the enterprise's register or its accepted findings change
    (the bank cache puts them into its fingerprint statement)."""
    return [
        select(func.count(LawEntryRow.id))
        .where(LawEntryRow.organisation_id == organisation_id)
        .scalar_subquery(),
        select(cast(func.max(LawEntryRow.updated_at), String))
        .where(LawEntryRow.organisation_id == organisation_id)
        .scalar_subquery(),
        select(func.count(AcceptedFinding.id))
        .where(AcceptedFinding.organisation_id == organisation_id)
        .scalar_subquery(),
        select(func.max(AcceptedFinding.id))
        .where(AcceptedFinding.organisation_id == organisation_id)
        .scalar_subquery(),
    ]


def _date(value: str | dt.date | None, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ApiError(400, "bad_date", f"{field}：“{value}” 不是日期（写成 2026-03-01）") from None


def save_entry(
    s: Session, organisation_id: int, user_id: int | None, data: dict, *, key: str | None = None
) -> LawEntry:
    """Add an entry, or change the entry `key` (a built-in one gets an enterprise row overriding it).
    Raises ApiError(400) naming the field when the register would break its rules; writes nothing then."""
    current = {entry_key(line.entry.key): line for line in register_lines(s, organisation_id)}
    old = current.get(entry_key(key)) if key else None
    if key and old is None:
        raise ApiError(404, "no_such_entry", f"法规标准库中没有“{key}”")
    base = old.entry if old else LawEntry(title="")

    def field(name: str, default):
        return data[name] if name in data and data[name] is not None else default

    status = str(field("status", base.status)).strip()
    if status not in STATUSES:
        raise ApiError(400, "bad_status", f"状态：应为 {'、'.join(STATUSES)} 之一")
    entry = LawEntry(
        title=str(field("title", base.title)).strip().strip("《》"),
        number=str(field("number", base.number)).strip(),
        issuer=str(field("issuer", base.issuer)).strip(),
        status=status,  # type: ignore[arg-type]
        effective=_date(field("effective", base.effective), "施行日期"),
        withdrawn=_date(field("withdrawn", base.withdrawn), "废止日期"),
        replaced_by=str(field("replaced_by", base.replaced_by)).strip() if status == "被替代" else "",
    )
    if not entry.title:
        raise ApiError(400, "title_required", "名称：必填")
    new_key = entry_key(entry.key)
    if old is not None and new_key != entry_key(old.entry.key):
        raise ApiError(400, "key_changed", "文号或名称不能改（请另行登记新文本，再把旧文本标为被替代）")
    if old is None and new_key in current:
        raise ApiError(400, "duplicate", f"“{entry.key}”已在法规标准库中")
    entries = [(line.entry, line.entry.label) for k, line in current.items() if k != new_key]
    problems = [p for p in register_problems([*entries, (entry, "本条")]) if p.where == "本条"]
    if problems:
        raise ApiError(400, "bad_entry", "；".join(p.message for p in problems))
    row = s.get(LawEntryRow, old.row_id) if old is not None and old.row_id else None
    if row is None:
        row = LawEntryRow(organisation_id=organisation_id, key=new_key)
        s.add(row)
    row.number, row.title, row.issuer, row.status = entry.number, entry.title, entry.issuer, entry.status
    row.effective, row.withdrawn, row.replaced_by = entry.effective, entry.withdrawn, entry.replaced_by
    row.updated_at, row.updated_by = clock.now(), user_id
    s.add(
        AuditEntry(
            organisation_id=organisation_id,
            user_id=user_id,
            at=clock.now(),
            action="law_entry_changed",
            target=entry.key[:200],
            data={"status": entry.status, "replaced_by": entry.replaced_by, "new": old is None},
        )
    )
    s.flush()
    return entry


# --- what cites a text no longer in force ---------------------------------------------------------------


@dataclass(frozen=True)
class FlaggedItem:
    flag: ReviewFlag
    question: Question | None  # the row, for a question
    set_title: str


def _visible_set_rows(s: Session, organisation_id: int) -> list[QuestionSet]:
    return list(
        s.scalars(
            select(QuestionSet).where(
                QuestionSet.retired_at.is_(None),
                QuestionSet.organisation_id.is_(None) | (QuestionSet.organisation_id == organisation_id),
            )
        )
    )


def accepted_pairs(s: Session, organisation_id: int) -> set[tuple[str, str]]:
    return set(
        s.execute(
            select(AcceptedFinding.subject, AcceptedFinding.check).where(
                AcceptedFinding.organisation_id == organisation_id
            )
        ).all()
    )


def flagged(s: Session, organisation_id: int) -> list[FlaggedItem]:
    """Every question (live or draft) and handbook section the enterprise sees that cites a withdrawn or
    replaced entry of its register and was not re-confirmed since."""
    register = register_of(s, organisation_id)
    if all(e.in_force for e in register):
        return []
    sets = {r.id: r for r in _visible_set_rows(s, organisation_id)}
    rows = s.scalars(
        select(Question).where(Question.set_id.in_(sets), Question.retired_at.is_(None), Question.basis != "")
    ).all()
    by_ext = {r.ext_id: r for r in rows}
    sections = s.scalars(select(HandbookSection).where(HandbookSection.set_id.in_(sets))).all()
    section_set = {h.section_id: h.set_id for h in sections}
    core_sections = [model.Section(h.section_id, h.title, h.part, h.body) for h in sections]  # type: ignore[arg-type]
    accepted = accepted_pairs(s, organisation_id)
    out = []
    for flag in needs_review([to_core(r) for r in rows], core_sections, register):
        if (flag.subject, REVIEW_CHECK) in accepted:
            continue
        row = by_ext.get(flag.subject) if flag.kind == "question" else None
        set_id = row.set_id if row is not None else section_set.get(flag.subject)
        out.append(FlaggedItem(flag, row, sets[set_id].title if set_id in sets else ""))
    return out


def withheld_ids(s: Session, organisation_id: int, questions: Iterable[model.Question]) -> frozenset[str]:
    """Ext ids of `questions` kept out of papers: those citing a text no longer in force, not re-confirmed,
    when the enterprise's policy says so."""
    org = s.get(Organisation, organisation_id)
    if org is None or not (org.policy or {}).get("withhold_flagged_questions"):
        return frozenset()
    register = register_of(s, organisation_id)
    if all(e.in_force for e in register):
        return frozenset()
    accepted = accepted_pairs(s, organisation_id)
    return frozenset(
        f.subject for f in needs_review(questions, (), register) if (f.subject, REVIEW_CHECK) not in accepted
    )


def accept_finding(
    s: Session, organisation_id: int, user_id: int | None, subject: str, check: str, reason: str
) -> AcceptedFinding:
    """Record that a trainer accepted a warning (or re-confirmed a 待复核 question) with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ApiError(400, "reason_required", "理由：必填（写明为什么保留）")
    row = s.scalar(
        select(AcceptedFinding).where(
            AcceptedFinding.organisation_id == organisation_id,
            AcceptedFinding.subject == subject,
            AcceptedFinding.check == check,
        )
    )
    if row is None:
        row = AcceptedFinding(organisation_id=organisation_id, subject=subject[:200], check=check[:40])
        s.add(row)
    row.reason, row.accepted_by, row.accepted_at = reason[:2000], user_id, clock.now()
    s.add(
        AuditEntry(
            organisation_id=organisation_id,
            user_id=user_id,
            at=clock.now(),
            action="question_reconfirmed" if check == REVIEW_CHECK else "finding_accepted",
            target=subject[:200],
            data={"check": check, "reason": reason[:500]},
        )
    )
    s.flush()
    return row


def entry_json(line: RegisterLine) -> dict:
    e = line.entry
    return {
        "key": e.key,
        "number": e.number,
        "title": e.title,
        "issuer": e.issuer,
        "status": e.status,
        "effective": e.effective.isoformat() if e.effective else None,
        "withdrawn": e.withdrawn.isoformat() if e.withdrawn else None,
        "replaced_by": e.replaced_by or None,
        "origin": line.origin,
    }


def flag_json(item: FlaggedItem) -> dict:
    f = item.flag
    return {
        "kind": f.kind,
        "subject": f.subject,
        "question_pk": item.question.id if item.question is not None else None,
        "set": item.set_title,
        "cited": f.citation.text,
        "entry": f.entry.key,
        "status": f.entry.status,
        "replaced_by": f.replaced_by.key if f.replaced_by else None,
        "message": f.message,
    }


def lines_by_key(lines: Sequence[RegisterLine]) -> dict[str, RegisterLine]:
    return {entry_key(line.entry.key): line for line in lines}
