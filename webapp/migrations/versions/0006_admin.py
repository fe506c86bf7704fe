"""departments.active (停用部门) and the admin audit trail (admin_audit)

Revision ID: 0006_admin
Revises: 0005_people_phone
Create Date: 2026-11-22 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0006_admin"
down_revision = "0005_people_phone"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        "admin_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_admin_audit_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_admin_audit_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_audit")),
    )
    op.create_index("ix_admin_audit_org_at", "admin_audit", ["organisation_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_admin_audit_org_at", table_name="admin_audit")
    op.drop_table("admin_audit")
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_column("active")
