"""`quizbank handbook export|import POST FILE` land here: a post's published handbook to .pdf/.docx/.md, and a
.docx/.md file into the post's draft (published with --publish)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from webapp.infra.errors import ApiError

GENERAL = "_general"


def _app(app: Flask | None) -> Flask:
    if app is None:
        from webapp import create_app
        from webapp.infra.migrate import upgrade

        app = create_app()
        upgrade(app)
    return app


def export_handbook(
    *, post: str, out: Path, organisation: str | int | None = None, app: Flask | None = None
) -> int:
    """Write the post's booklet (通用 + 专业, current versions) to `out`; returns its size in bytes."""
    from webapp.handbooks import service
    from webapp.infra.db import transaction
    from webapp.org.service import find_organisation
    from webapp.posts.service import usable_post

    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".docx", ".md"):
        raise ValueError(f"FILE：只能导出为 .pdf、.docx 或 .md，而不是“{out.name}”")
    app = _app(app)
    with app.app_context(), transaction(app, write=False) as s:
        org = find_organisation(s, organisation)
        try:
            row = usable_post(s, org.id, post)
            if suffix == ".pdf":
                data = service.booklet_pdf(s, org.id, row)
            elif suffix == ".docx":
                data = service.export_docx(s, org.id, row)
            else:
                data = service.export_markdown(s, org.id, row).encode("utf-8")
        except ApiError as e:
            raise ValueError(e.description) from None
    out.write_bytes(data)
    return len(data)


def import_handbook(
    *,
    post: str,
    path: Path,
    publish: bool = False,
    note: str = "",
    organisation: str | int | None = None,
    app: Flask | None = None,
) -> tuple[int, int | None]:
    """The file becomes the draft of the post's 专业知识 part (`_general`: the 通用知识 part); with
    `publish`, the next version. Returns (sections, version number or None). Nothing is written on error."""
    from webapp.handbooks import service
    from webapp.infra import clock
    from webapp.infra.db import transaction
    from webapp.org.service import find_organisation
    from webapp.posts.service import usable_post

    if path.suffix.lower() == ".pdf":
        raise ValueError(f"{path.name}：PDF 不能可靠地还原章节，请导入 Word（.docx）或 Markdown（.md）")
    data = path.read_bytes()
    app = _app(app)
    with app.app_context(), transaction(app) as s:
        org = find_organisation(s, organisation)
        try:
            row = None if post == GENERAL else usable_post(s, org.id, post)
            result = service.read_file(data, path.name)
            hb = service.handbook_of(s, org.id, row)
            service.replace_draft(s, hb, list(result.sections), clock.now())
            number = service.publish(s, hb, None, note, clock.now()).number if publish else None
        except ApiError as e:
            raise ValueError(e.description) from None
        return len(result.sections), number
