"""The printed handbook (手册) as a PDF booklet: a cover with the enterprise's name and the versions, a table
of contents with page numbers, the 通用知识 and 专业知识 parts, a 修订记录 page and a 签收 page with lines for
name, 工号, date and signature. Values in, bytes out (the CJK font is found as for certificates)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from quizbank.certificates.pdf import find_cjk_font, register_font
from quizbank.handbook_files import EditableSection

SIGN_ROWS = 14


@dataclass(frozen=True)
class BookletPart:
    name: str  # 通用知识 | 专业知识
    version: int
    sections: tuple[EditableSection, ...]


@dataclass(frozen=True)
class Revision:
    part: str
    version: int
    published_on: date
    by: str
    note: str


@dataclass(frozen=True)
class Booklet:
    enterprise: str
    title: str  # e.g. 压力容器操作岗位应知应会手册
    parts: tuple[BookletPart, ...]
    revisions: tuple[Revision, ...]
    printed_on: date


class _Doc(BaseDocTemplate):
    def afterFlowable(self, flowable) -> None:  # noqa: N802 (reportlab's hook name)
        level = getattr(flowable, "toc_level", None)
        if level is not None:
            key = f"toc-{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page, key))


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK", spaceAfter=4)
    return {
        "body": base,
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2),
        "sub": ParagraphStyle("sub", parent=base, fontSize=11.5, leading=18, spaceBefore=6),
        "part": ParagraphStyle("part", parent=base, fontSize=20, leading=28, spaceAfter=14, alignment=1),
        "section": ParagraphStyle(
            "section", parent=base, fontSize=14, leading=22, spaceBefore=12, spaceAfter=6
        ),
        "cover_org": ParagraphStyle("cover_org", parent=base, fontSize=16, leading=24, alignment=1),
        "cover_title": ParagraphStyle("cover_title", parent=base, fontSize=26, leading=38, alignment=1),
        "cover_meta": ParagraphStyle("cover_meta", parent=base, fontSize=12, leading=20, alignment=1),
        "heading": ParagraphStyle(
            "heading", parent=base, fontSize=18, leading=26, spaceAfter=12, alignment=1
        ),
        "toc0": ParagraphStyle("toc0", parent=base, fontSize=12, leading=20, spaceBefore=6),
        "toc1": ParagraphStyle("toc1", parent=base, fontSize=10.5, leading=16, leftIndent=18),
    }


def _heading(text: str, style: ParagraphStyle, level: int) -> Paragraph:
    p = Paragraph(escape(text), style)
    p.toc_level = level  # type: ignore[attr-defined]
    return p


_INLINE = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return _INLINE.sub(r"<b>\1</b>", escape(text))


def _body(text: str, st: dict[str, ParagraphStyle]) -> list:
    """Markdown as plain paragraphs: sub-headings bold, list items with bullets, table rows as text."""
    out: list = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(Paragraph(_inline(" ".join(para)), st["body"]))
            para.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or re.match(r"^\|?\s*:?-{3,}", line):
            flush()
            continue
        if line.startswith("#"):
            flush()
            out.append(Paragraph(f"<b>{_inline(line.lstrip('#').strip())}</b>", st["sub"]))
        elif re.match(r"^([-*+]|\d+[.、．])\s+", line):
            flush()
            marker = re.match(r"^([-*+]|\d+[.、．])", line).group(1)  # type: ignore[union-attr]
            item = re.sub(r"^([-*+]|\d+[.、．])\s+", "", line)
            out.append(Paragraph(_inline(item), st["bullet"], bulletText="•" if marker in "-*+" else marker))
        elif line.startswith("|"):
            flush()
            out.append(
                Paragraph(_inline("　".join(c.strip() for c in line.strip("|").split("|"))), st["body"])
            )
        else:
            para.append(line)
    flush()
    return out


def render_booklet(booklet: Booklet, font_path: str | None = None) -> bytes:
    font = register_font(font_path or find_cjk_font())
    st = _styles(font)
    buf = io.BytesIO()
    doc = _Doc(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=booklet.title,
        author=booklet.enterprise,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")

    def footer(canvas, d) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"— {d.page} —")
        canvas.drawString(doc.leftMargin, A4[1] - 12 * mm, f"{booklet.enterprise} · {booklet.title}")
        canvas.restoreState()

    doc.addPageTemplates(
        [
            PageTemplate(id="cover", frames=[frame]),
            PageTemplate(id="pages", frames=[frame], onPage=footer),
        ]
    )
    story: list = [
        Spacer(1, 60 * mm),
        Paragraph(escape(booklet.enterprise), st["cover_org"]),
        Spacer(1, 12 * mm),
    ]
    story.append(Paragraph(escape(f"《{booklet.title}》"), st["cover_title"]))
    story.append(Spacer(1, 20 * mm))
    for part in booklet.parts:
        story.append(Paragraph(escape(f"{part.name}　第 {part.version} 版"), st["cover_meta"]))
    story.append(Spacer(1, 8 * mm))
    story.append(Paragraph(escape(f"印制日期：{booklet.printed_on.isoformat()}"), st["cover_meta"]))
    from reportlab.platypus.doctemplate import NextPageTemplate

    story += [NextPageTemplate("pages"), PageBreak(), Paragraph("目　录", st["heading"])]
    toc = TableOfContents(dotsMinLevel=0)
    toc.levelStyles = [st["toc0"], st["toc1"]]
    # The entries the TOC will hold, with placeholder page numbers: the first pass then lays out a TOC of
    # the right length, so multiBuild needs two passes instead of three.
    toc._entries = [  # noqa: SLF001 (reportlab keeps them there; beforeBuild moves them to _lastEntries)
        entry
        for part in booklet.parts
        for entry in [(0, part.name, 999, None), *((1, x.title, 999, None) for x in part.sections)]
    ] + [(0, "修订记录", 999, None), (0, "签收页", 999, None)]
    story += [toc, PageBreak()]
    for part in booklet.parts:
        story.append(_heading(part.name, st["part"], 0))
        for section in part.sections:
            story.append(_heading(section.title, st["section"], 1))
            story += _body(section.body, st)
        story.append(PageBreak())
    story.append(_heading("修订记录", st["heading"], 0))
    story.append(
        _table(
            ["部分", "版本", "发布日期", "发布人", "修订内容"],
            _revision_rows(booklet.revisions),
            font,
            [22 * mm, 16 * mm, 26 * mm, 24 * mm, None],
            doc.width,
        )
    )
    story.append(PageBreak())
    story.append(_heading("签收页", st["heading"], 0))
    story.append(
        Paragraph(
            escape(
                f"本人已领取《{booklet.title}》（"
                + "，".join(f"{p.name}第 {p.version} 版" for p in booklet.parts)
                + "），将认真学习并遵守。"
            ),
            st["body"],
        )
    )
    story.append(Spacer(1, 6 * mm))
    story.append(
        _table(
            ["序号", "姓名", "工号", "部门/班组", "签收日期", "签名"],
            [[str(i + 1), "", "", "", "", ""] for i in range(SIGN_ROWS)],
            font,
            [14 * mm, 28 * mm, 26 * mm, 36 * mm, 30 * mm, None],
            doc.width,
            row_height=11 * mm,
        )
    )
    doc.multiBuild(story)
    return buf.getvalue()


def _revision_rows(revisions: Sequence[Revision]) -> list[list[str]]:
    return [[r.part, f"第 {r.version} 版", r.published_on.isoformat(), r.by, r.note] for r in revisions]


def _table(header, rows, font, widths, total_width, row_height=None) -> Table:
    fixed = sum(w for w in widths if w)
    widths = [w or (total_width - fixed) for w in widths]
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    data = [[Paragraph(escape(h), cell) for h in header]] + [
        [Paragraph(escape(c), cell) for c in r] for r in rows
    ]
    table = Table(
        data,
        colWidths=widths,
        rowHeights=[None] + [row_height] * len(rows) if row_height else None,
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table
