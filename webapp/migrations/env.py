"""Alembic environment: the app's metadata and URL. Run through `webapp.infra.migrate.upgrade(app)`, or
`alembic -c webapp/migrations/alembic.ini upgrade head` (uses DATABASE_URL / QUIZBANK_HOME)."""

from __future__ import annotations

from alembic import context

from webapp.infra.db import Base, default_database_url, import_all_models, make_engine

import_all_models()  # every area's tables on the metadata
config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or default_database_url()
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from webapp.infra.migrate import migrating

    engine = make_engine(config.get_main_option("sqlalchemy.url") or default_database_url())
    with engine.connect() as connection, migrating(connection):
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
