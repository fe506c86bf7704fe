"""The platform: organisations suspended by the operator, regulators' jurisdictions, who granted an outside
inspector access and when.

Revision ID: 0009_platform_tenancy
Revises: 0009_bank_quality
Create Date: 2026-12-06 15:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0009_platform_tenancy"
down_revision = "0009_bank_quality"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suspended_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("inspector_grants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("granted_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("granted_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_inspector_grants_granted_by_users"), "users", ["granted_by"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_inspector_grants_organisation_id"), ["organisation_id"])
    op.create_table(
        "jurisdictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regulator_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["regulator_id"], ["organisations.id"], name=op.f("fk_jurisdictions_regulator_id_organisations")),
        sa.ForeignKeyConstraint(["enterprise_id"], ["organisations.id"], name=op.f("fk_jurisdictions_enterprise_id_organisations")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_jurisdictions_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jurisdictions")),
    )
    with op.batch_alter_table("jurisdictions", schema=None) as batch_op:
        batch_op.create_index("ix_jurisdictions_regulator", ["regulator_id", "enterprise_id"])
        batch_op.create_index(batch_op.f("ix_jurisdictions_enterprise_id"), ["enterprise_id"])


def downgrade() -> None:
    op.drop_table("jurisdictions")
    with op.batch_alter_table("inspector_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspector_grants_organisation_id"))
        batch_op.drop_constraint(batch_op.f("fk_inspector_grants_granted_by_users"), type_="foreignkey")
        batch_op.drop_column("granted_at")
        batch_op.drop_column("granted_by")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("suspended_at")
