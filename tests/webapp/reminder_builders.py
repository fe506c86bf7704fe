"""Notification channels as an admin's page would leave them: secrets sealed under the app's SECRET_KEY."""

from __future__ import annotations

from datetime import UTC, datetime

from webapp.infra.sealing import secret_keys
from webapp.reminders.models import NotificationChannel


def make_channel(app, db, org, kind: str, *, name=None, config=None, secrets=None, audience=("worker", "hr")):
    row = NotificationChannel(
        organisation_id=org.id, kind=kind, name=name or kind, config=config or {}, audience=list(audience),
        active=True, created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    row.seal_secrets(secrets or {}, secret_keys(app.config))
    db.add(row)
    db.flush()
    return row
