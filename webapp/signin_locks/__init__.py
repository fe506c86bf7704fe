"""Sign-in locks: a trainer, HR or admin sees which of their enterprise's 工号 are locked by failed PIN
sign-ins and unlocks one (audit-logged)."""

from webapp.signin_locks.routes import NAV, bp

__all__ = ["NAV", "bp"]
