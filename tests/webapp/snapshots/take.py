"""Writes the snapshots test_routes_and_openapi_unchanged.py compares against.

Taken once from the tree before the layout change (issue 9); re-run only when a route or the OpenAPI
document changes on purpose:  .venv/bin/python -m tests.webapp.snapshots.take
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent


def url_map(app) -> list[list]:
    return sorted(
        [rule.rule, rule.endpoint, sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]
        for rule in app.url_map.iter_rules()
    )


def openapi(app) -> dict:
    return app.test_client().get("/api/v1/openapi.json").get_json()


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main() -> None:
    import tempfile

    from webapp import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "snapshot", "INSTANCE_PATH": tmp,
             "DATABASE_URL": f"sqlite:///{tmp}/s.sqlite"}
        )  # fmt: skip
        (HERE / "url_map.json").write_text(dump(url_map(app)), encoding="utf-8")
        (HERE / "openapi.json").write_text(dump(openapi(app)), encoding="utf-8")


if __name__ == "__main__":
    main()
