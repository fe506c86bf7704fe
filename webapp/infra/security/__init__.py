"""Who may do what: sign-in plumbing, roles, organisation scoping, CSRF. Reuse these in every blueprint.

Every view declares who may use it, with exactly one of these decorators (a test walks `app.url_map` and
fails on a view without one):

- ``@public`` — anyone, signed in or not (login page, certificate verification).
- ``@require_role("trainer", "admin")`` — signed in with at least one of the roles; otherwise 401
  (JSON under /api/, a redirect to the sign-in page elsewhere) or 403.
- ``@signed_in`` — any signed-in user, whatever their roles.

Objects belong to an organisation (`organisation_id`); nobody sees another organisation's rows unless an
inspector was granted it (`inspector_grants`):

- ``visible_org_ids()`` — the organisations the current user may see: own; an inspector also those that
  granted them access by name, and a regulator's inspector the enterprises of its jurisdiction today.
- ``overseen_org_ids()`` — for regulator staff, the jurisdiction's enterprises (aggregates only).
- ``scoped(select(Model), Model)`` — adds ``WHERE Model.organisation_id IN visible_org_ids()``.
- ``get_owned(Model, id)`` — the row, or 404 when missing or of an organisation the user may not see
  (404, not 403: another enterprise's ids are not confirmed to exist).
- ``current_person()`` — the Person behind the signed-in worker, or None.

CSRF: every POST/PUT/PATCH/DELETE needs the token (form field ``csrf_token`` or header ``X-CSRFToken``),
except requests authenticated with a bearer token (``Authorization: Bearer <token>``, see
`create_api_token`) and views marked ``@csrf_exempt`` (only the JSON login).

Passwords are hashed with full-cost scrypt (werkzeug). PINs are short secrets whose protection is the
sign-in throttle, not the hash: they use a cheaper but still salted scrypt (`PIN_HASH_METHOD`) so a roster
of a thousand people imports in seconds; a check reads either kind (older full-cost PIN hashes still work). Failed sign-ins are counted per account, per address
and per PIN key in the `login_throttle` table, so every app process shares the limit.

passwords (hashing), access (the decorators, organisation scoping, next= checks), throttle (failed
sign-ins), signin (sessions, bearer tokens, the wiring into the app).
"""

from __future__ import annotations

from webapp.infra.security.access import (
    F,
    csrf_exempt,
    current_person,
    drillable_org_ids,
    get_owned,
    granted_org_ids,
    jurisdiction_org_ids,
    overseen_org_ids,
    public,
    require_role,
    safe_next,
    scoped,
    signed_in,
    visible_org_ids,
)
from webapp.infra.security.passwords import HASH_METHOD, PIN_HASH_METHOD, check_secret, hash_pin, hash_secret
from webapp.infra.security.signin import (
    SESSION_VERSION_KEY,
    TOKEN_TOUCH_INTERVAL,
    create_api_token,
    csrf,
    end_sessions,
    init_app,
    login_manager,
    sign_out,
)
from webapp.infra.security.throttle import (
    SlowedDown,
    Throttled,
    check_throttle,
    clear_failures,
    is_locked,
    pin_key,
    record_failure,
    throttle_keys,
    tries_left_message,
    unlock,
)

__all__ = [
    "F",
    "HASH_METHOD",
    "PIN_HASH_METHOD",
    "SESSION_VERSION_KEY",
    "TOKEN_TOUCH_INTERVAL",
    "SlowedDown",
    "Throttled",
    "check_secret",
    "check_throttle",
    "clear_failures",
    "create_api_token",
    "csrf",
    "csrf_exempt",
    "current_person",
    "end_sessions",
    "drillable_org_ids",
    "get_owned",
    "granted_org_ids",
    "jurisdiction_org_ids",
    "overseen_org_ids",
    "hash_pin",
    "hash_secret",
    "init_app",
    "login_manager",
    "public",
    "record_failure",
    "require_role",
    "safe_next",
    "scoped",
    "sign_out",
    "signed_in",
    "throttle_keys",
    "tries_left_message",
    "unlock",
    "is_locked",
    "pin_key",
    "visible_org_ids",
]
