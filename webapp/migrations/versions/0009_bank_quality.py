"""Bank quality (issue 11): question drafts (status) and basis, the enterprise's 法规标准库 entries, accepted
findings, and per-item results for 试题分析. Existing questions stay live.

Revision ID: 0009_bank_quality
Revises: 0008_exam_person
Create Date: 2026-12-06 15:40:00
"""

from alembic import op
import sqlalchemy as sa

from webapp.infra.db import UTCDateTime


revision = "0009_bank_quality"
down_revision = "0008_exam_person"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("basis", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("source", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=10), nullable=False, server_default="live"))
    op.create_table(
        "law_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("effective", sa.Date(), nullable=True),
        sa.Column("withdrawn", sa.Date(), nullable=True),
        sa.Column("replaced_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_law_entries_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_law_entries_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_law_entries")),
    )
    op.create_index(op.f("ix_law_entries_organisation_id"), "law_entries", ["organisation_id"], unique=False)
    op.create_table(
        "accepted_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("check", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.Column("accepted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["accepted_by"], ["users.id"], name=op.f("fk_accepted_findings_accepted_by_users")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_accepted_findings_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accepted_findings")),
        sa.UniqueConstraint("organisation_id", "subject", "check", name=op.f("uq_accepted_findings_organisation_id_subject_check")),
    )
    op.create_index(op.f("ix_accepted_findings_organisation_id"), "accepted_findings", ["organisation_id"], unique=False)
    op.create_table(
        "item_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("question_pk", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=120), nullable=False),
        sa.Column("section", sa.String(length=120), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("picked", sa.Integer(), nullable=False),
        sa.Column("score_share", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["attempts.id"], name=op.f("fk_item_results_attempt_id_attempts")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], name=op.f("fk_item_results_department_id_departments")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_item_results_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_item_results_post_id_posts")),
        sa.ForeignKeyConstraint(["question_pk"], ["questions.id"], name=op.f("fk_item_results_question_pk_questions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_results")),
    )
    op.create_index(op.f("ix_item_results_attempt_id"), "item_results", ["attempt_id"], unique=False)
    op.create_index(
        "ix_item_results_org_question",
        "item_results",
        ["organisation_id", "question_pk", "correct", "answered", "picked", "score_share"],
        unique=False,
    )
    op.create_index("ix_item_results_org_submitted", "item_results", ["organisation_id", "submitted_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_item_results_org_submitted", table_name="item_results")
    op.drop_index("ix_item_results_org_question", table_name="item_results")
    op.drop_index(op.f("ix_item_results_attempt_id"), table_name="item_results")
    op.drop_table("item_results")
    op.drop_index(op.f("ix_accepted_findings_organisation_id"), table_name="accepted_findings")
    op.drop_table("accepted_findings")
    op.drop_index(op.f("ix_law_entries_organisation_id"), table_name="law_entries")
    op.drop_table("law_entries")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("status")
        batch_op.drop_column("source")
        batch_op.drop_column("basis")
