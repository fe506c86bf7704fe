"""The enterprise's own handbooks: one 通用知识 part (post null) and one 专业知识 part per post, each with a
private draft and numbered published versions (frozen sections); who opened which section and who
acknowledged which version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.infra.db import Base, UTCDateTime


class Handbook(Base):
    """One part of an enterprise's handbook. `draft` is the trainers' working copy: [{id, title, body}]."""

    __tablename__ = "handbooks"
    __table_args__ = (UniqueConstraint("organisation_id", "post_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))  # None: the 通用知识 part
    title: Mapped[str] = mapped_column(String(200))
    draft: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    draft_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    versions: Mapped[list[HandbookVersion]] = relationship(
        back_populates="handbook", order_by="HandbookVersion.number"
    )


class HandbookVersion(Base):
    """A published version: its sections frozen, who published it, when and what changed (修订记录)."""

    __tablename__ = "handbook_versions"
    __table_args__ = (UniqueConstraint("handbook_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handbook_id: Mapped[int] = mapped_column(ForeignKey("handbooks.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {added, removed, changed: [ids]}
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    publisher_name: Mapped[str] = mapped_column(String(100), default="")

    handbook: Mapped[Handbook] = relationship(back_populates="versions")


class SectionOpened(Base):
    __tablename__ = "handbook_section_reads"
    __table_args__ = (UniqueConstraint("person_id", "version_id", "section_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("handbook_versions.id"), index=True)
    section_id: Mapped[str] = mapped_column(String(120))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Acknowledgement(Base):
    """已阅读确认: the person read this version."""

    __tablename__ = "handbook_acknowledgements"
    __table_args__ = (UniqueConstraint("person_id", "version_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("handbook_versions.id"), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime)
