"""kiosk_locks: a session handed to a worker for a spot test stays in kiosk state until the inspector signs in again

Revision ID: 0010_kiosk_locks
Revises: 0009_reminders
Create Date: 2026-12-06 15:45:00
"""

from alembic import op
import sqlalchemy as sa

import webapp.infra.db


revision = "0010_kiosk_locks"
down_revision = "0009_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kiosk_locks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_key", sa.String(length=64), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("post_code", sa.String(length=80), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("started_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.Column("ended_at", webapp.infra.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempts.id"], name=op.f("fk_kiosk_locks_attempt_id_attempts")),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_kiosk_locks_inspection_id_inspections")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_kiosk_locks_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_kiosk_locks_person_id_people")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_kiosk_locks_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_locks")),
    )
    with op.batch_alter_table("kiosk_locks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kiosk_locks_inspection_id"), ["inspection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kiosk_locks_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_kiosk_locks_session_key"), ["session_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_kiosk_locks_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("kiosk_locks")
