"""notification_channels.secrets sealed at rest: each value becomes a Fernet token under a key derived from
the app's SECRET_KEY (webapp.infra.sealing); downgrade opens them again.

The keys come from the app that runs the migration (`webapp.infra.migrate.upgrade` passes them); run from
the alembic command line, from QUIZBANK_SECRET_KEY or the instance folder's key, as `create_app` finds it.

Revision ID: 0013_sealed_channel_secrets
Revises: 0012_user_email
Create Date: 2026-12-06 21:30:00
"""

import os
from pathlib import Path

import sqlalchemy as sa
from alembic import context, op

from webapp.infra.sealing import seal, unseal

revision = "0013_sealed_channel_secrets"
down_revision = "0012_user_email"
branch_labels = None
depends_on = None

channels = sa.table("notification_channels", sa.column("id", sa.Integer), sa.column("secrets", sa.JSON))


def _keys() -> tuple:
    keys = context.config.attributes.get("secret_keys")
    if keys:
        return tuple(keys)
    from webapp import instance_secret_key

    return (instance_secret_key(Path(os.environ.get("QUIZBANK_HOME") or "instance").resolve()),)


def _rewrite(change) -> None:
    connection = op.get_bind()
    for row_id, values in connection.execute(sa.select(channels.c.id, channels.c.secrets)).all():
        if values:
            connection.execute(
                channels.update().where(channels.c.id == row_id).values(secrets=change(row_id, values))
            )


def upgrade() -> None:
    keys = _keys()
    _rewrite(
        lambda _, values: {
            name: value if unseal(value, keys) is not None else seal(str(value), keys)
            for name, value in values.items()
            if value
        }
    )


def downgrade() -> None:
    keys = _keys()

    def opened(row_id, values):
        plain = {name: unseal(token, keys) for name, token in values.items()}
        lost = [name for name, value in plain.items() if value is None]
        if lost:
            raise RuntimeError(
                f"notification channel {row_id}: {', '.join(lost)} do not open under this SECRET_KEY;"
                " not downgrading (they would be lost)"
            )
        return plain

    _rewrite(opened)
