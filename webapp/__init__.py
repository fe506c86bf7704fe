"""The web shell: `create_app(config)` builds a Flask app; there is no module-level app. `prepare(app)` is
what `quizbank serve` and `quizbank demo` do before anything else.

Feature areas are blueprints listed in BLUEPRINTS (one line each). A blueprint module exposes ``bp`` and
may expose ``NAV`` (navigation entries, see webapp.infra.nav) and ``OPENAPI`` (paths/components merged into
/api/v1/openapi.json, see webapp.infra.openapi). The layout rule is DESIGN.md §4.
"""

from __future__ import annotations

import importlib
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

BLUEPRINTS: list[str] = [
    "webapp.auth",
    "webapp.home",
    "webapp.exams",
    "webapp.api",
    "webapp.bank",
    "webapp.reports",
    "webapp.roster",
    "webapp.inspections.routes",
    "webapp.training.routes",
    "webapp.certs.routes",
    "webapp.dashboard",
    "webapp.records",
    "webapp.reminders",
    "webapp.admin",
    "webapp.signin_locks",
    "webapp.posts.routes",
    "webapp.handbooks.routes",
    "webapp.platform",
    "webapp.oversight",
    "webapp.laws",
    "webapp.bankreview",
    "webapp.analysis",
]


def instance_secret_key(instance: Path) -> str:
    """QUIZBANK_SECRET_KEY, else a key kept in the instance folder (shared by every process using it)."""
    if os.environ.get("QUIZBANK_SECRET_KEY"):
        return os.environ["QUIZBANK_SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600
        )  # the owner's only, like the signing key
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)  # atomic: if another process won the race, keep theirs
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    config = dict(config or {})
    instance = Path(
        config.pop("INSTANCE_PATH", None) or os.environ.get("QUIZBANK_HOME") or "instance"
    ).resolve()
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=False)
    app.config.update(
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),  # from sign-in: a shift and a 90-minute exam
        SESSION_REFRESH_EACH_REQUEST=False,  # the cookie is signed and sent again only when it changes
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # a CSRF token lives as long as the session: a 90-minute exam survives
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        JSON_AS_ASCII=False,
        LOGIN_LIMIT_PER_ACCOUNT=5,
        LOGIN_LIMIT_PER_ADDRESS=1000,  # a flood, not a room: below it a spraying address is slowed down
        LOGIN_ADDRESS_SLOWDOWN_AFTER=20,
        LOGIN_ADDRESS_DELAY_STEP=0.25,
        LOGIN_ADDRESS_MAX_DELAY=3.0,
        LOGIN_WINDOW_MINUTES=15,
        EXAM_SAVE_GRACE_SECONDS=3,
        CLOCK=None,
    )
    app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(instance)
    if "SECRET_KEY_FALLBACKS" not in config and os.environ.get("QUIZBANK_SECRET_KEY_FALLBACKS"):
        app.config["SECRET_KEY_FALLBACKS"] = os.environ["QUIZBANK_SECRET_KEY_FALLBACKS"].split()
    app.json.ensure_ascii = False

    from webapp.infra import bounds, db, fonts, http_headers, security, templating

    bounds.register_converter(app)
    db.init_app(app)
    security.init_app(app)
    bounds.init_app(app)
    fonts.init_app(app)
    http_headers.init_app(app)
    templating.init_app(app)
    for name in BLUEPRINTS:
        module = importlib.import_module(name)
        app.register_blueprint(module.bp)
        app.extensions.setdefault("quizbank_modules", []).append(module)
    http_headers.wrap_proxies(app)
    return app


def prepare(app: Flask, *, demo: bool = False, folders=()) -> dict | None:
    """Migrate the database, upsert the discovered question sets (and their posts); seed the demo when asked.
    Returns the demo's logins when seeded."""
    from quizbank.plugins import discover
    from webapp.bank.set_blueprints import remember
    from webapp.bank.sets import sync_registry
    from webapp.demo.service import seed_demo
    from webapp.infra import clock
    from webapp.infra.db import transaction
    from webapp.infra.migrate import upgrade

    upgrade(app)
    registry = discover(folders)
    remember(registry)
    with app.app_context(), transaction(app) as s:
        sync_registry(s, registry.sets)
    if not demo:
        return None
    with app.app_context(), transaction(app) as s:
        return seed_demo(s, clock.now())
