"""Certificates (合格证): issuing on a passed qualification/retraining exam, live status from the rules,
the public verify page and API, QR and PDF, revocation/suspension, and external 特种作业操作证.

Pages in `.routes` (the blueprint), JSON in `.api` with its fragment in `.openapi`, tables in `.models`,
use cases in `.service`. This package module imports nothing, so `webapp.infra.db.import_all_models` can
collect the tables without loading the blueprint.
"""
