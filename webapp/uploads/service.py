"""Parsed uploads kept between preview and commit, in the database (any app process can serve the commit).

A preview is found by its random token *and* the organisation and user that uploaded it: a token seen by
someone else is worth nothing. Expired previews are purged when new ones are stored.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from webapp.infra import clock
from webapp.infra.errors import ApiError
from webapp.uploads.limits import check_preview_size
from webapp.uploads.models import UploadPreview

PREVIEW_LIFETIME = timedelta(hours=2)


def store_preview(
    s: Session, *, kind: str, organisation_id: int, user_id: int, filename: str, payload: dict[str, Any]
) -> UploadPreview:
    check_preview_size(payload)
    now = clock.now()
    s.execute(delete(UploadPreview).where(UploadPreview.expires_at < now))
    row = UploadPreview(
        token=secrets.token_urlsafe(24),
        kind=kind,
        organisation_id=organisation_id,
        user_id=user_id,
        filename=filename[:300],
        payload=payload,
        created_at=now,
        expires_at=now + PREVIEW_LIFETIME,
    )
    s.add(row)
    s.flush()
    return row


def load_preview(
    s: Session, token: str, *, kind: str, organisation_id: int, user_id: int, for_update: bool = False
) -> UploadPreview:
    """The preview, or 404 when unknown, someone else's or expired (an expired one says so).
    `for_update` locks the row: two commits of one preview run one after the other."""
    row = s.get(UploadPreview, token, with_for_update=for_update) if token else None
    if row is None or row.kind != kind or row.organisation_id != organisation_id or row.user_id != user_id:
        raise NotFound("没有找到这次上传（可能已被清理），请重新上传文件。")
    if row.expires_at <= clock.now():
        raise ApiError(410, "expired", "这次上传的预览已过期，请重新上传文件。")
    return row


def mark_committed(row: UploadPreview) -> None:
    """Refuse a second commit of the same preview (double click, back button, two tabs)."""
    if row.committed_at is not None:
        raise ApiError(409, "already_committed", "这份文件已经导入过了，不会重复导入。")
    row.committed_at = clock.now()
