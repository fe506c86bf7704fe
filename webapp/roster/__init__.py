"""HR's roster: import people from Excel, the people list and edit page (posts as `post_assigned` events)."""

from webapp.roster.routes import NAV, bp

__all__ = ["NAV", "bp"]
