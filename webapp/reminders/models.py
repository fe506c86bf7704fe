"""The reminder outbox: channels configured per enterprise, one reminder per occasion, one delivery per
reminder and channel (unique: sent once per occasion and channel), and the in-app inbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.infra.db import Base, UTCDateTime
from webapp.infra.sealing import open_fields, seal_fields


class NotificationChannel(Base):
    """`config` holds the plain fields; `sealed_secrets` (column `secrets`) the secret ones, each sealed under
    the app's SECRET_KEY (`webapp.infra.sealing`): read and write them with `open_secrets`/`seal_secrets`.
    Neither is ever sent back to a browser in full."""

    __tablename__ = "notification_channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sealed_secrets: Mapped[dict[str, str]] = mapped_column("secrets", JSON, default=dict)
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)  # worker | hr | trainer
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def open_secrets(self, keys) -> tuple[dict[str, str], tuple[str, ...]]:
        """The secrets the keys open, and the names of those they do not (`webapp.infra.sealing.secret_keys`)."""
        return open_fields(self.sealed_secrets, keys)

    def seal_secrets(self, values: dict[str, str], keys) -> None:
        self.sealed_secrets = seal_fields(values, keys)


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """pending → sent, or failed after `MAX_ATTEMPTS`, or skipped when it had nobody to go to (a channel
    to people's own addresses, none of whom has one). `note` names the recipients skipped or refused. A runner owns a row while `claimed_until` is in the
    future and `claim_token` is its own; a runner that died loses it when the lease runs out."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("reminder_id", "channel_id"),
        Index("ix_reminder_deliveries_due", "status", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("notification_channels.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    reminder: Mapped[Reminder] = relationship()
    channel: Mapped[NotificationChannel] = relationship()


class InboxMessage(Base):
    __tablename__ = "inbox_messages"
    __table_args__ = (UniqueConstraint("user_id", "reminder_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminders.id"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
