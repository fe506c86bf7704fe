"""QR codes for verify URLs: PNG for print and the PDF, SVG for pages."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _qr(url: str, box_size: int, border: int) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    qr.add_data(url)
    qr.make(fit=True)
    return qr


def qr_png(url: str, box_size: int = 8, border: int = 4) -> bytes:
    image = _qr(url, box_size, border).make_image(fill_color="black", back_color="white")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def qr_matrix(url: str, border: int = 0) -> tuple[tuple[bool, ...], ...]:
    """The QR modules for `url`, dark = True, with `border` light modules around: for vector drawing."""
    return tuple(tuple(row) for row in _qr(url, 1, border).get_matrix())


def qr_svg(url: str, box_size: int = 10, border: int = 4) -> str:
    """A standalone SVG (one path) of the QR code for `url`."""
    image = _qr(url, box_size, border).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
