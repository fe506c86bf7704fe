"""Delivering planned reminders: claim one delivery, send it outside any transaction, mark it; a failure waits
`backoff(attempts)` before the next try. Channels that write in the database (the inbox) deliver a batch in
one transaction, so each is delivered exactly once. `webapp.reminders.service` plans what to deliver and runs both.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from quizbank.records import reminders as core
from webapp.infra import clock
from webapp.infra.db import database, transaction
from webapp.infra.sealing import secret_keys
from webapp.org.models import Person, User, UserRole
from webapp.org.service import department_head
from webapp.reminders.channels import (
    Addressee,
    DeliveryFailed,
    Message,
    NoRecipients,
    registry,
    unreadable_secrets,
)
from webapp.reminders.inbox import Recipients
from webapp.reminders.models import Delivery, NotificationChannel, Reminder

MAX_ATTEMPTS = 8
PERSONAL = ("worker", "dept_head")  # audiences that are people found from the reminder's person, not roles


def backoff(attempts: int, base: timedelta) -> timedelta:
    """1, 2, 4, 8 … times `base` after the 1st, 2nd, 3rd … failure (capped at 64×)."""
    return base * (2 ** min(max(attempts - 1, 0), 6))


@dataclass
class RunReport:
    occasions: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0  # nobody to send to (see the delivery's note)
    errors: list[str] = field(default_factory=list)


def _recipients(s: Session, reminder: Reminder) -> tuple[int, ...]:
    """The users whose inbox gets the reminder: the person's own account(s), their department head, and
    every active user holding one of the audience's staff roles."""
    ids: set[int] = set()
    if "worker" in reminder.audience and reminder.person_id:
        ids.update(s.scalars(select(User.id).where(User.person_id == reminder.person_id, User.active)))
    if "dept_head" in reminder.audience and reminder.person_id:
        head = department_head(s, reminder.person_id)
        if head is not None:
            ids.add(head.id)
    roles = [r for r in reminder.audience if r in core.AUDIENCES and r not in PERSONAL]
    if roles:
        ids.update(
            s.scalars(
                select(User.id)
                .join(UserRole, UserRole.user_id == User.id)
                .where(
                    User.organisation_id == reminder.organisation_id, User.active, UserRole.role.in_(roles)
                )
            )
        )
    return tuple(sorted(ids))


def _addressees(s: Session, d: Delivery, channel) -> tuple[tuple[Addressee, ...], str]:
    """For a channel that reaches people at their own address: the people of the reminder's audience the
    channel shares (本人, 部门负责人) who have one, and a note naming those who do not."""
    field_name = getattr(channel, "personal_address", None)
    reminder = d.reminder
    wanted = [a for a in PERSONAL if a in (reminder.audience or ()) and a in (d.channel.audience or ())]
    if not field_name or not wanted or not reminder.person_id:
        return (), ""
    found: list[Addressee] = []
    missing: list[str] = []
    label = core.AUDIENCES
    for audience in wanted:
        if audience == "worker":
            person = s.get(Person, reminder.person_id)
            who = f"{person.name}（{person.employee_no}）" if person else ""
            users = list(
                s.scalars(
                    select(User).where(User.person_id == reminder.person_id, User.active).order_by(User.id)
                )
            )
            addresses = [getattr(u, field_name) for u in users if getattr(u, field_name, None)]
            if addresses:
                found += [Addressee(audience, who, a) for a in dict.fromkeys(addresses)]
            else:
                missing.append(f"{label[audience]} {who}（{'未登记电子邮箱' if users else '没有账号'}）")
        else:
            head = department_head(s, reminder.person_id)
            if head is None:
                missing.append(f"{label[audience]}（所在部门及上级部门未设负责人）")
            elif getattr(head, field_name, None):
                found.append(Addressee(audience, head.display_name, getattr(head, field_name)))
            else:
                missing.append(f"{label[audience]} {head.display_name}（{head.username}，未登记电子邮箱）")
    return tuple(found), ("未发送给：" + "；".join(missing)) if missing else ""


