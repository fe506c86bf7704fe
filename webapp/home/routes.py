"""The home page: what each role does here, as big tiles (from the blueprints' NAV) plus the sections
features add to HOME_SECTIONS (the worker's exams, what they owe)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user

from webapp.infra.nav import HOME_SECTIONS, visible_nav
from webapp.infra.security import public, signed_in

bp = Blueprint("home", __name__)


@bp.get("/")
@signed_in
def index():
    sections = [section(current_user) for section in HOME_SECTIONS]
    return render_template("home/index.html", tiles=visible_nav(), sections=[s for s in sections if s])


@bp.get("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico whatever the page links (static/favicon.svg for those that read links)."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )  # type: ignore[arg-type]
