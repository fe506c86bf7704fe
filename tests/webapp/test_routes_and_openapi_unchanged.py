"""Moving modules (issue 9) must not move a URL: every rule keeps its endpoint and methods, and the OpenAPI
document stays the same. The snapshots were taken from the tree before the layout change."""

from __future__ import annotations

import json

from tests.webapp.snapshots.take import HERE, openapi, url_map


def snapshot(name: str):
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def test_every_url_keeps_its_endpoint_and_methods(app):
    assert url_map(app) == snapshot("url_map.json")


def test_the_openapi_document_is_unchanged(app):
    assert openapi(app) == snapshot("openapi.json")
