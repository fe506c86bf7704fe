"""Question sets (plugins and imports), their handbook sections and questions, and blueprints per post."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.infra.db import Base, UTCDateTime


class QuestionSet(Base):
    __tablename__ = "question_sets"
    __table_args__ = (UniqueConstraint("organisation_id", "key", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(40))
    origin: Mapped[str] = mapped_column(String(10), default="plugin")  # plugin | import
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    post_codes: Mapped[list[str]] = mapped_column(JSON, default=list)  # [] for the general set
    source: Mapped[str] = mapped_column(String(500), default="")
    loaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # superseded by a newer version

    sections: Mapped[list[HandbookSection]] = relationship(back_populates="question_set")


class HandbookSection(Base):
    __tablename__ = "handbook_sections"
    __table_args__ = (UniqueConstraint("set_id", "section_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("question_sets.id"), index=True)
    section_id: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300))
    part: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    question_set: Mapped[QuestionSet] = relationship(back_populates="sections")


class Question(Base):
    """A question as stored; `ext_id` is the stable id from the set (quizbank.model.Question.id)."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("set_id", "ext_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("question_sets.id"), index=True)
    ext_id: Mapped[str] = mapped_column(String(120), index=True)
    type: Mapped[str] = mapped_column(String(12))
    stem: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[list[int]] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text, default="")
    difficulty: Mapped[int] = mapped_column(Integer, default=3)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    section: Mapped[str | None] = mapped_column(String(120))
    part: Mapped[str] = mapped_column(String(20), default="professional")
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The published handbook version whose `section` the question was written for (webapp.handbooks).
    handbook_version_id: Mapped[int | None] = mapped_column(ForeignKey("handbook_versions.id"))
    basis: Mapped[str] = mapped_column(Text, default="")  # 依据: law/standard and clause
    source: Mapped[str | None] = mapped_column(String(200))  # where it was read from: "Sheet1!R12", "line 7"
    # draft (待审核: imported or edited, never drawn) | live; a reviewer publishes drafts.
    status: Mapped[str] = mapped_column(String(10), default="live", server_default="live")

    question_set: Mapped[QuestionSet] = relationship()

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


class Blueprint(Base):
    """An organisation's blueprint (组卷规则) for a post and exam kind; `spec` is blueprint_to_dict()."""

    __tablename__ = "blueprints"
    __table_args__ = (UniqueConstraint("organisation_id", "post_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
