"""exams.person_id (an exam scheduled for one person: a make-up or retraining exam from the queue)

Revision ID: 0008_exam_person
Revises: 0007_session_version
Create Date: 2026-11-24 09:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0008_exam_person"
down_revision = "0007_session_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_exams_person_id"), ["person_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_exams_person_id_people"), "people", ["person_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("exams", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_exams_person_id_people"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_exams_person_id"))
        batch_op.drop_column("person_id")
