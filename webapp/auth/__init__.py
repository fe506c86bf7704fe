"""Sign-in: username + password, or 工号 + PIN on a shared tablet; sign-out."""

from webapp.auth.routes import bp

__all__ = ["bp"]
