"""One row per question of a submitted paper (试题分析 reads only these, with SQL aggregates): whether it was
answered right, which original options were picked (a bit mask, bit k = option k), and the paper's share of
the score, so discrimination needs no join back to the attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.infra.db import Base, UTCDateTime


class ItemResult(Base):
    __tablename__ = "item_results"
    __table_args__ = (
        # Covering the per-question aggregate: it reads the index alone, never the table.
        Index(
            "ix_item_results_org_question",
            "organisation_id",
            "question_pk",
            "correct",
            "answered",
            "picked",
            "score_share",
        ),
        Index("ix_item_results_org_submitted", "organisation_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    question_pk: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    question_id: Mapped[str] = mapped_column(String(120))  # ext id
    section: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # the attempt's kind
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered: Mapped[bool] = mapped_column(Boolean)
    correct: Mapped[bool] = mapped_column(Boolean)
    picked: Mapped[int] = mapped_column(Integer, default=0)  # bit k set: original option k chosen
    score_share: Mapped[float] = mapped_column(Float)  # the attempt's score / max score, 0..1
