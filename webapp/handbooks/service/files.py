"""A post's published handbook (通用 + 专业) as files: the PDF booklet, Word, Markdown; and the copy of a
built-in handbook into a new post's draft."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from quizbank.handbook_booklet import Booklet, BookletPart, Revision, render_booklet
from quizbank.handbook_files import sections_to_docx, sections_to_markdown
from webapp.handbooks.service.drafts import copy_builtin, handbook_of
from webapp.handbooks.service.publishing import current_version, sections_of
from webapp.infra import clock
from webapp.infra.errors import ApiError
from webapp.infra.fonts import cjk_font_path
from webapp.org.models import Organisation, Post


def _parts(s: Session, organisation_id: int, post: Post) -> list[tuple[str, object]]:
    out = []
    for name, part_post in (("通用知识", None), ("专业知识", post)):
        version = current_version(handbook_of(s, organisation_id, part_post, create=False))
        if version is not None:
            out.append((name, version))
    if not any(name == "专业知识" for name, _ in out):
        raise ApiError(404, "not_published", f"岗位“{post.name}”的专业知识手册还没有发布")
    return out


def booklet(s: Session, organisation_id: int, post: Post, printed_on: date | None = None) -> Booklet:
    org = s.get(Organisation, organisation_id)
    parts = _parts(s, organisation_id, post)
    revisions = []
    for name, version in parts:
        for v in version.handbook.versions:  # type: ignore[attr-defined]
            revisions.append(
                Revision(name, v.number, clock.local(v.published_at).date(), v.publisher_name, v.note)
            )
    return Booklet(
        enterprise=org.name,
        title=f"{post.name}岗位应知应会手册",
        parts=tuple(BookletPart(name, v.number, tuple(sections_of(v))) for name, v in parts),  # type: ignore[attr-defined]
        revisions=tuple(revisions),
        printed_on=printed_on or clock.today(),
    )


def booklet_pdf(s: Session, organisation_id: int, post: Post) -> bytes:
    return render_booklet(booklet(s, organisation_id, post), font_path=str(cjk_font_path()))


def export_docx(s: Session, organisation_id: int, post: Post) -> bytes:
    b = booklet(s, organisation_id, post)
    return sections_to_docx(
        f"{b.enterprise} {b.title}", [(f"{p.name}（第 {p.version} 版）", p.sections) for p in b.parts]
    )


def export_markdown(s: Session, organisation_id: int, post: Post) -> str:
    b = booklet(s, organisation_id, post)
    return "\n".join(sections_to_markdown(b.title, p.sections, part=p.name) for p in b.parts)


def copy_builtin_handbook(s: Session, organisation_id: int, source: Post, target: Post) -> int:
    """The new post's draft starts as a copy of the built-in handbook of `source` (0: it has none)."""
    if source.organisation_id is not None:
        return 0
    hb = handbook_of(s, organisation_id, target)
    return copy_builtin(s, hb, source.code, clock.now())
