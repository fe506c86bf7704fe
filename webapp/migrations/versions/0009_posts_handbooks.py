"""Posts per enterprise (code unique within it, certificate category, retired/merged, departments) and the
enterprise's handbooks (drafts, published versions, reads, acknowledgements); questions cite a version.

Revision ID: 0009_posts_handbooks
Revises: 0009_platform_tenancy
Create Date: 2026-12-06 15:45:00
"""

from alembic import op
import sqlalchemy as sa

import webapp.infra.db


revision = "0009_posts_handbooks"
down_revision = "0009_platform_tenancy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_posts_code", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_posts_organisation_id_code"), ["organisation_id", "code"])
        batch_op.add_column(sa.Column("certificate", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("certificate_kind", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("retired_at", webapp.infra.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_posts_merged_into_id_posts"), "posts", ["merged_into_id"], ["id"])
    # Existing special-operation posts needed a 特种作业操作证: say so in the new column.
    op.execute("UPDATE posts SET certificate = 'special_operation' WHERE special_operation")

    op.create_table(
        "post_departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], name=op.f("fk_post_departments_department_id_departments")),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_post_departments_post_id_posts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_departments")),
        sa.UniqueConstraint("post_id", "department_id", name=op.f("uq_post_departments_post_id_department_id")),
    )
    with op.batch_alter_table("post_departments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_departments_post_id"), ["post_id"], unique=False)

    op.create_table(
        "handbooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("draft_updated_at", webapp.infra.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_handbooks_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_handbooks_post_id_posts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handbooks")),
        sa.UniqueConstraint("organisation_id", "post_id", name=op.f("uq_handbooks_organisation_id_post_id")),
    )
    with op.batch_alter_table("handbooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handbooks_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "handbook_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handbook_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("published_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("publisher_name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["handbook_id"], ["handbooks.id"], name=op.f("fk_handbook_versions_handbook_id_handbooks")),
        sa.ForeignKeyConstraint(["published_by"], ["users.id"], name=op.f("fk_handbook_versions_published_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handbook_versions")),
        sa.UniqueConstraint("handbook_id", "number", name=op.f("uq_handbook_versions_handbook_id_number")),
    )
    with op.batch_alter_table("handbook_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handbook_versions_handbook_id"), ["handbook_id"], unique=False)

    op.create_table(
        "handbook_section_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(length=120), nullable=False),
        sa.Column("opened_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_handbook_section_reads_person_id_people")),
        sa.ForeignKeyConstraint(["version_id"], ["handbook_versions.id"], name=op.f("fk_handbook_section_reads_version_id_handbook_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handbook_section_reads")),
        sa.UniqueConstraint("person_id", "version_id", "section_id", name=op.f("uq_handbook_section_reads_person_id_version_id_section_id")),
    )
    with op.batch_alter_table("handbook_section_reads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handbook_section_reads_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handbook_section_reads_version_id"), ["version_id"], unique=False)

    op.create_table(
        "handbook_acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_handbook_acknowledgements_person_id_people")),
        sa.ForeignKeyConstraint(["version_id"], ["handbook_versions.id"], name=op.f("fk_handbook_acknowledgements_version_id_handbook_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handbook_acknowledgements")),
        sa.UniqueConstraint("person_id", "version_id", name=op.f("uq_handbook_acknowledgements_person_id_version_id")),
    )
    with op.batch_alter_table("handbook_acknowledgements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handbook_acknowledgements_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handbook_acknowledgements_version_id"), ["version_id"], unique=False)

    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handbook_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_questions_handbook_version_id_handbook_versions"), "handbook_versions", ["handbook_version_id"], ["id"]
        )

    with op.batch_alter_table("special_certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document", sa.String(length=30), nullable=False, server_default="special_operation"))
        batch_op.add_column(sa.Column("regime", sa.String(length=20), nullable=False, server_default="mem30"))
    op.execute("UPDATE special_certificates SET regime = 'mem19' WHERE issued_on >= '2026-06-01'")


def downgrade() -> None:
    with op.batch_alter_table("special_certificates", schema=None) as batch_op:
        batch_op.drop_column("regime")
        batch_op.drop_column("document")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_questions_handbook_version_id_handbook_versions"), type_="foreignkey")
        batch_op.drop_column("handbook_version_id")
    op.drop_table("handbook_acknowledgements")
    op.drop_table("handbook_section_reads")
    op.drop_table("handbook_versions")
    op.drop_table("handbooks")
    op.drop_table("post_departments")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_posts_merged_into_id_posts"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("retired_at")
        batch_op.drop_column("certificate_kind")
        batch_op.drop_column("certificate")
        batch_op.drop_constraint(batch_op.f("uq_posts_organisation_id_code"), type_="unique")
        batch_op.create_unique_constraint("uq_posts_code", ["code"])
