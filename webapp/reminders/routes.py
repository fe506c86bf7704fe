"""Pages: the inbox (every signed-in user), channel settings (admin; secrets never shown back in full),
the delivery log (admin, HR), and the bell's unread count in the top bar."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select, update

from quizbank.records.reminders import AUDIENCES
from webapp.infra import clock
from webapp.infra.db import session
from webapp.infra.sealing import secret_keys
from webapp.infra.security import get_owned, require_role, signed_in
from webapp.reminders.channels import mask, registry, unreadable_secrets
from webapp.reminders.inbox import unread_count
from webapp.reminders.models import Delivery, InboxMessage, NotificationChannel, Reminder

bp = Blueprint("reminders", __name__)
AUDIENCE_NAMES = AUDIENCES
STATUS_NAMES = {"pending": "待发送", "sent": "已发送", "failed": "失败", "skipped": "无收件人"}


@bp.app_context_processor
def _bell():
    if not current_user.is_authenticated:
        return {}
    return {"inbox_unread": lambda: unread_count(session, current_user.id)}


@bp.get("/inbox")
@signed_in
def inbox():
    rows = list(
        session.scalars(
            select(InboxMessage)
            .where(InboxMessage.user_id == current_user.id)
            .order_by(InboxMessage.id.desc())
            .limit(200)
        )
    )
    return render_template("reminders/inbox.html", rows=rows)


@bp.post("/inbox/read")
@signed_in
def mark_read():
    session.execute(
        update(InboxMessage)
        .where(InboxMessage.user_id == current_user.id, InboxMessage.read_at.is_(None))
        .values(read_at=clock.now())
    )
    return redirect(url_for("reminders.inbox"))


@bp.get("/admin/reminders/channels")
@require_role("admin")
def channels():
    rows = list(
        session.scalars(
            select(NotificationChannel)
            .where(NotificationChannel.organisation_id == current_user.organisation_id)
            .order_by(NotificationChannel.id)
        )
    )
    kinds = {k: c for k, c in registry().items() if not getattr(c, "in_database", False)}
    keys = secret_keys(current_app.config)
    shown, problems = {}, {}
    for row in rows:
        opened, unreadable = row.open_secrets(keys)
        shown[row.id] = {name: mask(value) for name, value in opened.items()}
        shown[row.id].update({name: "无法解密" for name in unreadable})
        if unreadable:
            problems[row.id] = unreadable_secrets(row.kind, unreadable)
    return render_template(
        "reminders/channels.html",
        rows=rows,
        kinds=registry(),
        addable=kinds,
        shown=shown,
        problems=problems,
        audiences=AUDIENCE_NAMES,
    )


def _read_form(kind: str, existing: NotificationChannel | None) -> NotificationChannel:
    plugin = registry().get(kind)
    if plugin is None or getattr(plugin, "in_database", False):
        abort(400, "不支持的渠道")
    name = (request.form.get("name") or "").strip() or plugin.label
    audience = [a for a in request.form.getlist("audience") if a in AUDIENCE_NAMES]
    if not audience:
        raise ValueError("接收对象：请至少选择一类")
    keys = secret_keys(current_app.config)
    secrets, unreadable = existing.open_secrets(keys) if existing else ({}, ())
    config = {}
    for f in plugin.fields:
        value = (request.form.get(f.name) or "").strip()
        if f.secret:
            if value:
                secrets[f.name] = value  # blank keeps the stored secret
            elif f.name in unreadable:
                raise ValueError(f"{f.label}：已保存的值无法解密（应用的 SECRET_KEY 可能已更换），请重新填写")
            elif f.required and not secrets.get(f.name):
                raise ValueError(f"{f.label}：请填写")
        else:
            if f.required and not value:
                raise ValueError(f"{f.label}：请填写")
            config[f.name] = value
    check = getattr(plugin, "check", None)
    if check is not None:
        check({**config, **secrets}, audience)
    row = existing or NotificationChannel(
        organisation_id=current_user.organisation_id, kind=kind, created_at=clock.now()
    )
    row.name, row.config, row.audience = name[:100], config, audience
    row.seal_secrets({f.name: secrets.get(f.name, "") for f in plugin.fields if f.secret}, keys)
    row.active = existing is None or request.form.get("active") == "1"  # an unticked box sends nothing
    return row


@bp.post("/admin/reminders/channels")
@require_role("admin")
def save_channel():
    cid = request.form.get("id", type=int)
    existing = get_owned(NotificationChannel, cid) if cid else None
    kind = existing.kind if existing else request.form.get("kind", "")
    try:
        row = _read_form(kind, existing)
    except ValueError as e:
        flash(str(e))
        return redirect(url_for("reminders.channels")), 303
    session.add(row)
    flash(f"已保存渠道“{row.name}”")
    return redirect(url_for("reminders.channels"), 303)


@bp.get("/reminders/log")
@require_role("admin", "hr")
def log():
    status = request.args.get("status")
    q = (
        select(Delivery, Reminder, NotificationChannel)
        .join(Reminder, Reminder.id == Delivery.reminder_id)
        .join(NotificationChannel, NotificationChannel.id == Delivery.channel_id)
        .where(Delivery.organisation_id == current_user.organisation_id)
    )
    if status in STATUS_NAMES:
        q = q.where(Delivery.status == status)
    rows = session.execute(q.order_by(Delivery.id.desc()).limit(300)).all()
    return render_template("reminders/log.html", rows=rows, status=status, status_names=STATUS_NAMES)
