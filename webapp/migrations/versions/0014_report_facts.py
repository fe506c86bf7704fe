"""pass_rate_facts (the pass-rate report's people per month, year and all time, on each post and on all, kept by triggers on attempts and
filled here from the attempts so far) and standing_snapshots / standing_versions (今日可上岗 cached for a
day, kept honest by triggers on events, posts and organisations)

Revision ID: 0014_report_facts
Revises: 0013_sealed_channel_secrets
Create Date: 2026-12-06 21:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0014_report_facts"
down_revision = "0013_sealed_channel_secrets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # imported here, not when the file is read: reading the revision files (`migrate.at_head`) stays light
    from webapp.reports.models import SAT_POSTS, TRIGGERS as FACT_TRIGGERS, backfill_sql
    from webapp.standing.models import HELD_POSTS, TRIGGERS as STANDING_TRIGGERS, stale_rows_sql

    op.create_table(
        "pass_rate_facts",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("sittings", sa.Integer(), nullable=False),
        sa.Column("passes", sa.Integer(), nullable=False),
        sa.Column("first_key", sa.String(length=60), nullable=False),
        sa.Column("latest_key", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("organisation_id", "grain", "post_id", "period", "person_id", name=op.f("pk_pass_rate_facts")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "pass_rate_months",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("stripe", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("attempts_passed", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("first_passed", sa.Integer(), nullable=False),
        sa.Column("latest_passed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "organisation_id", "post_id", "month", "stripe", name=op.f("pk_pass_rate_months")
        ),
    )
    op.create_table(
        "standing_versions",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_standing_versions_person_id_people")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_standing_versions")),
    )
    op.create_table(
        "standing_snapshots",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("computed_for", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("may_work", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_standing_snapshots_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_standing_snapshots_person_id_people")),
        sa.PrimaryKeyConstraint("person_id", "post_id", name=op.f("pk_standing_snapshots")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_standing_snapshots_org", "standing_snapshots", ["organisation_id", "computed_for"])
    dialect = op.get_bind().dialect.name
    for statement in FACT_TRIGGERS[dialect] + STANDING_TRIGGERS[dialect]:
        op.execute(statement)
    op.execute(backfill_sql(dialect))  # every attempt so far (its triggers fill pass_rate_months)
    # a stale snapshot for every post a person holds or sat: the first report computes them
    op.execute(stale_rows_sql(f"{HELD_POSTS} UNION {SAT_POSTS}"))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for trigger, table in (
        ("pass_rate_facts_snapshot", "pass_rate_facts"),
        ("pass_rate_months_insert", "pass_rate_facts"),
        ("pass_rate_months_update", "pass_rate_facts"),
        ("pass_rate_months_delete", "pass_rate_facts"),
        ("pass_rate_months_track", "pass_rate_facts"),
        ("standing_person_posts_insert", "person_posts"),
        ("standing_person_posts_update", "person_posts"),
        ("standing_person_posts_delete", "person_posts"),
        ("standing_person_posts_changed", "person_posts"),
        ("pass_rate_facts_insert", "attempts"),
        ("pass_rate_facts_submit", "attempts"),
        ("pass_rate_facts_change", "attempts"),
        ("pass_rate_facts_update", "attempts"),
        ("pass_rate_facts_delete", "attempts"),
        ("standing_events_insert", "events"),
        ("standing_events_update", "events"),
        ("standing_events_delete", "events"),
        ("standing_events_changed", "events"),
        ("standing_posts_update", "posts"),
        ("standing_posts_changed", "posts"),
        ("standing_organisations_update", "organisations"),
        ("standing_organisations_changed", "organisations"),
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}" + ("" if dialect == "sqlite" else f" ON {table}"))
    if dialect == "postgresql":
        for function in (
            "pass_rate_facts_track()",
            "pass_rate_facts_snapshot()",
            "pass_rate_months_track()",
            "standing_person_posts_changed()",
            "standing_events_changed()",
            "standing_posts_changed()",
            "standing_organisations_changed()",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    op.drop_index("ix_standing_snapshots_org", table_name="standing_snapshots")
    op.drop_table("standing_snapshots")
    op.drop_table("standing_versions")
    op.drop_table("pass_rate_months")
    op.drop_table("pass_rate_facts")
