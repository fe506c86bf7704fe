"""Real receivers on loopback for the reminder tests: an SMTP server (aiosmtpd) that keeps every message,
and an HTTP server playing a 钉钉/企业微信 robot that checks 钉钉's signature, can answer 500 a given
number of times, and can hold a request until the test lets it go."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import urllib.parse
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class SmtpSink:
    """Keeps every message and its envelope recipients; answers 550 to the addresses in `refuse`. With
    `login` (username, password) it takes mail only after AUTH with exactly those (plain text on loopback)."""

    def __init__(self, refuse: tuple[str, ...] = (), login: tuple[str, str] | None = None) -> None:
        self.messages: list = []
        self.envelopes: list[list[str]] = []  # RCPT TO of each message
        self.refuse = {a.lower() for a in refuse}
        self.login = login
        self.refused_logins = 0
        with socket.socket() as probe:  # a free port: aiosmtpd's start() connects to the port it was given
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        auth = {}
        if login is not None:
            auth = {"auth_required": True, "auth_require_tls": False, "authenticator": self._authenticate}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **auth)

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if (
            isinstance(auth_data, LoginPassword)
            and (
                auth_data.login.decode(),
                auth_data.password.decode(),
            )
            == self.login
        ):
            return AuthResult(success=True)
        self.refused_logins += 1
        return AuthResult(success=False, handled=False)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd hook
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append(message_from_bytes(envelope.content))
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def subjects(self) -> list[str]:
        return [str(make_header(decode_header(m["Subject"]))) for m in self.messages]

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class Robot:
    """POST /robot/send?access_token=…[&timestamp=…&sign=…] → {"errcode": 0}. With `secret`, a missing or
    wrong signature is refused the way 钉钉 does (errcode 310000, HTTP 200)."""

    def __init__(self, secret: str | None = None, fail_first: int = 0) -> None:
        self.secret = secret
        self.fail_first = fail_first
        self.requests: list[dict] = []  # accepted bodies
        self.calls = 0
        self.refused_signatures = 0
        self.hold_at: int | None = None  # hold the n-th accepted request until `release` is set
        self.holding = threading.Event()
        self.release = threading.Event()
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length))
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                answer, status = robot.handle(body, query)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the sender was killed meanwhile

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?access_token=t0ken"

    def handle(self, body: dict, query: dict) -> tuple[dict, int]:
        self.calls += 1
        if self.calls <= self.fail_first:
            return {"errcode": -1, "errmsg": "busy"}, 500
        if self.secret is not None:
            ts, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
            expected = base64.b64encode(
                hmac.new(self.secret.encode(), f"{ts}\n{self.secret}".encode(), hashlib.sha256).digest()
            ).decode()
            if not ts or not hmac.compare_digest(sign, expected):  # parse_qs already url-decoded it
                self.refused_signatures += 1
                return {"errcode": 310000, "errmsg": "sign not match"}, 200
        self.requests.append(body)
        if self.hold_at is not None and len(self.requests) == self.hold_at:
            self.holding.set()
            self.release.wait(30)
        return {"errcode": 0, "errmsg": "ok"}, 200

    def references(self) -> list[str]:
        return [r["text"]["content"].rsplit("提醒编号 ", 1)[1].rstrip("）") for r in self.requests]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
