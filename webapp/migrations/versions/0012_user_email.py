"""users.email (optional; e-mail reminders reach the worker and the department head there) and
reminder_deliveries.note (recipients skipped or refused, shown in the delivery log)

Revision ID: 0012_user_email
Revises: 0011_department_heads
Create Date: 2026-12-07 09:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0012_user_email"
down_revision = "0011_department_heads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("reminder_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("reminder_deliveries", schema=None) as batch_op:
        batch_op.drop_column("note")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")
