"""A local SMS brandname provider and Zalo ZNS endpoint for the demo and the tests: a real HTTP server.

Run it with ``dvctt messaging_sandbox --port N`` (loopback). It serves

* ``POST /sms/send``: the SMS adapter's protocol (``sms.py``): HTTP Basic credentials, the registered brandname,
  a ``84…`` mobile number, a message of at most 612 characters; answers ``{"code", "message", "message_id"}``. A
  repeated ``request_id`` is answered with the first message id and not recorded twice (providers deduplicate);
* ``POST /zalo/message/template``: the ZNS shape (``zalo.py``): the ``access_token`` header, ``phone``,
  ``template_id``, ``template_data`` (an object of strings), ``tracking_id``; answers ``{"error", "message",
  "data"}`` with Zalo's codes (``-124`` bad token, ``-108`` bad phone, ``-118`` for numbers in ``no_zalo``).

It fails on demand: ``POST /_control/fault`` with ``{"channel": "sms" | "zalo", "kind": "down" (HTTP 503) |
"busy" (a provider error: SMS code 99, ZNS -100), "times": n}``; ``POST /_control/reset``; ``GET
/_control/state`` (what it received, in order, and the faults left). It keeps nothing on disk.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_MOBILE = re.compile(r"^84[35789][0-9]{8}$")


@dataclass
class SandboxState:
    sms_username: str = "sandbox"
    sms_password: str = "sandbox"  # noqa: S105 - the sandbox's own test credential
    brandname: str = "DICHVUCONG"
    zalo_token: str = "sandbox-token"  # noqa: S105 - the sandbox's own test credential
    #: Numbers that have no Zalo account (ZNS -118).
    no_zalo: set[str] = field(default_factory=set)
    sms: list[dict[str, Any]] = field(default_factory=list)
    zalo: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[str, dict[str, Any]] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=lambda: {"sms": 0, "zalo": 0})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self, channel: str) -> str | None:
        with self.lock:
            fault = self.faults.get(channel)
            if not fault or fault["times"] <= 0:
                return None
            fault["times"] -= 1
            return str(fault["kind"])

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "sms": list(self.sms),
                "zalo": list(self.zalo),
                "faults": {k: dict(v) for k, v in self.faults.items()},
                "attempts": dict(self.attempts),
            }


def _handler(state: SandboxState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "dvctt-messaging-sandbox"

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the tests read /_control/state

        def _json(self, status: int, body: Any) -> None:
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                return json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return None

        def do_GET(self) -> None:
            if self.path == "/_control/state":
                self._json(200, state.snapshot())
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            body = self._body()
            if self.path == "/_control/fault":
                with state.lock:
                    state.faults[str(body.get("channel"))] = {
                        "kind": body.get("kind", "down"),
                        "times": int(body.get("times", 1)),
                    }
                self._json(200, {"ok": True})
            elif self.path == "/_control/reset":
                with state.lock:
                    state.sms.clear()
                    state.zalo.clear()
                    state.faults.clear()
                    state.attempts.update(sms=0, zalo=0)
                    state.no_zalo.clear()
                self._json(200, {"ok": True})
            elif self.path == "/_control/no_zalo":
                with state.lock:
                    state.no_zalo.add(str(body.get("phone")))
                self._json(200, {"ok": True})
            elif self.path == "/sms/send":
                self._sms(body)
            elif self.path == "/zalo/message/template":
                self._zalo(body)
            else:
                self._json(404, {"error": "not found"})

        def _sms(self, body: Any) -> None:
            with state.lock:
                state.attempts["sms"] += 1
            fault = state.take_fault("sms")
            if fault == "down":
                self._json(503, {"code": "99", "message": "Service unavailable"})
                return
            if fault == "busy":
                self._json(200, {"code": "99", "message": "System busy, try again"})
                return
            expected = base64.b64encode(f"{state.sms_username}:{state.sms_password}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {expected}":
                self._json(401, {"code": "04", "message": "Authentication failed"})
                return
            if not isinstance(body, dict):
                self._json(400, {"code": "05", "message": "Invalid JSON"})
                return
            if body.get("brandname") != state.brandname:
                self._json(200, {"code": "02", "message": "Brandname not registered"})
                return
            phone, message = str(body.get("phone", "")), str(body.get("message", ""))
            if not _MOBILE.match(phone):
                self._json(200, {"code": "01", "message": "Invalid phone number"})
                return
            if not message or len(message) > 612:
                self._json(200, {"code": "03", "message": "Message empty or too long"})
                return
            with state.lock:
                for earlier in state.sms:
                    if body.get("request_id") and earlier["request_id"] == body.get("request_id"):
                        self._json(
                            200, {"code": "00", "message": "Duplicate", "message_id": earlier["message_id"]}
                        )
                        return
                message_id = f"SMS{len(state.sms) + 1:06d}"
                state.sms.append({**body, "message_id": message_id})
            self._json(200, {"code": "00", "message": "Success", "message_id": message_id})

        def _zalo(self, body: Any) -> None:
            with state.lock:
                state.attempts["zalo"] += 1
            fault = state.take_fault("zalo")
            if fault == "down":
                self._json(503, {"error": -100, "message": "Service unavailable"})
                return
            if fault == "busy":
                self._json(200, {"error": -100, "message": "Unknown error, try again"})
                return
            if self.headers.get("access_token") != state.zalo_token:
                self._json(200, {"error": -124, "message": "Access token is invalid"})
                return
            if not isinstance(body, dict):
                self._json(200, {"error": -100, "message": "Invalid JSON"})
                return
            phone = str(body.get("phone", ""))
            if not _MOBILE.match(phone):
                self._json(200, {"error": -108, "message": "Phone number is invalid"})
                return
            if phone in state.no_zalo:
                self._json(200, {"error": -118, "message": "Zalo account does not exist or is disabled"})
                return
            data = body.get("template_data")
            if not body.get("template_id") or not isinstance(data, dict):
                self._json(200, {"error": -109, "message": "Template id or template data is invalid"})
                return
            if not all(isinstance(v, str) for v in data.values()):
                self._json(200, {"error": -112, "message": "Template data values must be strings"})
                return
            with state.lock:
                msg_id = f"zns{len(state.zalo) + 1:08d}"
                state.zalo.append({**body, "msg_id": msg_id})
            self._json(200, {"error": 0, "message": "Success", "data": {"msg_id": msg_id, "sent_time": "0"}})

    return Handler


def make_server(*, host: str, port: int, state: SandboxState) -> ThreadingHTTPServer:
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError("the sandbox listens on loopback only")
    return ThreadingHTTPServer((host, port), _handler(state))


def serve(*, host: str, port: int, state: SandboxState) -> None:
    server = make_server(host=host, port=port, state=state)
    try:
        server.serve_forever()
    finally:
        server.server_close()
