"""The admin area: the admin's own organisation (name, high-risk flag, departments), users and roles,
inspectors' grants, policy overrides, API tokens, the signing key and an audit trail of every change."""

from webapp.admin import settings_routes, users_routes  # noqa: F401  (register routes on bp)
from webapp.admin.blueprint import bp
from webapp.admin.routes import NAV

__all__ = ["NAV", "bp"]
