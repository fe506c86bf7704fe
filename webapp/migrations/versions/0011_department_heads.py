"""departments.head_user_id (部门负责人, a reminder recipient); the in-app inbox also reaches department heads

Revision ID: 0011_department_heads
Revises: 0010_kiosk_locks
Create Date: 2026-12-07 09:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0011_department_heads"
down_revision = "0010_kiosk_locks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("head_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_departments_head_user_id_users"), "users", ["head_user_id"], ["id"]
        )
    # The inbox channel (made by the outbox, not editable) reaches every audience, now department heads too.
    channels = sa.table(
        "notification_channels", sa.column("id", sa.Integer), sa.column("kind", sa.String),
        sa.column("audience", sa.JSON),
    )  # fmt: skip
    bind = op.get_bind()
    for row in bind.execute(sa.select(channels.c.id, channels.c.audience).where(channels.c.kind == "inbox")):
        audience = list(row.audience or [])
        if "dept_head" not in audience:
            bind.execute(
                channels.update().where(channels.c.id == row.id).values(audience=[*audience, "dept_head"])
            )


def downgrade() -> None:
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_departments_head_user_id_users"), type_="foreignkey")
        batch_op.drop_column("head_user_id")
