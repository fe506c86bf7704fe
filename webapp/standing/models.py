"""Facts about people (DESIGN §3): standing is derived from these; `standing_snapshots` caches a derived
conclusion for a day, kept honest by triggers (below), never a hand-edited status."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.infra.db import Base, UTCDateTime, install_with
from webapp.org.models import PersonPost


class Event(Base):
    """`kind` and `data` are quizbank.rules.event_to_dict's; an event is appended, never edited."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_person_occurred", "person_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    post_code: Mapped[str | None] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date] = mapped_column(Date)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class StandingVersion(Base):
    """How many times each person's events changed: a trigger on `events` counts every insert, update and
    delete, so a snapshot computed from an older count is stale (even one written by a transaction that
    read the events just before another committed a new one)."""

    __tablename__ = "standing_versions"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class StandingSnapshot(Base):
    """A cache, not a record (the record is `events`): whether a person may work a post on `computed_for`,
    from their events at `version` with the organisation's policy and the post as they were then. Current
    only for that date (standing changes with the date: deadlines pass, certificates expire) and while
    `version` is the person's in `standing_versions`. The row on EVERY_POST says whether they may work every
    post they hold. Triggers keep it honest: a person given a post gets a stale row for it (so do a person's
    sittings on a post: webapp/reports/models.py), a change to a post or an organisation makes its rows
    stale (version -1), a change to the posts a person holds their EVERY_POST row. A migration that rebuilds
    events, posts, organisations or person_posts on SQLite (batch_alter_table) drops their triggers: it must
    run `TRIGGERS["sqlite"]` again."""

    __tablename__ = "standing_snapshots"
    __table_args__ = (
        Index("ix_standing_snapshots_org", "organisation_id", "computed_for"),
        {"sqlite_with_rowid": False},  # a report looks rows up by person and post: the key holds them
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    post_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # a post's id, or EVERY_POST (0)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    computed_for: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    may_work: Mapped[bool] = mapped_column(Boolean)


_SNAPSHOT_COLUMNS = "person_id, post_id, organisation_id, computed_for, version, may_work"


EVERY_POST = 0  # post_id of a person's row saying whether they may work every post they hold


def stale_rows_sql(pairs: str) -> str:
    """Insert a stale snapshot row (to be computed by the next report) for each (person_id, post_id,
    organisation_id) that `pairs` selects, and for each of those people on EVERY_POST, that has none."""
    return (
        f"INSERT INTO standing_snapshots ({_SNAPSHOT_COLUMNS}) SELECT person_id, post_id, organisation_id, "
        f"'1970-01-01', -1, false FROM (SELECT person_id, post_id, organisation_id FROM ({pairs}) p UNION "
        f"SELECT person_id, {EVERY_POST}, organisation_id FROM ({pairs}) e) pairs WHERE true "
        "ON CONFLICT (person_id, post_id) DO NOTHING"
    )


def _every_post_stale(row: str) -> str:
    """The person's EVERY_POST row is stale: the posts they hold changed."""
    return f"UPDATE standing_snapshots SET version = -1 WHERE person_id = {row}.person_id AND post_id = {EVERY_POST}"


# A change to a post: its rows and the EVERY_POST rows of the people who hold it are stale
_POST_STALE = (
    "UPDATE standing_snapshots SET version = -1 WHERE post_id = OLD.id OR (post_id = 0 AND person_id IN "
    "(SELECT person_id FROM person_posts WHERE post_id = OLD.id))"
)


_STALE_ROW = stale_rows_sql(
    "SELECT NEW.person_id AS person_id, NEW.post_id AS post_id, organisation_id FROM people WHERE id = NEW.person_id"
)
# Migration 0014's backfill: a stale row for every post a person holds
HELD_POSTS = (
    "SELECT pp.person_id AS person_id, pp.post_id AS post_id, p.organisation_id AS organisation_id "
    "FROM person_posts pp JOIN people p ON p.id = pp.person_id"
)


def _sqlite_bump(row: str) -> str:
    return (
        f"INSERT INTO standing_versions (person_id, version) VALUES ({row}.person_id, 1) "
        "ON CONFLICT (person_id) DO UPDATE SET version = version + 1;"
    )


_SQLITE = (
    f"CREATE TRIGGER standing_events_insert AFTER INSERT ON events BEGIN {_sqlite_bump('NEW')} END",
    "CREATE TRIGGER standing_events_update AFTER UPDATE ON events "
    f"BEGIN {_sqlite_bump('OLD')} {_sqlite_bump('NEW')} END",
    f"CREATE TRIGGER standing_events_delete AFTER DELETE ON events BEGIN {_sqlite_bump('OLD')} END",
    f"CREATE TRIGGER standing_posts_update AFTER UPDATE ON posts BEGIN {_POST_STALE}; END",
    "CREATE TRIGGER standing_organisations_update AFTER UPDATE ON organisations "
    "BEGIN UPDATE standing_snapshots SET version = -1 WHERE organisation_id = OLD.id; END",
    f"CREATE TRIGGER standing_person_posts_insert AFTER INSERT ON person_posts "
    f"BEGIN {_STALE_ROW}; {_every_post_stale('NEW')}; END",
    "CREATE TRIGGER standing_person_posts_update AFTER UPDATE ON person_posts "
    f"BEGIN {_STALE_ROW}; {_every_post_stale('OLD')}; {_every_post_stale('NEW')}; END",
    f"CREATE TRIGGER standing_person_posts_delete AFTER DELETE ON person_posts BEGIN {_every_post_stale('OLD')}; END",
)


def _postgres_bump(row: str) -> str:
    return (
        f"INSERT INTO standing_versions (person_id, version) VALUES ({row}.person_id, 1) "
        "ON CONFLICT (person_id) DO UPDATE SET version = standing_versions.version + 1;"
    )


_POSTGRES = (
    "CREATE OR REPLACE FUNCTION standing_events_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_postgres_bump('OLD')} END IF; "
    f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {_postgres_bump('NEW')} END IF; RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION standing_posts_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"{_POST_STALE}; RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION standing_organisations_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN UPDATE standing_snapshots SET version = -1 WHERE organisation_id = OLD.id; RETURN NULL; END $$",
    "CREATE OR REPLACE FUNCTION standing_person_posts_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN IF TG_OP IN ('INSERT', 'UPDATE') THEN {_STALE_ROW}; {_every_post_stale('NEW')}; END IF; "
    f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_every_post_stale('OLD')}; END IF; RETURN NULL; END $$",
    "CREATE TRIGGER standing_events_changed AFTER INSERT OR UPDATE OR DELETE ON events FOR EACH ROW "
    "EXECUTE FUNCTION standing_events_changed()",
    "CREATE TRIGGER standing_posts_changed AFTER UPDATE ON posts FOR EACH ROW "
    "EXECUTE FUNCTION standing_posts_changed()",
    "CREATE TRIGGER standing_organisations_changed AFTER UPDATE ON organisations FOR EACH ROW "
    "EXECUTE FUNCTION standing_organisations_changed()",
    "CREATE TRIGGER standing_person_posts_changed AFTER INSERT OR UPDATE OR DELETE ON person_posts "
    "FOR EACH ROW EXECUTE FUNCTION standing_person_posts_changed()",
)

TRIGGERS: dict[str, tuple[str, ...]] = {"sqlite": _SQLITE, "postgresql": _POSTGRES}
install_with(
    StandingSnapshot.__table__, TRIGGERS, Event.__table__, StandingVersion.__table__, PersonPost.__table__
)
