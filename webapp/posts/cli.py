"""`quizbank posts list|add|retire` land here: the enterprise's posts from the command line."""

from __future__ import annotations

from flask import Flask

from webapp.infra.errors import ApiError


def _app(app: Flask | None) -> Flask:
    if app is None:
        from webapp import create_app
        from webapp.infra.migrate import upgrade

        app = create_app()
        upgrade(app)
    return app


def list_posts(*, organisation: str | int | None = None, app: Flask | None = None) -> list[dict]:
    from webapp.infra.db import transaction
    from webapp.org.service import find_organisation
    from webapp.posts import service

    app = _app(app)
    with app.app_context(), transaction(app, write=False) as s:
        org = find_organisation(s, organisation)
        return [service.post_json(s, p) for p in service.usable_posts(s, org.id, include_retired=True)]


def add_post(
    *,
    code: str,
    name: str,
    risk: str = "normal",
    certificate: str = "",
    certificate_kind: str = "",
    organisation: str | int | None = None,
    app: Flask | None = None,
) -> dict:
    """Create the post; ValueError (in Chinese, naming the field) and nothing written when refused."""
    from webapp.infra.db import transaction
    from webapp.org.service import find_organisation
    from webapp.posts import service

    app = _app(app)
    with app.app_context(), transaction(app) as s:
        org = find_organisation(s, organisation)
        try:
            post = service.create_post(
                s, org.id, service.PostInput(code, name, risk, certificate, certificate_kind)
            )
        except ApiError as e:
            raise ValueError(e.description) from None
        return service.post_json(s, post)


def retire_post(*, code: str, organisation: str | int | None = None, app: Flask | None = None) -> dict:
    from webapp.infra import clock
    from webapp.infra.db import transaction
    from webapp.org.service import find_organisation
    from webapp.posts import service

    app = _app(app)
    with app.app_context(), transaction(app) as s:
        org = find_organisation(s, organisation)
        try:
            post = service.retire_post(s, service.own_post(s, org.id, code), clock.now())
        except ApiError as e:
            raise ValueError(e.description) from None
        return service.post_json(s, post)
