"""certificates, their serial counters, and external special-operation certificates on file

Revision ID: 0003_certificates
Revises: 0002_upload_previews
Create Date: 2026-11-22 04:20:00
"""

from alembic import op
import sqlalchemy as sa
import webapp.infra.db


revision = "0003_certificates"
down_revision = "0002_upload_previews"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_serials",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_certificate_serials")),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("serial", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempts.id"], name=op.f("fk_certificates_attempt_id_attempts")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_certificates_event_id_events")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_certificates_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_certificates_person_id_people")),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_certificates_post_id_posts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("attempt_id", name=op.f("uq_certificates_attempt_id")),
        sa.UniqueConstraint("serial", name=op.f("uq_certificates_serial")),
        sa.UniqueConstraint("token", name=op.f("uq_certificates_token")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificates_expires_on"), ["expires_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificates_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_certificates_person_id"), ["person_id"], unique=False)
    op.create_table(
        "special_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("post_code", sa.String(length=80), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_special_certificates_event_id_events")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_special_certificates_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_special_certificates_person_id_people")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_special_certificates_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_special_certificates")),
        sa.UniqueConstraint("person_id", "number", name=op.f("uq_special_certificates_person_id_number")),
    )
    with op.batch_alter_table("special_certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_special_certificates_expires_on"), ["expires_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_special_certificates_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_special_certificates_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_special_certificates_review_due"), ["review_due"], unique=False)


def downgrade() -> None:
    op.drop_table("special_certificates")
    op.drop_table("certificates")
    op.drop_table("certificate_serials")
