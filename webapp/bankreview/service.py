"""Review before live (待审核 → 发布), the near-duplicate choices, and 题目体检 over a whole bank.

Imported and edited questions are drafts (`Question.status == "draft"`), never drawn. A review shows a set's
drafts with every finding of the item checks (quizbank.itemchecks) and every near-duplicate
(quizbank.duplicates) against the bank of the post they go into (通用 + 专业, live and draft) with its place.
A reviewer publishes all drafts of the set but the rows they untick, choosing per near-duplicate pair:
skip the new one (it is retired unpublished), keep both (assembly still draws at most one of the group),
or replace (the other question is retired). Nothing here commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizbank import model
from quizbank.bankcheck import Batch, check_bank
from quizbank.duplicates import duplicate_groups
from quizbank.itemchecks import SEVERITIES, Finding, check_items
from webapp.admin.models import AuditEntry
from webapp.bank.models import HandbookSection, Question, QuestionSet
from webapp.bank.sets import to_core
from webapp.infra import clock
from webapp.infra.errors import ApiError
from webapp.laws.service import accepted_pairs, register_of

CHOICES = ("skip", "keep", "replace")
CHOICE_NAMES = {"skip": "不导入新题", "keep": "两题都保留", "replace": "用新题替换旧题"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


def place(row: Question) -> str:
    return row.source or row.ext_id


@dataclass(frozen=True)
class DuplicatePair:
    draft: Question
    other: Question
    other_is_draft: bool

    @property
    def can_replace(self) -> bool:
        """Only the organisation's own questions can be retired in favour of the new one."""
        return self.other.organisation_id == self.draft.organisation_id and not self.other_is_draft


@dataclass(frozen=True)
class Review:
    qset: QuestionSet
    drafts: list[Question]
    findings: dict[int, list[Finding]]  # draft row id -> its findings
    batch_findings: list[Finding]  # set-wide (key position)
    pairs: list[DuplicatePair]
    counts: Counter = field(default_factory=Counter)  # severity -> findings


def sets_with_drafts(s: Session, organisation_id: int) -> list[tuple[QuestionSet, int]]:
    rows = s.execute(
        select(QuestionSet, func.count(Question.id))
        .join(Question, Question.set_id == QuestionSet.id)
        .where(
            QuestionSet.organisation_id == organisation_id,
            Question.organisation_id == organisation_id,
            Question.status == "draft",
            Question.retired_at.is_(None),
        )
        .group_by(QuestionSet.id)
        .order_by(QuestionSet.id.desc())
    ).all()
    return [(r, n) for r, n in rows]


def _drafts(s: Session, qset: QuestionSet) -> list[Question]:
    return list(
        s.scalars(
            select(Question)
            .where(Question.set_id == qset.id, Question.status == "draft", Question.retired_at.is_(None))
            .order_by(Question.id)
        )
    )


def _neighbours(s: Session, organisation_id: int, qset: QuestionSet, part: str) -> list[Question]:
    """What the drafts of `qset` would be drawn beside: the other unretired questions of the same part,
    in the general sets (general part) or in the sets of the same posts (professional part)."""
    sets = s.scalars(
        select(QuestionSet).where(
            QuestionSet.retired_at.is_(None),
            QuestionSet.organisation_id.is_(None) | (QuestionSet.organisation_id == organisation_id),
        )
    ).all()
    if part == "general":
        ids = [r.id for r in sets if not r.post_codes]
    else:
        posts = set(qset.post_codes or ())
        ids = [r.id for r in sets if posts & set(r.post_codes or ())]
    ids = [i for i in ids if i != qset.id]
    if not ids:
        return []
    return list(
        s.scalars(
            select(Question)
            .where(Question.set_id.in_(ids), Question.part == part, Question.retired_at.is_(None))
            .order_by(Question.id)
        )
    )


def review(s: Session, organisation_id: int, set_id: int) -> Review:
    qset = s.get(QuestionSet, set_id)
    if qset is None or qset.organisation_id != organisation_id:
        raise ApiError(404, "not_found", "没有找到这个题集")
    drafts = _drafts(s, qset)
    accepted = accepted_pairs(s, organisation_id)
    core = [to_core(r) for r in drafts]
    found = check_items(core, batch=qset.title, accepted=accepted)
    by_subject: dict[str, list[Finding]] = {}
    for f in found:
        by_subject.setdefault(f.subject, []).append(f)
    findings = {r.id: by_subject.get(r.ext_id, []) for r in drafts}
    batch_findings = [f for f in found if f.subject not in {r.ext_id for r in drafts}]
    pairs: list[DuplicatePair] = []
    for part in sorted({r.part for r in drafts}):
        mine = [r for r in drafts if r.part == part]
        others = _neighbours(s, organisation_id, qset, part)
        rows = others + mine  # the existing bank first: a draft pairs with what was there before it
        for group in duplicate_groups([to_core(r) for r in rows]):
            members = [rows[i] for i in group]  # the existing bank first, then the drafts in file order
            first = members[0]
            for draft in members[1:]:
                if draft.status == "draft" and draft.set_id == qset.id:
                    pairs.append(DuplicatePair(draft, first, first.status == "draft"))
    counts = Counter(f.severity for f in found)
    return Review(qset, drafts, findings, batch_findings, pairs, counts)


