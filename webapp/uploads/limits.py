"""What one upload may cost the server (bank import, roster import): the same `ReadLimits` the core readers
check before unpacking and while reading, set for a web server, plus what the web side adds: a time budget
for reading and a bound on the preview stored in the database. Every bound is refused with a Chinese message
and nothing is stored.

Configuration: ``UPLOAD_LIMITS`` (a dict of ReadLimits fields overriding WEB_LIMITS; ``max_bytes`` defaults to
MAX_CONTENT_LENGTH, which bounds the request itself), ``UPLOAD_MAX_SECONDS`` and ``UPLOAD_MAX_PREVIEW_BYTES``.
"""

from __future__ import annotations

import json
import time
from typing import Any

from flask import current_app

from quizbank.formats import ReadLimits
from quizbank.formats.common import FormatError
from webapp.infra.errors import ApiError

MB = 1024 * 1024
# Tighter than the command line's defaults: a web server serves everyone else while it reads one file.
WEB_LIMITS = ReadLimits(
    max_bytes=20 * MB,
    # What a reader holds is ~4× the unpacked text at worst (one 190 MB string in a cell: 785 MB peak), so
    # this bounds the memory one upload can take: a bank of ~100,000 questions still fits.
    max_unpacked=100 * MB,
    max_sheets=20,
    max_cells=2_000_000,  # 100,000 questions × 12 columns, plus room
    max_lines=500_000,
)
DEFAULT_MAX_SECONDS = 60.0
DEFAULT_MAX_PREVIEW_BYTES = 64 * MB


def upload_limits() -> ReadLimits:
    config = current_app.config
    return WEB_LIMITS.replace(max_bytes=config.get("MAX_CONTENT_LENGTH")).replace(
        **dict(config.get("UPLOAD_LIMITS") or {})
    )


class Deadline:
    """A reader's progress callback that stops reading when the time budget is spent."""

    def __init__(self, where: str, seconds: float | None = None) -> None:
        self.where = where
        self.seconds = (
            current_app.config.get("UPLOAD_MAX_SECONDS", DEFAULT_MAX_SECONDS) if seconds is None else seconds
        )
        self.until = time.monotonic() + self.seconds

    def __call__(self, _rows: int = 0) -> None:
        if time.monotonic() > self.until:
            raise FormatError(
                self.where, f"读取时间超过 {self.seconds:.0f} 秒的上限：文件太大或太复杂，请分成几个文件导入"
            )


def check_preview_size(payload: dict[str, Any]) -> None:
    """Refuse a preview larger than UPLOAD_MAX_PREVIEW_BYTES (as stored: JSON) before it is written."""
    limit = current_app.config.get("UPLOAD_MAX_PREVIEW_BYTES", DEFAULT_MAX_PREVIEW_BYTES)
    size = len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())
    if size > limit:
        raise ApiError(
            413,
            "preview_too_large",
            f"解析结果太大（{size / MB:.1f} MB，上限 {limit / MB:.1f} MB），无法暂存预览：请分成几个文件导入。",
        )
