"""inspections, 三违 findings, training sessions with attendance, exams scheduled for retraining cases

Revision ID: 0004_inspections_training
Revises: 0003_certificates
Create Date: 2026-11-22 06:00:00
"""

from alembic import op
import sqlalchemy as sa
import webapp.infra.db


revision = "0004_inspections_training"
down_revision = "0003_certificates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("opened_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.Column("closed_at", webapp.infra.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_inspections_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], name=op.f("fk_inspections_department_id_departments")),
        sa.ForeignKeyConstraint(["inspector_id"], ["users.id"], name=op.f("fk_inspections_inspector_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspections_inspector_id"), ["inspector_id"], unique=False)

    op.create_table(
        "inspection_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("post_code", sa.String(length=80), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_inspection_findings_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"], name=op.f("fk_inspection_findings_inspection_id_inspections")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_inspection_findings_person_id_people")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_inspection_findings_recorded_by_users")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_inspection_findings_event_id_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_findings")),
    )
    with op.batch_alter_table("inspection_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_findings_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_findings_inspection_id"), ["inspection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspection_findings_person_id"), ["person_id"], unique=False)

    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("post_code", sa.String(length=80), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("trainer_name", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_training_sessions_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], name=op.f("fk_training_sessions_department_id_departments")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_training_sessions_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sessions")),
    )
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_sessions_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "training_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"], name=op.f("fk_training_attendance_session_id_training_sessions")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_training_attendance_person_id_people")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_training_attendance_event_id_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attendance")),
        sa.UniqueConstraint("session_id", "person_id", name=op.f("uq_training_attendance_session_id_person_id")),
    )
    with op.batch_alter_table("training_attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_attendance_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_attendance_person_id"), ["person_id"], unique=False)

    op.create_table(
        "retraining_exams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("post_code", sa.String(length=80), nullable=False),
        sa.Column("case_kind", sa.String(length=20), nullable=False),
        sa.Column("case_opened", sa.Date(), nullable=False),
        sa.Column("created_at", webapp.infra.db.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_retraining_exams_organisation_id_organisations")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_retraining_exams_person_id_people")),
        sa.ForeignKeyConstraint(["exam_id"], ["exams.id"], name=op.f("fk_retraining_exams_exam_id_exams")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_retraining_exams_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retraining_exams")),
    )
    with op.batch_alter_table("retraining_exams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retraining_exams_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_retraining_exams_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_retraining_exams_exam_id"), ["exam_id"], unique=False)


def downgrade() -> None:
    for table in ("retraining_exams", "training_attendance", "training_sessions", "inspection_findings", "inspections"):
        op.drop_table(table)