def publish(
    s: Session,
    organisation_id: int,
    user_id: int | None,
    set_id: int,
    *,
    excluded: Collection[int] = (),
    choices: Mapping[int, str] | None = None,
    shown: Collection[int] | None = None,
) -> dict[str, int]:
    """Publish the set's drafts but `excluded` (row ids, they stay drafts), applying the near-duplicate
    `choices` (draft row id -> skip | keep | replace; a pair without a choice is kept). With `shown`, only
    those drafts (the ones the reviewer saw) are touched. Returns counts."""
    rv = review(s, organisation_id, set_id)
    choices = dict(choices or {})
    bad = {c for c in choices.values() if c not in CHOICES}
    if bad:
        raise ApiError(400, "bad_choice", f"重复题处理方式只能是 {'、'.join(CHOICES)}")
    now = clock.now()
    other_of = {p.draft.id: p for p in rv.pairs}
    counts = Counter()
    for row in rv.drafts:
        if row.id in excluded or (shown is not None and row.id not in shown):
            counts["held"] += 1
            continue
        choice = choices.get(row.id, "keep") if row.id in other_of else "keep"
        if choice == "skip":
            row.retired_at = now
            counts["skipped"] += 1
            continue
        if choice == "replace":
            pair = other_of[row.id]
            if not pair.can_replace:
                raise ApiError(
                    400,
                    "cannot_replace",
                    f"{place(row)}：内置题库或未发布的题目不能被替换（请选择不导入或都保留）",
                )
            pair.other.retired_at = now
            counts["replaced"] += 1
        row.status = "live"
        counts["published"] += 1
    s.add(
        AuditEntry(
            organisation_id=organisation_id,
            user_id=user_id,
            at=now,
            action="questions_published",
            target=rv.qset.title[:200],
            data={k: counts[k] for k in ("published", "skipped", "replaced", "held")},
        )
    )
    s.flush()
    return {k: counts[k] for k in ("published", "skipped", "replaced", "held")}


# --- 题目体检 over a whole bank -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BankHealth:
    findings: list[tuple[Finding, Question | None]]
    duplicates: list[list[Question]]
    counts: dict[str, int]


def bank_health(s: Session, organisation_id: int, post_codes: Sequence[str] | None = None) -> BankHealth:
    """Item checks per visible live set (so a key-position lean is judged per set), what cites a withdrawn
    text, and the near-duplicate groups across all of them; accepted findings left out. `post_codes`
    narrows to the general sets and those of the posts."""
    sets = s.scalars(
        select(QuestionSet)
        .where(
            QuestionSet.retired_at.is_(None),
            QuestionSet.organisation_id.is_(None) | (QuestionSet.organisation_id == organisation_id),
        )
        .order_by(QuestionSet.id)
    ).all()
    if post_codes:
        sets = [r for r in sets if not r.post_codes or set(post_codes) & set(r.post_codes)]
    rows = s.scalars(
        select(Question)
        .where(Question.set_id.in_([r.id for r in sets]), Question.retired_at.is_(None))
        .order_by(Question.set_id, Question.id)
    ).all()
    by_set: dict[int, list[Question]] = {}
    for r in rows:
        by_set.setdefault(r.set_id, []).append(r)
    sections = s.scalars(
        select(HandbookSection).where(HandbookSection.set_id.in_([r.id for r in sets]))
    ).all()
    by_set_sections: dict[int, list[model.Section]] = {}
    for h in sections:
        by_set_sections.setdefault(h.set_id, []).append(model.Section(h.section_id, h.title, h.part, h.body))  # type: ignore[arg-type]
    register = register_of(s, organisation_id)
    batches, ordered = [], []
    for qset in sets:
        mine = by_set.get(qset.id, [])
        ordered += mine
        batches.append(
            Batch(
                name=qset.title,
                questions=tuple(to_core(r) for r in mine),
                places=tuple(f"{qset.title}:{place(r)}" for r in mine),
                sections=tuple(by_set_sections.get(qset.id, ())),
                register=register,
            )
        )
    report = check_bank(batches, accepted=accepted_pairs(s, organisation_id))
    by_ext = {}
    for r in ordered:
        by_ext.setdefault(r.ext_id, r)
    titles = {q.id: q.title for q in sets}
    by_place = {f"{titles[r.set_id]}:{place(r)}": r for r in ordered}
    order = {sev: i for i, sev in enumerate(SEVERITIES)}
    findings = sorted(
        ((f, by_ext.get(f.subject)) for f in report.findings), key=lambda fr: order[fr[0].severity]
    )
    counts = Counter(f.severity for f in report.findings)
    duplicates = [[by_place[p] for p in group if p in by_place] for group in report.duplicates]
    return BankHealth(findings, duplicates, {sev: counts.get(sev, 0) for sev in SEVERITIES})
