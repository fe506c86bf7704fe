"""The 法规标准库 as an enterprise keeps it: entries of its own, and its changes to the built-in ones
(an entry with the same key overrides the built-in entry of the sets' laws.yaml for this enterprise); and
the findings a trainer accepted with a reason (a 题目体检 warning, a 待复核 question re-confirmed)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.infra.db import Base, UTCDateTime


class LawEntryRow(Base):
    __tablename__ = "law_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    key: Mapped[str] = mapped_column(String(200))  # register.entry_key(number or title)
    number: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(300))
    issuer: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="现行")
    effective: Mapped[date | None] = mapped_column(Date)
    withdrawn: Mapped[date | None] = mapped_column(Date)
    replaced_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AcceptedFinding(Base):
    """A warning accepted with a reason, by subject (question ext id, section id or batch name) and check."""

    __tablename__ = "accepted_findings"
    __table_args__ = (UniqueConstraint("organisation_id", "subject", "check"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    check: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
