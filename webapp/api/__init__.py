"""The JSON API under /api/v1 (DESIGN §5), described at /api/v1/openapi.json: this package composes the
one `api` blueprint (webapp.infra.api) from the features that put their endpoints on it (sign-in in
webapp.auth.api, exams in webapp.exams.api) and their OpenAPI fragments.

Other features put their endpoints in their own blueprints (url_prefix "/api/v1/…") and describe them with a
module-level ``OPENAPI = {"paths": {...}, "components": {"schemas": {...}}}``; create_app's modules are
merged into one document (see webapp.infra.openapi).
"""

from webapp.auth import api as auth_api  # noqa: F401  (register routes on bp)
from webapp.auth import openapi as auth_openapi
from webapp.exams import api as exams_api  # noqa: F401  (register routes on bp)
from webapp.exams import openapi as exams_openapi
from webapp.infra.api import bp
from webapp.infra.openapi import COMMON, merged

OPENAPI = merged([auth_openapi.OPENAPI, exams_openapi.OPENAPI, COMMON])

__all__ = ["OPENAPI", "bp"]
