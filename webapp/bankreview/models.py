"""Warnings a trainer accepted with a reason (题目体检, 待复核 re-confirmed): by subject (question ext id, section
id, or a batch name) and check code, per organisation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.infra.db import Base, UTCDateTime


class AcceptedFinding(Base):
    __tablename__ = "accepted_findings"
    __table_args__ = (UniqueConstraint("organisation_id", "subject", "check"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    check: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
