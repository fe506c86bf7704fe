"""The admin area: the admin's own organisation (name, high-risk flag, departments), users and roles,
inspectors' grants, policy overrides, API tokens, the signing key and an audit trail of every change."""

from webapp.admin.routes import NAV, bp

__all__ = ["NAV", "bp"]
