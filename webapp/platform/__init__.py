"""The platform operator's area: enterprises and regulators, their first admins, regulators' jurisdictions.
The operator manages organisations and reads none of their people or results."""

from webapp.platform.routes import NAV, bp

__all__ = ["NAV", "bp"]