def deliver_one(app: Flask, delivery_id: int, token: str, lease: timedelta, base: timedelta) -> str:
    """Claim, send, mark one delivery: returns sent | retry | failed | skipped (nobody to send it to, or
    someone else has it)."""
    now = clock.now()
    with transaction(app) as s:
        claimed = s.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status == "pending",
                Delivery.next_try_at <= now,
                (Delivery.claimed_until.is_(None)) | (Delivery.claimed_until < now),
            )
            .values(claim_token=token, claimed_until=now + lease)
        ).rowcount
        if not claimed:
            return "skipped"
        d = s.get(Delivery, delivery_id)
        channel = registry().get(d.channel.kind)
        addressees, note = _addressees(s, d, channel) if channel is not None else ((), "")
        message = _message(d, addressees)
        secrets, unreadable = d.channel.open_secrets(secret_keys(app.config))
        config = {**(d.channel.config or {}), **secrets}
        if unreadable:  # trying again under the same key cannot help: failed, with what to do about it
            d.status, d.attempts, d.claimed_until = "failed", d.attempts + 1, None
            d.last_error = unreadable_secrets(d.channel.kind, unreadable)
            return "failed"
        if channel is not None and getattr(channel, "in_database", False):
            channel.deliver(
                s, message, config, Recipients(d.organisation_id, d.reminder_id, _recipients(s, d.reminder))
            )
            d.status, d.sent_at, d.attempts, d.claimed_until = "sent", now, d.attempts + 1, None
            return "sent"
    error, nobody, answer = "", False, None
    try:
        if channel is None:
            raise DeliveryFailed("渠道插件未安装")
        answer = channel.send(message, config)
    except NoRecipients as e:
        error, nobody = str(e), True
    except DeliveryFailed as e:
        error = str(e)
    except Exception as e:  # noqa: BLE001  a plugin's bug is that delivery's failure, not the run's
        error = f"渠道出错：{type(e).__name__}: {e}"
    done = clock.now()
    with transaction(app) as s:
        d = s.get(Delivery, delivery_id)
        if d is None or d.claim_token != token:
            return "skipped"  # our lease ran out and another runner took it over
        d.attempts += 1
        d.claimed_until = None
        d.note = "；".join(n for n in (note, answer if isinstance(answer, str) else "") if n)[:2000]
        if nobody:
            d.status, d.last_error = "skipped", error[:2000]
            return "nobody"
        if not error:
            d.status, d.sent_at, d.last_error = "sent", done, ""
            return "sent"
        d.last_error = error[:2000]
        if d.attempts >= MAX_ATTEMPTS:
            d.status = "failed"
            return "failed"
        d.next_try_at = done + backoff(d.attempts, base)
        return "retry"


def _setting(app: Flask, name: str, default: float) -> float:
    """From the app config, else the environment as QUIZBANK_<name>."""
    return float(app.config.get(name) or os.environ.get(f"QUIZBANK_{name}") or default)


def deliver_in_database(app: Flask, ids: list[int]) -> int:
    """Deliver a batch over channels that write in the database (the inbox) in one transaction: the
    delivery and its mark commit together, so each is delivered exactly once. Rows another runner holds
    are skipped (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serializes writers)."""
    now = clock.now()
    sent = 0
    with transaction(app) as s:
        rows = s.scalars(
            select(Delivery)
            .where(
                Delivery.id.in_(ids),
                Delivery.status == "pending",
                Delivery.next_try_at <= now,
                (Delivery.claimed_until.is_(None)) | (Delivery.claimed_until < now),
            )
            .order_by(Delivery.id)
            .with_for_update(skip_locked=True)
        ).all()
        for d in rows:
            channel = registry()[d.channel.kind]
            message = _message(d)
            config = {**(d.channel.config or {}), **d.channel.open_secrets(secret_keys(app.config))[0]}
            channel.deliver(
                s, message, config, Recipients(d.organisation_id, d.reminder_id, _recipients(s, d.reminder))
            )
            d.status, d.sent_at, d.attempts, d.claimed_until = "sent", now, d.attempts + 1, None
            sent += 1
    return sent


def _message(d: Delivery, addressees: tuple[Addressee, ...] = ()) -> Message:
    return Message(
        d.reminder.subject,
        d.reminder.body,
        f"qb-reminder-{d.reminder_id}-channel-{d.channel_id}",
        f"R{d.reminder_id}",
        addressees,
    )


def deliver_due(app: Flask, report: RunReport | None = None) -> RunReport:
    """Every delivery due now, in id order, each looked at once per run (a failed one waits for its
    back-off): in-database channels in batches, the others one at a time (claim, send, mark)."""
    report = report or RunReport()
    lease = timedelta(seconds=_setting(app, "REMIND_LEASE_SECONDS", 300))
    base = timedelta(seconds=_setting(app, "REMIND_BACKOFF_SECONDS", 60))
    token = secrets.token_hex(8)
    in_database = {k for k, c in registry().items() if getattr(c, "in_database", False)}
    last_id = 0
    while True:
        now = clock.now()
        with database(app).sessionmaker() as s:
            due = s.execute(
                select(Delivery.id, NotificationChannel.kind)
                .join(NotificationChannel, NotificationChannel.id == Delivery.channel_id)
                .where(
                    Delivery.id > last_id,
                    Delivery.status == "pending",
                    Delivery.next_try_at <= now,
                    (Delivery.claimed_until.is_(None)) | (Delivery.claimed_until < now),
                )
                .order_by(Delivery.id)
                .limit(200)
            ).all()
        if not due:
            return report
        last_id = due[-1][0]
        batch = [i for i, kind in due if kind in in_database]
        if batch:
            report.sent += deliver_in_database(app, batch)
        for i, kind in due:
            if kind in in_database:
                continue
            outcome = deliver_one(app, i, token, lease, base)
            if outcome == "sent":
                report.sent += 1
            elif outcome == "retry":
                report.retried += 1
            elif outcome == "failed":
                report.failed += 1
            elif outcome == "nobody":
                report.skipped += 1
