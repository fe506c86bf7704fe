"""upload previews (question bank and roster imports awaiting confirmation)

Revision ID: 0002_upload_previews
Revises: 0001
Create Date: 2026-11-22 05:00:00
"""

from alembic import op
import sqlalchemy as sa
import webapp.infra.db


revision = "0002_upload_previews"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upload_previews",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.Column("committed_at", webapp.infra.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_upload_previews_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_upload_previews_user_id_users")),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_upload_previews")),
    )
    with op.batch_alter_table("upload_previews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_upload_previews_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_upload_previews_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_upload_previews_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("upload_previews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_upload_previews_expires_at"))
        batch_op.drop_index(batch_op.f("ix_upload_previews_user_id"))
        batch_op.drop_index(batch_op.f("ix_upload_previews_organisation_id"))
    op.drop_table("upload_previews")
