"""Where an enterprise's post exists: its departments (the post row itself is org.models.Post)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.infra.db import Base


class PostDepartment(Base):
    __tablename__ = "post_departments"
    __table_args__ = (UniqueConstraint("post_id", "department_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
