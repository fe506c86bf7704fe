"""Scheduled exams, attempts (a frozen paper per sitting) and the answers saved one by one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.infra.db import Base, UTCDateTime
from webapp.org.models import Department, Person, Post


class Exam(Base):
    __tablename__ = "exams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    # Set: the exam is this one person's (a 补考 or 复训考试 from the retraining queue), whatever their
    # post and department share with others.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blueprint: Mapped[dict[str, Any]] = mapped_column(JSON)  # snapshot taken when scheduled
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    post: Mapped[Post] = relationship()
    department: Mapped[Department | None] = relationship()
    person: Mapped[Person | None] = relationship()


class Attempt(Base):
    """One sitting. `layout` is ``[{"id": ext_id, "pk": question row id, "order": [...]}, …]``."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    exam_id: Mapped[int | None] = mapped_column(ForeignKey("exams.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    inspection_id: Mapped[int | None] = mapped_column(Integer, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seed: Mapped[int] = mapped_column(BigInteger)
    layout: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    blueprint: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    submitted_by: Mapped[str | None] = mapped_column(String(40))  # "user:<id>" or "deadline"
    started_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    person: Mapped[Person] = relationship()
    post: Mapped[Post] = relationship()
    exam: Mapped[Exam | None] = relationship()

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    # What a worker sees: out of 100 with the pass mark the rules name, whatever the paper's raw points.
    @property
    def score_percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return round(self.score / self.max_score * 100, 1)

    @property
    def pass_percent(self) -> float:
        return float(self.blueprint.get("pass_percent", 80))


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(120))  # the question's ext id
    choices: Mapped[list[int]] = mapped_column(JSON)  # positions on the paper
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    correct: Mapped[bool | None] = mapped_column(Boolean)  # set when graded (submit, or a practice check)
