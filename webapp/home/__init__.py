"""The home page: what each role does here, as big tiles (from the blueprints' NAV) plus the worker's exams."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from webapp.security import signed_in
from webapp.templating import visible_nav

bp = Blueprint("home", __name__)

# Per-role home sections: functions (user) -> dict of template context, registered by feature modules.
HOME_SECTIONS: list = []


@bp.get("/")
@signed_in
def index():
    sections = [section(current_user) for section in HOME_SECTIONS]
    return render_template("home/index.html", tiles=visible_nav(), sections=[s for s in sections if s])
