"""Use cases: load rows → call the core → persist rows/events. Services flush, never commit (the request does)."""
