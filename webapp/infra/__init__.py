"""Shared infrastructure every feature stands on: the database session (db), sign-in and role checks
(security), HTTP headers, templating and the navigation (nav), errors, the clock, paging, the /api/v1
blueprint and OpenAPI helpers (api, openapi), and migrations (migrate). Nothing here imports a feature
except the organisation's tables (webapp.org.models): who is signed in, of which organisation."""
