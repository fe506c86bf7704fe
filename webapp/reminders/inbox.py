"""The in-app inbox: messages per user, the unread count the bell shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.infra import clock
from webapp.reminders.models import InboxMessage


@dataclass(frozen=True)
class Recipients:
    organisation_id: int
    reminder_id: int
    user_ids: tuple[int, ...]


def put(s: Session, message, recipients: Recipients) -> None:
    """One inbox message per user (the unique key keeps a re-run from adding a second)."""
    have = set(
        s.scalars(
            select(InboxMessage.user_id).where(
                InboxMessage.reminder_id == recipients.reminder_id,
                InboxMessage.user_id.in_(recipients.user_ids),
            )
        )
    )
    now = clock.now()
    for uid in recipients.user_ids:
        if uid not in have:
            s.add(
                InboxMessage(
                    organisation_id=recipients.organisation_id,
                    user_id=uid,
                    reminder_id=recipients.reminder_id,
                    subject=message.subject,
                    body=f"{message.body}（提醒编号 {message.reference}）",
                    created_at=now,
                )
            )
    s.flush()


def unread_count(s: Session, user_id: int) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(InboxMessage)
            .where(InboxMessage.user_id == user_id, InboxMessage.read_at.is_(None))
        )
        or 0
    )
