"""Publishing a draft freezes a numbered version with its 修订记录 (who, when, note, what changed); a readable
diff between versions; the questions whose section was removed or changed since the version they cite."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank.handbook_files import Changes, DiffLine, EditableSection, compare, section_diff
from webapp.bank.models import Question, QuestionSet
from webapp.handbooks.models import Handbook, HandbookVersion
from webapp.handbooks.service.drafts import cited_sections, draft_of
from webapp.infra.errors import ApiError
from webapp.org.models import Post, User


def sections_of(version: HandbookVersion | None) -> list[EditableSection]:
    return [] if version is None else [EditableSection.from_dict(d) for d in version.sections]


def current_version(hb: Handbook | None) -> HandbookVersion | None:
    return hb.versions[-1] if hb is not None and hb.versions else None


def publish(s: Session, hb: Handbook, user: User | None, note: str, at: datetime) -> HandbookVersion:
    """Freeze the draft as the next version. Refused (nothing written) when the draft is empty, unchanged,
    or drops a section live questions still cite."""
    draft = draft_of(hb)
    if not draft:
        raise ApiError(400, "empty_draft", "草稿没有章节，不能发布")
    ids = [x.id for x in draft]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise ApiError(400, "duplicate_section", f"章节编号 {dup} 重复，不能发布")
    last = current_version(hb)
    changes = compare(sections_of(last), draft)
    if last is not None and changes.empty:
        raise ApiError(400, "unchanged", f"草稿与第 {last.number} 版相同，无需发布")
    cited = cited_sections(s, hb)
    gone = [sid for sid in changes.removed if cited.get(sid)]
    if gone:
        sid = gone[0]
        title = next((d["title"] for d in last.sections if d["id"] == sid), sid) if last else sid
        raise ApiError(
            409,
            "section_cited",
            f"章节“{title}”（{sid}）已从草稿删除，但仍有 {len(cited[sid])} 道题引用"
            f"（{'、'.join(cited[sid][:10])}），未发布",
        )
    note = " ".join((note or "").split())[:500] or ("初版" if last is None else _summary(changes))
    version = HandbookVersion(
        handbook_id=hb.id,
        number=(last.number + 1) if last else 1,
        title=hb.title,
        sections=[x.to_dict() for x in draft],
        note=note,
        changes=changes.to_dict(),
        published_at=at,
        published_by=user.id if user else None,
        publisher_name=user.display_name if user else "命令行",
    )
    s.add(version)
    s.flush()
    s.refresh(hb)
    return version


def _summary(c: Changes) -> str:
    parts = []
    if c.added:
        parts.append(f"新增 {len(c.added)} 节")
    if c.changed:
        parts.append(f"修改 {len(c.changed)} 节")
    if c.removed:
        parts.append(f"删除 {len(c.removed)} 节")
    if c.moved:
        parts.append("调整章节顺序")
    return "，".join(parts)


@dataclass(frozen=True)
class SectionDiff:
    id: str
    title: str
    kind: str  # added | removed | changed
    lines: tuple[DiffLine, ...]


def diff(old: HandbookVersion | None, new: HandbookVersion) -> list[SectionDiff]:
    """What changed from `old` to `new`, section by section, with line diffs."""
    before = {x.id: x for x in sections_of(old)}
    after = {x.id: x for x in sections_of(new)}
    changes = compare(list(before.values()), list(after.values()))
    out = []
    for sid in changes.added:
        out.append(SectionDiff(sid, after[sid].title, "added", section_diff(None, after[sid])))
    for sid in changes.changed:
        out.append(SectionDiff(sid, after[sid].title, "changed", section_diff(before[sid], after[sid])))
    for sid in changes.removed:
        out.append(SectionDiff(sid, before[sid].title, "removed", section_diff(before[sid], None)))
    return out


@dataclass(frozen=True)
class ReviewItem:
    question: Question
    reason: str


def questions_to_review(s: Session, hb: Handbook) -> list[ReviewItem]:
    """The enterprise's live questions of this part whose section is gone from the current version, or
    changed since the version they were written for."""
    current = current_version(hb)
    if current is None:
        return []
    now = {x.id: x for x in sections_of(current)}
    versions = {v.id: v for v in hb.versions}
    code = None if hb.post_id is None else s.get(Post, hb.post_id).code
    rows = s.execute(
        select(Question, QuestionSet.post_codes)
        .join(QuestionSet, QuestionSet.id == Question.set_id)
        .where(
            Question.organisation_id == hb.organisation_id,
            Question.retired_at.is_(None),
            QuestionSet.retired_at.is_(None),
            Question.part == ("general" if code is None else "professional"),
        )
        .order_by(Question.id)
    )
    out = []
    for q, post_codes in rows:
        if code is not None and code not in (post_codes or []):
            continue
        if not q.section:
            out.append(ReviewItem(q, "未指定章节"))
            continue
        if q.section not in now:
            out.append(ReviewItem(q, f"章节 {q.section} 在第 {current.number} 版中不存在"))
            continue
        written_for = versions.get(q.handbook_version_id)
        if written_for is None or written_for.id == current.id:
            continue
        then = {x.id: x for x in sections_of(written_for)}.get(q.section)
        if then is None or (then.title, then.body) != (now[q.section].title, now[q.section].body):
            out.append(
                ReviewItem(q, f"章节“{now[q.section].title}”自第 {written_for.number} 版后已修改，请核对题目")
            )
    return out


def mark_reviewed(s: Session, hb: Handbook, question: Question) -> None:
    """The trainer checked the question against the current version: it now cites that version."""
    current = current_version(hb)
    if current is not None:
        question.handbook_version_id = current.id
        s.flush()
