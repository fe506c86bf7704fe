"""The JSON API under /api/v1 (DESIGN §5), described at /api/v1/openapi.json.

Other areas put their endpoints in their own blueprints (url_prefix "/api/v1/…") and describe them with a
module-level ``OPENAPI = {"paths": {...}, "components": {"schemas": {...}}}``; create_app's modules are
merged into one document (see webapp.api.openapi).
"""

from webapp.api import exam_routes, session_routes  # noqa: F401  (register routes on bp)
from webapp.api.blueprint import bp
from webapp.api.openapi import OPENAPI

__all__ = ["OPENAPI", "bp"]
