"""The home page: what each role does here, as big tiles (from the blueprints' NAV) plus the sections
features add to HOME_SECTIONS (the worker's exams, what they owe)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from webapp.infra.nav import HOME_SECTIONS, visible_nav
from webapp.infra.security import signed_in

bp = Blueprint("home", __name__)


@bp.get("/")
@signed_in
def index():
    sections = [section(current_user) for section in HOME_SECTIONS]
    return render_template("home/index.html", tiles=visible_nav(), sections=[s for s in sections if s])
