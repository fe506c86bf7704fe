"""The archive as files: a paginated A4 PDF in Chinese (reportlab, the CJK font the certificates use),
an Excel workbook (a sheet per section, frozen header, column widths, formulas neutralised), and a
department's archives as one zip streamed person by person (memory bounded by one person's files)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from quizbank import records
from quizbank.certificates import register_font
from quizbank.formats.excel import neutralise_formula as neutralise
from webapp.infra.fonts import cjk_font_path
from webapp.records.tables import identity_rows, sections

_GRID = colors.HexColor("#9aa4b2")
_HEAD = colors.HexColor("#e6ebf2")
_CONTENT_MM = 180
_WRAP = Alignment(wrap_text=True, vertical="top")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("t", fontName=font, fontSize=18, leading=24, alignment=1),
        "sub": ParagraphStyle("s", fontName=font, fontSize=10, leading=14, alignment=1),
        "h2": ParagraphStyle("h", fontName=font, fontSize=12.5, leading=18, spaceBefore=9, spaceAfter=4),
        "cell": ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK"),
        "body": ParagraphStyle("b", fontName=font, fontSize=10, leading=15, wordWrap="CJK"),
    }


def _cells(values: Iterable[object], style: ParagraphStyle) -> list[Paragraph]:
    return [Paragraph(escape("" if v is None else str(v)), style) for v in values]


def _table(data: list[list[Paragraph]], widths: Iterable[int], header: bool = True) -> Table:
    widths = list(widths)
    scale = _CONTENT_MM / sum(widths)
    table = Table(data, colWidths=[w * scale * mm for w in widths], repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.5, _GRID), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), _HEAD))
    table.setStyle(TableStyle(style))
    return table


def archive_pdf(archive: records.Archive, font_path: str | None = None) -> bytes:
    font = register_font(font_path or str(cjk_font_path()))
    st = _styles(font)
    buffer = io.BytesIO()
    who = f"{archive.identity.name}（{archive.identity.employee_no}）"

    def page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(15 * mm, 9 * mm, f"一人一档 · {who} · {archive.identity.organisation}")
        canvas.drawRightString(195 * mm, 9 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=16 * mm,
        title=f"一人一档 {who}", author=archive.identity.organisation,
    )  # fmt: skip
    story: list = [
        Paragraph("从业人员安全培训档案（一人一档）", st["title"]),
        Paragraph(escape(f"{archive.identity.organisation} · 截至 {archive.today.isoformat()}"), st["sub"]),
        Spacer(1, 5 * mm),
    ]
    pairs = identity_rows(archive)
    grid = [
        _cells((*pairs[i], *(pairs[i + 1] if i + 1 < len(pairs) else ("", ""))), st["cell"])
        for i in range(0, len(pairs), 2)
    ]
    story.append(_table(grid, (22, 68, 22, 68), header=False))
    for section in sections(archive):
        story.append(Paragraph(escape(section.title), st["h2"]))
        if not section.rows:
            story.append(Paragraph(escape(section.empty), st["body"]))
            continue
        data = [_cells(section.headers, st["cell"])] + [_cells(r, st["cell"]) for r in section.rows]
        table = _table(data, section.widths)
        if any("签字" in h for h in section.headers):  # room to sign on paper
            table.setStyle(TableStyle([("BOTTOMPADDING", (0, 1), (-1, -1), 16)]))
        story.append(table)
    story += [
        Spacer(1, 10 * mm),
        Paragraph(
            "本人签字：＿＿＿＿＿＿　　安全管理人员签字：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿", st["body"]
        ),
    ]
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


def archive_xlsx(archive: records.Archive) -> bytes:
    wb = Workbook()
    first = wb.active
    first.title = "基本信息"
    first.append(["项目", "内容"])
    for k, v in identity_rows(archive):
        first.append([k, neutralise(v)])
    _finish(first, (16, 50))
    for section in sections(archive):
        ws = wb.create_sheet(_sheet_name(section.title))
        ws.append(list(section.headers))
        for row in section.rows:
            ws.append([neutralise(v) for v in row])
        if not section.rows:
            ws.append([section.empty])
        _finish(ws, section.widths)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_name(title: str) -> str:
    name = title.split("、", 1)[-1]
    for ch in "[]:*?/\\（）":
        name = name.replace(ch, " " if ch in "（）" else "")
    return name.strip()[:31]


def _finish(ws, widths: Iterable[int]) -> None:
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = "A2"
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, w * 0.6)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="E6EBF2")
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = _WRAP
            if isinstance(c.value, str):
                c.data_type = "s"  # text stays text, never a formula


class _Pipe(io.RawIOBase):
    """A write-only, unseekable stream whose bytes are taken out as they come (zipfile then writes
    data descriptors instead of seeking back)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.chunks.append(bytes(b))
        return len(b)

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def archive_file_name(archive: records.Archive, suffix: str) -> str:
    return f"一人一档-{archive.identity.employee_no}-{archive.identity.name}.{suffix}"


def zip_stream(
    archives: Iterable[records.Archive], *, pdf: bool = True, xlsx: bool = True
) -> Iterator[bytes]:
    """Yield a zip of every archive's PDF and/or Excel file, one person's files at a time."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for archive in archives:
            if pdf:
                zf.writestr(archive_file_name(archive, "pdf"), archive_pdf(archive))
            if xlsx:
                zf.writestr(archive_file_name(archive, "xlsx"), archive_xlsx(archive))
            chunk = pipe.take()
            if chunk:
                yield chunk
    tail = pipe.take()
    if tail:
        yield tail
