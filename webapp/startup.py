"""What `quizbank serve` and `quizbank demo` do before anything else: migrate, load the discovered sets."""

from __future__ import annotations

from flask import Flask

from webapp import clock
from webapp.db import transaction
from webapp.migrate import upgrade


def prepare(app: Flask, *, demo: bool = False, folders=()) -> dict | None:
    """Migrate the database, upsert the discovered question sets (and their posts); seed the demo when asked.
    Returns the demo's logins when seeded."""
    from quizbank.plugins import discover
    from webapp.services.demo import seed_demo
    from webapp.services.sets import sync_registry
    from webapp.set_blueprints.service import remember

    upgrade(app)
    registry = discover(folders)
    remember(registry)
    with app.app_context(), transaction(app) as s:
        sync_registry(s, registry.sets)
    if not demo:
        return None
    with app.app_context(), transaction(app) as s:
        return seed_demo(s, clock.now())
