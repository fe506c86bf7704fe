"""A handbook part's draft: found or made per enterprise and post, filled from a file, a built-in handbook or
nothing, edited section by section. Drafts are the trainers' only; workers read published versions."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizbank.handbook_files import (
    EditableSection,
    SectionsResult,
    new_section_id,
    sections_from_docx,
    sections_from_markdown,
)
from webapp.bank.models import HandbookSection, Question, QuestionSet
from webapp.handbooks.models import Handbook
from webapp.infra.errors import ApiError
from webapp.org.models import Post

MAX_FILE_BYTES = 5 * 1024 * 1024
FILE_KINDS = {".docx": "docx", ".md": "md", ".markdown": "md", ".txt": "md"}


def part_name(post: Post | None) -> str:
    return "通用知识" if post is None else "专业知识"


def handbook_of(
    s: Session, organisation_id: int, post: Post | None, *, create: bool = True
) -> Handbook | None:
    row = s.scalar(
        select(Handbook).where(
            Handbook.organisation_id == organisation_id,
            Handbook.post_id.is_(None) if post is None else Handbook.post_id == post.id,
        )
    )
    if row is None and create:
        title = "通用知识" if post is None else f"{post.name}（专业知识）"
        row = Handbook(
            organisation_id=organisation_id, post_id=post.id if post else None, title=title, draft=[]
        )
        s.add(row)
        s.flush()
    return row


def draft_of(hb: Handbook) -> list[EditableSection]:
    return [EditableSection.from_dict(d) for d in hb.draft or []]


def _save(hb: Handbook, sections: list[EditableSection], at: datetime) -> None:
    hb.draft = [x.to_dict() for x in sections]  # a new list: the JSON column sees the change
    hb.draft_updated_at = at


def read_file(data: bytes, filename: str) -> SectionsResult:
    """Sections from an uploaded .docx or Markdown file; ApiError names the file and the place."""
    name = PurePath(filename or "").name or "文件"
    if len(data) > MAX_FILE_BYTES:
        raise ApiError(
            413,
            "too_large",
            f"{name}：文件 {len(data) / 1048576:.1f} MB，超过上限 {MAX_FILE_BYTES // 1048576} MB",
        )
    kind = FILE_KINDS.get(PurePath(name).suffix.lower())
    if kind is None:
        raise ApiError(400, "bad_file", f"{name}：只能导入 Word（.docx）或 Markdown（.md）文件")
    if kind == "docx":
        result = sections_from_docx(data, name=name)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ApiError(400, "bad_file", f"{name}：不是 UTF-8 文本（第 {e.start} 字节）") from None
        result = sections_from_markdown(text, name=name)
    errors = [p for p in result.problems if not p.warning]
    if errors or not result.sections:
        raise ApiError(
            400, "bad_handbook", "；".join(f"{p.where}：{p.message}" for p in errors) or f"{name}：没有章节"
        )
    return result


def replace_draft(s: Session, hb: Handbook, sections: list[EditableSection], at: datetime) -> None:
    """The draft becomes `sections`. Sections of the last published version keep their ids when a new one
    has the same title (so questions citing them stay attached)."""
    last = hb.versions[-1] if hb.versions else None
    if last is not None:
        by_title = {d["title"]: d["id"] for d in last.sections}
        taken = {x.id for x in sections}
        remapped = []
        for x in sections:
            old = by_title.get(x.title)
            if old and old not in taken:
                taken.discard(x.id)
                taken.add(old)
                x = EditableSection(old, x.title, x.body)
            remapped.append(x)
        sections = remapped
    _save(hb, sections, at)
    s.flush()


def copy_builtin(s: Session, hb: Handbook, post_code: str | None, at: datetime) -> int:
    """The draft becomes a copy of the built-in handbook of `post_code` (None: the general one)."""
    query = (
        select(HandbookSection)
        .join(QuestionSet, QuestionSet.id == HandbookSection.set_id)
        .where(
            QuestionSet.organisation_id.is_(None),
            QuestionSet.origin == "plugin",
            QuestionSet.retired_at.is_(None),
        )
        .order_by(HandbookSection.set_id, HandbookSection.position)
    )
    rows = [
        r
        for r in s.scalars(query)
        if (post_code is None and r.part == "general")
        or (post_code and post_code in r.question_set.post_codes)
    ]
    if post_code is not None:
        rows = [r for r in rows if r.part == "professional"]
    if not rows:
        return 0
    _save(hb, [EditableSection(r.section_id, r.title, r.body) for r in rows], at)
    s.flush()
    return len(rows)


def cited_sections(s: Session, hb: Handbook) -> dict[str, list[str]]:
    """Section id → ext ids of the enterprise's live questions citing it for this part."""
    query = (
        select(Question.section, Question.ext_id, QuestionSet.post_codes)
        .join(QuestionSet, QuestionSet.id == Question.set_id)
        .where(
            Question.organisation_id == hb.organisation_id,
            Question.retired_at.is_(None),
            QuestionSet.retired_at.is_(None),
            Question.section.is_not(None),
            Question.part == ("general" if hb.post_id is None else "professional"),
        )
    )
    code = None if hb.post_id is None else s.get(Post, hb.post_id).code
    out: dict[str, list[str]] = {}
    for section, ext_id, post_codes in s.execute(query):
        if code is None or code in (post_codes or []):
            out.setdefault(section, []).append(ext_id)
    return out


