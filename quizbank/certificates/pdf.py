"""The printable certificate: one PDF page with an embedded CJK TrueType font and the QR code.

reportlab embeds TrueType outlines only: Debian's fonts-wqy-zenhei (`wqy-zenhei.ttc`) works,
Noto Sans CJK (.ttc with CFF outlines) does not.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from quizbank.certificates.qr import qr_matrix
from quizbank.certificates.templates import Certificate, Template, chinese_date, render_text

FONT_ENV = "QUIZBANK_CJK_FONT"
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)
_NO_LINE_START = set("，。、；：！？）》」』】,.;:!?)")


class FontNotFound(LookupError):
    pass


def find_cjk_font(candidates: Iterable[str] | None = None) -> Path:
    """A CJK TrueType font to embed: `$QUIZBANK_CJK_FONT`, else the first of the usual places."""
    paths = (
        list(candidates) if candidates is not None else [os.environ.get(FONT_ENV, ""), *CJK_FONT_CANDIDATES]
    )
    for p in paths:
        if p and Path(p).is_file():
            return Path(p)
    raise FontNotFound(
        "没有找到可嵌入的中文 TrueType 字体 (no CJK TrueType font found). "
        "On Debian/Ubuntu: apt install fonts-wqy-zenhei; elsewhere set "
        f"{FONT_ENV}=/path/to/font.ttf|.ttc (TrueType outlines; Noto Sans CJK .ttc cannot be embedded)."
    )


def register_font(path: Path | str) -> str:
    """Register the font with reportlab once per path; returns its name."""
    path = Path(path)
    name = "QBCJK-" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
    if name not in pdfmetrics.getRegisteredFontNames():
        try:
            font = (
                TTFont(name, str(path), subfontIndex=0)
                if path.suffix.lower() == ".ttc"
                else TTFont(name, str(path))
            )
        except Exception as e:  # reportlab raises TTFError and assorted others for unusable fonts
            raise FontNotFound(f"{path}: cannot embed this font ({e}); it needs TrueType outlines") from e
        pdfmetrics.registerFont(font)
    return name


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break CJK text into lines of at most `width` points, character by character; Latin words
    stay whole and closing punctuation never starts a line."""
    tokens: list[str] = []
    for ch in text:
        if (
            tokens
            and ch.isascii()
            and ch.isalnum()
            and tokens[-1][-1:].isascii()
            and tokens[-1][-1:].isalnum()
        ):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    lines: list[str] = []
    line = ""
    for tok in tokens:
        candidate = line + tok
        if line and pdfmetrics.stringWidth(candidate, font, size) > width and tok not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = tok.lstrip()
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines


@dataclass(frozen=True)
class PrintedStatus:
    """The certificate's status when it is printed, stamped across a certificate that is not valid: `mark`
    (e.g. 暂停), `reason`, and the date of printing."""

    mark: str
    reason: str
    printed: date


