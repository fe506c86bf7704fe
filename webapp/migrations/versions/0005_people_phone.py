"""people.phone (手机, from the HR roster)

Revision ID: 0005_people_phone
Revises: 0004_inspections_training
Create Date: 2026-11-22 05:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0005_people_phone"
down_revision = "0004_inspections_training"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("phone")