def _index(sections: list[EditableSection], section_id: str) -> int:
    for i, x in enumerate(sections):
        if x.id == section_id:
            return i
    raise ApiError(404, "no_section", f"章节 {section_id} 不存在")


def save_section(s: Session, hb: Handbook, section_id: str, title: str, body: str, at: datetime) -> None:
    title = " ".join(title.split())
    if not title:
        raise ApiError(400, "title_required", "章节标题：请填写")
    if len(title) > 300:
        raise ApiError(400, "title_too_long", "章节标题：不超过 300 字")
    sections = draft_of(hb)
    i = _index(sections, section_id)
    sections[i] = EditableSection(section_id, title, body.replace("\r\n", "\n"))
    _save(hb, sections, at)
    s.flush()


def add_section(s: Session, hb: Handbook, title: str, at: datetime, *, after: str | None = None) -> str:
    title = " ".join(title.split()) or "新章节"
    sections = draft_of(hb)
    taken = {x.id for x in sections} | {d["id"] for v in hb.versions for d in v.sections}
    sid = new_section_id(taken)  # never an id an earlier version used: old questions keep their meaning
    at_index = _index(sections, after) + 1 if after else len(sections)
    sections.insert(at_index, EditableSection(sid, title, ""))
    _save(hb, sections, at)
    s.flush()
    return sid


def remove_section(s: Session, hb: Handbook, section_id: str, at: datetime) -> None:
    """Remove a section from the draft; refused while live questions cite it (they are named)."""
    sections = draft_of(hb)
    i = _index(sections, section_id)
    citing = cited_sections(s, hb).get(section_id, [])
    if citing:
        shown = "、".join(citing[:10]) + ("等" if len(citing) > 10 else "")
        raise ApiError(
            409,
            "section_cited",
            f"章节“{sections[i].title}”（{section_id}）仍有 {len(citing)} 道题引用（{shown}），"
            "请先把这些题改到其他章节或停用，再删除",
        )
    del sections[i]
    _save(hb, sections, at)
    s.flush()


def move_section(s: Session, hb: Handbook, section_id: str, delta: int, at: datetime) -> None:
    sections = draft_of(hb)
    i = _index(sections, section_id)
    j = max(0, min(len(sections) - 1, i + delta))
    sections.insert(j, sections.pop(i))
    _save(hb, sections, at)
    s.flush()
