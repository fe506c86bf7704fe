"""The 法规标准库 blueprint, shared by its pages (routes.py) and JSON API (api.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("laws", __name__)

STAFF = ("trainer", "reviewer", "admin")
