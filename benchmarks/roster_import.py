"""HR roster import: preview (upload + parse) and commit of an N-person roster, with production PIN hashing.

Anchor: the same commit with PIN hashing replaced by a no-op (what the rest of the import costs), so the
figure shows what hashing adds. In-process (Flask test client, no HTTP server), a temporary SQLite file
unless DATABASE_URL is set. Half the rows give a PIN, half get one generated. Prints one JSON line.

    .venv/bin/python benchmarks/roster_import.py [--people 1000]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HEADER = ["工号", "姓名", "部门", "岗位", "用工形式", "入职日期", "身份证号", "手机", "PIN"]


def _roster(people: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(HEADER)
    for i in range(people):
        pin = f"{i % 1000000:06d}" if i % 2 else None
        ws.append([f"E{i:05d}", f"工人{i}", "一车间", "电焊工", "正式", "2015-03-01", None, None, pin])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _run(home: str, data: bytes, *, hash_pins: bool) -> dict[str, float]:
    from tests.webapp.base_builders import Client, make_department, make_org, make_post, make_user
    from webapp import create_app
    from webapp.infra.db import Base, database, import_all_models, transaction

    config = {"INSTANCE_PATH": home, "SECRET_KEY": "bench"}  # production hashing: no PASSWORD_HASH_METHOD
    config["DATABASE_URL"] = os.environ.get("DATABASE_URL") or f"sqlite:///{home}/bench.sqlite"
    app = create_app(config)
    import_all_models()
    app.test_client_class = Client
    engine = database(app).engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with app.app_context(), transaction(app) as s:
        org = make_org(s, "基准企业")
        make_post(s, "welding", "电焊工")
        make_department(s, org, "一车间")
        make_user(s, org, "hr", ("hr",))
    client = app.test_client()
    client.sign_in("hr")
    patches = [] if hash_pins else [mock.patch("webapp.roster.service.hash_pin", lambda pin: "x")]
    for p in patches:
        p.start()
    try:
        t0 = time.perf_counter()
        r = client.post(
            "/roster/import",
            data={"file": (io.BytesIO(data), "roster.xlsx")},
            content_type="multipart/form-data",
        )
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        t1 = time.perf_counter()
        token = r.location.rsplit("/", 1)[1]
        r = client.post(f"/roster/import/{token}/commit")
        assert r.status_code == 200, r.get_data(as_text=True)[:500]
        t2 = time.perf_counter()
    finally:
        for p in patches:
            p.stop()
    database(app).dispose()
    return {"preview_s": round(t1 - t0, 2), "commit_s": round(t2 - t1, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=1000)
    args = ap.parse_args()
    data = _roster(args.people)
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        measured = _run(a, data, hash_pins=True)
        anchor = _run(b, data, hash_pins=False)
    from webapp.infra.security import PIN_HASH_METHOD

    print(
        json.dumps(
            {
                "benchmark": "roster_import",
                "people": args.people,
                "pin_hash_method": PIN_HASH_METHOD,
                **measured,
                "anchor_without_hashing": anchor,
            }
        )
    )


if __name__ == "__main__":
    main()
