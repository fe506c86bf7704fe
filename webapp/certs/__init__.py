"""Certificates (合格证): issuing on a passed qualification/retraining exam, live status from the rules,
the public verify page and API, QR and PDF, revocation/suspension, and external 特种作业操作证.

The blueprint lives in `webapp.certs.views` (and `.api` for /api/v1/certificates); tables in `.models`;
use cases in `webapp.services.certificates`. This package module imports nothing, so the models can be
collected by `webapp.models` without a cycle.
"""