def certificate_pdf(
    certificate: Certificate,
    template: Template,
    verify_url: str,
    font_path: Path | str | None = None,
    status: PrintedStatus | None = None,
) -> bytes:
    """The certificate as a one-page PDF, with the QR of `verify_url` and the URL itself in print. A `status`
    (a certificate not valid when printed: suspended, revoked, expired) is stamped across the page. Output
    depends only on the arguments (no creation date from the clock)."""
    font = register_font(font_path or find_cjk_font())
    layout = template.layout
    pagesize = {"A4": A4, "A4-landscape": landscape(A4), "A5-landscape": landscape(A5)}[layout.page]
    scale = min(pagesize) / landscape(A4)[1]  # measures below are for A4; smaller pages shrink them
    width, height = pagesize
    accent = HexColor(layout.accent)
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=pagesize, invariant=True, pageCompression=1)
    c.setTitle(f"{template.title} {certificate.serial}")
    c.setAuthor(certificate.organisation)
    c.setSubject(f"{certificate.holder} {certificate.post_name}")

    # Frame
    c.setStrokeColor(accent)
    c.setLineWidth(4 * scale)
    c.rect(18 * scale, 18 * scale, width - 36 * scale, height - 36 * scale)
    c.setLineWidth(1)
    c.rect(26 * scale, 26 * scale, width - 52 * scale, height - 52 * scale)

    # Title and subtitle
    top = height - 95 * scale
    c.setFillColor(accent)
    c.setFont(font, layout.title_size * scale)
    c.drawCentredString(width / 2, top, render_text(template.title, certificate))
    if template.subtitle:
        c.setFont(font, 11 * scale)
        c.setFillColor(HexColor("#555555"))
        c.drawCentredString(width / 2, top - 24 * scale, template.subtitle)

    # Wording
    margin = 80 * scale
    body = layout.body_size * scale
    c.setFillColor(HexColor("#111111"))
    c.setFont(font, body)
    y = top - 70 * scale
    indent = 2 * pdfmetrics.stringWidth("中", font, body)
    for i, line in enumerate(
        wrap(render_text(template.wording, certificate), font, body, width - 2 * margin - indent)
    ):
        c.drawString(margin + (indent if i == 0 else 0), y, line)
        y -= body * 1.8

    # Particulars, left; QR, right
    rows = (
        ("证书编号", certificate.serial),
        ("持 证 人", certificate.holder),
        ("岗位（工种）", certificate.post_name),
        ("发证单位", certificate.organisation),
        ("发证日期", chinese_date(certificate.issued)),
        ("有效期至", chinese_date(certificate.expires)),
    )
    size = 13 * scale
    y = min(y - 10 * scale, 250 * scale)
    label_width = max(pdfmetrics.stringWidth(label, font, size) for label, _ in rows) + 16 * scale
    for label, value in rows:
        c.setFont(font, size)
        c.setFillColor(HexColor("#555555"))
        c.drawString(margin, y, label)
        c.setFillColor(HexColor("#111111"))
        c.drawString(margin + label_width, y, value)
        y -= size * 1.9

    qr_size = layout.qr_mm * mm * scale
    qr_x, qr_y = width - margin - qr_size, 70 * scale
    _draw_qr(c, verify_url, qr_x, qr_y, qr_size)
    c.setFont(font, 10 * scale)
    c.setFillColor(HexColor("#555555"))
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 14 * scale, "扫码核验证书状态")

    c.setFont(font, 6.5 * scale)
    c.setFillColor(HexColor("#555555"))
    url_lines = _chunks("核验网址：" + verify_url, font, 6.5 * scale, width - 2 * margin)
    uy = 34 * scale + 8 * scale * (len(url_lines) - 1)
    for line in url_lines:
        c.drawString(margin, uy, line)
        uy -= 8 * scale
    if template.footer:
        c.setFont(font, 9 * scale)
        footer_width = qr_x - margin - 20 * scale
        fy = 44 * scale + 8 * scale * len(url_lines)
        for line in reversed(wrap(render_text(template.footer, certificate), font, 9 * scale, footer_width)):
            c.drawString(margin, fy, line)
            fy += 13 * scale
    if status is not None:
        _stamp(c, font, status, width, height, scale)
    c.showPage()
    c.save()
    return out.getvalue()


def _chunks(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` cut into lines of at most `width` points, anywhere (a URL has no words to keep whole)."""
    lines, line = [], ""
    for ch in text:
        if line and pdfmetrics.stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def _stamp(c: canvas.Canvas, font: str, status: PrintedStatus, width: float, height: float, scale: float):
    """A red stamp across the page: the status at print time, why, and when it was printed."""
    red = HexColor("#c0262d")
    c.saveState()
    c.translate(width / 2, height / 2)
    c.setStrokeColor(red)
    c.setFillColor(red)
    c.setLineWidth(5 * scale)
    big = 96 * scale
    box_w = max(pdfmetrics.stringWidth(status.mark, font, big) + 80 * scale, 360 * scale)
    c.roundRect(-box_w / 2, -62 * scale, box_w, 170 * scale, 14 * scale, stroke=1, fill=0)
    c.setFont(font, big)
    c.drawCentredString(0, 10 * scale, status.mark)
    c.setFont(font, 12 * scale)
    note = f"打印时状态：{status.mark}（{chinese_date(status.printed)}）"
    c.drawCentredString(0, -22 * scale, note)
    reason = _chunks(status.reason, font, 11 * scale, box_w - 30 * scale)[:2]
    c.setFont(font, 11 * scale)
    for i, line in enumerate(reason):
        c.drawCentredString(0, -40 * scale - i * 14 * scale, line)
    c.restoreState()


def _draw_qr(c: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR as vector rectangles (one per run of dark modules): sharp at any print size."""
    matrix = qr_matrix(url, border=2)
    module = size / len(matrix)
    c.setFillColor(HexColor("#ffffff"))
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(HexColor("#000000"))
    path = c.beginPath()
    for r, row in enumerate(matrix):
        top = y + size - (r + 1) * module
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                path.rect(x + start * module, top, (col - start) * module, module)
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)
