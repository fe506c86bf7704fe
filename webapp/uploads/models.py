"""Uploaded files awaiting confirmation: a parsed question bank or roster, kept between the preview and
the commit (possibly served by another app process), scoped to the organisation and user, expiring."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.infra.db import Base, UTCDateTime


class UploadPreview(Base):
    """`payload` is what the commit will write (parsed on upload, never re-sent by the browser);
    `result` what the commit produced that must be shown once (e.g. initial PINs), cleared on expiry."""

    __tablename__ = "upload_previews"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # questions | roster
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    filename: Mapped[str] = mapped_column(String(300), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
