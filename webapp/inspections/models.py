"""Inspections (检查) and their 三违 findings. Spot tests are `attempts` rows with `inspection_id` set."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.infra.db import Base, UTCDateTime
from webapp.org.models import Department, Person, User


class Inspection(Base):
    """An inspector's visit to a department; `organisation_id` is the inspected enterprise's."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship()
    inspector: Mapped[User] = relationship()

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Finding(Base):
    """A 三违 recorded during an inspection; `event_id` is the `violation_recorded` event it appended."""

    __tablename__ = "inspection_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    post_code: Mapped[str | None] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))

    person: Mapped[Person] = relationship()


class KioskLock(Base):
    """A signed-in session handed to a worker for a spot test (kiosk state), kept on the server.

    `session_key` is a random key kept in that session's cookie: while a lock with no `ended_at` matches the
    user and the key, every request of the session is refused except the worker's PIN page, paper, answers,
    submit and result, and the hand-back page where the inspector signs in again (webapp.inspections.kiosk).
    """

    __tablename__ = "kiosk_locks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    session_key: Mapped[str] = mapped_column(String(64), index=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    post_code: Mapped[str] = mapped_column(String(80))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempts.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
