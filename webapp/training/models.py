"""Training sessions (三级安全教育, periodic, off-duty) with attendance, and the exams scheduled for
retraining cases. Attending a session appends one `training_completed` event per person."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.exams.models import Exam
from webapp.infra.db import Base, UTCDateTime
from webapp.org.models import Person


class TrainingSession(Base):
    __tablename__ = "training_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    level: Mapped[str] = mapped_column(String(20))  # quizbank.rules.TRAINING_LEVELS
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Float)
    post_code: Mapped[str | None] = mapped_column(String(80))  # None: whatever the post
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    trainer_name: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    attendance: Mapped[list[Attendance]] = relationship(back_populates="session", order_by="Attendance.id")

    @property
    def session_key(self) -> str:
        """`TrainingCompleted.session_id`: the core counts a session once per person by it."""
        return f"session:{self.id}"


class Attendance(Base):
    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    hours: Mapped[float] = mapped_column(Float)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))

    session: Mapped[TrainingSession] = relationship(back_populates="attendance")
    person: Mapped[Person] = relationship()


class CaseExam(Base):
    """An exam (补考 or 复训考试) a trainer scheduled from the retraining queue for one person's case."""

    __tablename__ = "retraining_exams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id"), index=True)
    post_code: Mapped[str] = mapped_column(String(80))
    case_kind: Mapped[str] = mapped_column(String(20))
    case_opened: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    exam: Mapped[Exam] = relationship()
    person: Mapped[Person] = relationship()
