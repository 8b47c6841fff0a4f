"""A local national portal for the demo and the tests: a real HTTP server speaking both transports.

Run it with ``dvctt national_portal_sandbox --port N``. It

* answers the adapter style (``POST /adapter/login``, ``POST /adapter`` with ``service``, ``session``,
  ``madonvi`` and the ``dstcode`` header) and the gateway style (``POST /gateway/token`` client credentials,
  ``POST /gateway/hoso/them``, ``/gateway/hoso/capnhat``, ``/gateway/tiendo``, ``/gateway/tracuu`` with a
  Bearer token, each taking a JSON array);
* validates every record and progress item against the spec (types, codes, required fields, lengths) and
  refuses a bad one with ``{"error_code": -1, "message": <the reason>}``;
* keeps what it accepted, in memory and in a JSON file (``--data``), and lists it on ``/``;
* fails on demand: ``POST /_control/fault`` with ``{"kind": "timeout" | "5xx" | "error" | "exists" | "drop" |
  "down", "times": n, "seconds": s, "after": true}`` (``after``: do the work, then fail the answer — the
  answer is lost, not the change). ``POST /_control/expire`` drops every session and token,
  ``POST /_control/reset`` forgets everything, ``GET /_control/state`` shows it all as JSON.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import secrets
import threading
import time
from base64 import b64decode
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from dvctt.integrations.national_portal import sandbox_catalogue

TIME = re.compile(r"^\d{14}$")
EXISTS_MESSAGE = "Hồ sơ đã tồn tại trên hệ thống"

#: key: (required, kind, extra) — kind "str", "int", "time", "list"; extra: allowed values or max length.
RECORD_FIELDS: dict[str, tuple[bool, str, Any]] = {
    "MaHoSo": (True, "str", 64),
    "MaTTHC": (True, "str", 64),
    "TenTTHC": (True, "str", 2000),
    "MaLinhVuc": (False, "str", 64),
    "TenLinhVuc": (False, "str", 500),
    "KenhThucHien": (True, "int", {1, 2, 3}),
    "ChuHoSo": (True, "str", 255),
    "LoaiDoiTuong": (True, "int", {1, 2, 3, 4}),
    "MaDoiTuong": (False, "str", 64),
    "SoGiayToChuHoSo": (False, "str", 64),
    "DinhDanhCHS": (False, "list", None),
    "Email": (False, "str", 255),
    "SoDienThoai": (False, "str", 20),
    "TrichYeuHoSo": (True, "str", 1000),
    "NgayNopHoSo": (True, "time", None),
    "NgayTiepNhan": (False, "time", None),
    "NgayHenTra": (False, "time", None),
    "TrangThaiHoSo": (True, "int", set(range(1, 11))),
    "NgayTuChoi": (False, "time", None),
    "NgayKetThucXuLy": (False, "time", None),
    "NgayTra": (False, "time", None),
    "HinhThuc": (False, "int", {0, 1}),
    "DonViXuLy": (True, "str", 64),
    "GhiChu": (False, "str", 2000),
    "HoSoCoThanhPhanSoHoa": (False, "int", {0, 1}),
    "TaiKhoanDuocXacThucVoiVNeID": (False, "int", {0, 1}),
    "DuocThanhToanTrucTuyen": (False, "int", {0, 1, 2}),
    "DSKetNoiCSDL": (False, "list", None),
    "TaiLieuNop": (False, "list", None),
    "DanhSachGiayToKetQua": (False, "list", None),
    "DanhSachLePhi": (False, "list", None),
    "DanhSachHoSoBoSung": (False, "list", None),
}
PROGRESS_FIELDS: dict[str, tuple[bool, str, Any]] = {
    "MaHoSo": (True, "str", 64),
    "NguoiXuLy": (True, "str", 50),
    "ChucDanh": (False, "str", 255),
    "ThoiDiemXuLy": (True, "time", None),
    "PhongBanXuLy": (False, "str", 255),
    "NoiDungXuLy": (True, "str", 2000),
    "TrangThai": (True, "int", set(range(1, 11))),
    "NgayBatDau": (False, "time", None),
    "NgayKetThucTheoQuyDinh": (False, "time", None),
}
LINK_LISTS = {"TaiLieuNop": "DuongDanTaiTepTin", "DanhSachGiayToKetQua": "DuongDanTepTinKetQua"}


def _check(item: Any, fields: dict[str, tuple[bool, str, Any]]) -> str | None:
    """The first problem of ``item``, or None."""
    if not isinstance(item, dict):
        return "item is not an object"
    for name, (required, kind, extra) in fields.items():
        value = item.get(name)
        if value is None or value == "":
            if required:
                return f"{name}: required"
            continue
        if kind == "str":
            if not isinstance(value, str):
                return f"{name}: must be a string"
            if extra is not None and len(value) > extra:
                return f"{name}: longer than {extra} characters ({len(value)})"
        elif kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                return f"{name}: must be an integer"
            if extra is not None and value not in extra:
                return f"{name}: {value} is not an allowed code"
        elif kind == "time":
            if not isinstance(value, str) or not TIME.match(value):
                return f"{name}: must be yyyyMMddHHmmss"
            try:
                datetime.strptime(value, "%Y%m%d%H%M%S")
            except ValueError:
                return f"{name}: not a real time"
        elif kind == "list" and not isinstance(value, list):
            return f"{name}: must be a list"
    for name, key in LINK_LISTS.items():
        for entry in item.get(name) or []:
            if not isinstance(entry, dict):
                return f"{name}: items must be objects"
            link = entry.get(key) or ""
            if link and not str(link).startswith(("http://", "https://")):
                return f"{name}.{key}: must be a download URL"
    return None


@dataclass
class PortalState:
    username: str
    password: str
    client_id: str
    client_secret: str
    data_path: Path | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Per dossier: the TrangThaiHoSo of every accepted create/update, in arrival order.
    history: dict[str, list[int]] = field(default_factory=dict)
    creates: dict[str, int] = field(default_factory=dict)
    updates: dict[str, int] = field(default_factory=dict)
    progress: list[dict[str, Any]] = field(default_factory=list)
    progress_repeats: int = 0
    progress_seen: set[str] = field(default_factory=set)
    dirty: bool = False
    rejected: list[dict[str, Any]] = field(default_factory=list)
    sessions: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)
    logins: int = 0
    token_grants: int = 0
    requests: int = 0
    faults: list[dict[str, Any]] = field(default_factory=list)
    down_until: float = 0.0
    #: The national catalogue (sandbox_catalogue.CatalogueState; the built-in one when None).
    catalogue: Any = None

    def snapshot(self) -> dict[str, Any]:
        """A copy taken under the lock: the writer thread serialises it while requests go on changing the state."""
        with self.lock:
            return {
                "records": dict(self.records),
                "history": {code: list(statuses) for code, statuses in self.history.items()},
                "creates": dict(self.creates),
                "updates": dict(self.updates),
                "progress": list(self.progress),
                "progress_repeats": self.progress_repeats,
                "rejected": self.rejected[-200:],
                "logins": self.logins,
                "token_grants": self.token_grants,
                "requests": self.requests,
                "faults": [dict(f) for f in self.faults],
            }

    def save(self) -> None:
        """Mark the file out of date: :meth:`flush` writes it (a writer thread, at most twice a second, less
        often when the file is big), so that a busy sandbox neither rewrites nor syncs its file per request."""
        self.dirty = True

    def flush(self) -> float:
        """Write the file if it is out of date (no fsync: it is a test double's record); returns the seconds
        it took."""
        if self.data_path is None or not self.dirty:
            return 0.0
        started = time.monotonic()
        self.dirty = False
        text = json.dumps(self.snapshot(), ensure_ascii=False, indent=1)
        temporary = self.data_path.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(self.data_path)
        return time.monotonic() - started

    def reset(self) -> None:
        with self.lock:
            self.records.clear()
            self.history.clear()
            self.creates.clear()
            self.updates.clear()
            self.progress.clear()
            self.progress_seen.clear()
            self.rejected.clear()
            self.sessions.clear()
            self.tokens.clear()
            self.faults.clear()
            self.progress_repeats = self.logins = self.token_grants = self.requests = 0
            if self.catalogue is not None:
                self.catalogue.reset()
        self.save()

    def take_fault(self) -> dict[str, Any] | None:
        with self.lock:
            if not self.faults:
                return None
            fault = self.faults[0]
            fault["times"] -= 1
            if fault["times"] <= 0:
                self.faults.pop(0)
            return dict(fault)

    # The portal's operations: each answers (error_code, message, result).

    def upsert(self, records: Any, *, updating: bool) -> tuple[int, str, Any]:
        if not isinstance(records, list) or not records:
            return -1, "data: a non-empty list of records is required", None
        for record in records:
            problem = _check(record, RECORD_FIELDS)
            if problem:
                self.rejected.append(
                    {"record": record.get("MaHoSo") if isinstance(record, dict) else None, "reason": problem}
                )
                return -1, problem, None
        with self.lock:
            for record in records:
                code = record["MaHoSo"]
                if code in self.records and not updating:
                    return -1, f"{EXISTS_MESSAGE}: {code}", None
                if code not in self.records and updating:
                    return -1, f"Hồ sơ không tồn tại: {code}", None
            for record in records:
                code = record["MaHoSo"]
                counter = self.updates if updating else self.creates
                counter[code] = counter.get(code, 0) + 1
                self.records[code] = record
                self.history.setdefault(code, []).append(record["TrangThaiHoSo"])
        self.save()
        return 0, "Thành công", None

    def add_progress(self, items: Any) -> tuple[int, str, Any]:
        if not isinstance(items, list) or not items:
            return -1, "data: a non-empty list of progress items is required", None
        if len(items) > 10:
            return -1, "data: at most 10 items per call", None
        for item in items:
            problem = _check(item, PROGRESS_FIELDS)
            if problem is None and item["MaHoSo"] not in self.records:
                problem = f"Hồ sơ không tồn tại: {item['MaHoSo']}"
            if problem:
                self.rejected.append(
                    {"progress": item.get("MaHoSo") if isinstance(item, dict) else None, "reason": problem}
                )
                return -1, problem, None
        with self.lock:
            for item in items:
                # The spec gives a step no id: the same step sent again (its answer was lost) is the same step.
                key = json.dumps(item, sort_keys=True, ensure_ascii=False)
                if key in self.progress_seen:
                    self.progress_repeats += 1
                else:
                    self.progress_seen.add(key)
                    self.progress.append(item)
        self.save()
        return 0, "Thành công", None

    def lookup(self, code: Any) -> tuple[int, str, Any]:
        if not isinstance(code, str) or not code:
            return -1, "mahoso: required", None
        with self.lock:
            record = self.records.get(code)
        return 0, "Thành công" if record else "Không tìm thấy hồ sơ", [record] if record else []


class Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    #: Kept-alive connections (a worker sends many calls on one); replies go out at once (no Nagle delay).
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    @property
    def state(self) -> PortalState:
        return self.server.state

    def _reply(self, status: int, body: Any, content_type: str = "application/json; charset=utf-8") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _answer(self, code: int, message: str, result: Any = None, status: int = 200) -> None:
        body: dict[str, Any] = {"error_code": code, "message": message}
        if result is not None:
            body["result"] = result
        self._reply(status, body)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(2)

    def _down(self) -> bool:
        """While "down", a kept-alive connection opened before is closed unanswered, like a fresh one."""
        if time.monotonic() < self.state.down_until:
            self._drop()
            return True
        return False

    def do_GET(self) -> None:
        if self._down():
            return
        if self.path.startswith("/_control/state"):
            self._reply(200, self.state.snapshot())
        elif self.path.startswith("/gateway/catalogue"):
            self._reply(*self._gateway(b""))
        elif self.path in ("/", ""):
            self._reply(200, page(self.state).encode("utf-8"), "text/html; charset=utf-8")
        else:
            self._answer(-1, "not found", status=404)

    def do_POST(self) -> None:
        raw = self._body()
        if self._down():
            return
        if self.path.startswith("/_control/"):
            self._control(self.path, raw)
            return
        if self.path == "/adapter/login":
            self._login(raw)
            return
        if self.path == "/gateway/token":
            self._token(raw)
            return
        with self.state.lock:
            self.state.requests += 1
        fault = self.state.take_fault()
        if fault and not fault.get("after") and self._fail(fault):
            return
        if self.path == "/adapter":
            outcome = self._adapter(raw)
        elif self.path.startswith("/gateway/"):
            outcome = self._gateway(raw)
        else:
            outcome = (404, {"error_code": -1, "message": "not found"})
        if fault and fault.get("after") and self._fail(fault):
            return
        self._reply(*outcome)

    def _fail(self, fault: dict[str, Any]) -> bool:
        """Answer as the fault says; False when the request should be answered normally after all."""
        kind = fault.get("kind")
        if kind == "timeout":
            time.sleep(float(fault.get("seconds") or 30))
            self._drop()
        elif kind == "5xx":
            self._answer(-1, "Service Unavailable", status=int(fault.get("status") or 503))
        elif kind == "error":
            self._answer(int(fault.get("error_code") or -1), str(fault.get("message") or "Lỗi hệ thống"))
        elif kind == "exists":
            self._answer(-1, EXISTS_MESSAGE)
        elif kind == "drop":
            self._drop()
        else:
            return False
        return True

    def _login(self, raw: bytes) -> None:
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = {}
        if data.get("username") != self.state.username or data.get("password") != self.state.password:
            self._answer(-1, "Sai tên đăng nhập hoặc mật khẩu")
            return
        session = secrets.token_hex(16)
        with self.state.lock:
            self.state.sessions.add(session)
            self.state.logins += 1
        self._reply(200, {"error_code": 0, "message": "Thành công", "session": session})

    def _token(self, raw: bytes) -> None:
        form = parse_qs(raw.decode("utf-8", "replace"))
        auth = self.headers.get("Authorization", "")
        client = (form.get("client_id", [""])[0], form.get("client_secret", [""])[0])
        if auth.startswith("Basic "):
            try:
                user, _sep, secret = b64decode(auth[6:]).decode().partition(":")
                client = (user, secret)
            except (ValueError, UnicodeDecodeError):
                pass
        if form.get("grant_type", [""])[0] != "client_credentials" or client != (
            self.state.client_id,
            self.state.client_secret,
        ):
            self._reply(401, {"error": "invalid_client"})
            return
        token = secrets.token_hex(16)
        with self.state.lock:
            self.state.tokens.add(token)
            self.state.token_grants += 1
        self._reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})

    def _adapter(self, raw: bytes) -> tuple[int, Any]:
        if not self.headers.get("dstcode"):
            return 200, {"error_code": -1, "message": "dstcode: header required"}
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            return 200, {"error_code": -1, "message": "body is not JSON"}
        if not isinstance(data, dict):
            return 200, {"error_code": -1, "message": "body must be an object"}
        if data.get("session") not in self.state.sessions:
            return 200, {"error_code": -1, "message": "Session không hợp lệ hoặc đã hết hạn"}
        if not data.get("madonvi"):
            return 200, {"error_code": -1, "message": "madonvi: required"}
        service = data.get("service")
        if service == "DongBoHoSoMC":
            updating = data.get("isUpdating") in (True, "true", "True", 1, "1")
            code, message, result = self.state.upsert(data.get("data"), updating=updating)
        elif service == "CapNhatTienDoHoSoMC":
            code, message, result = self.state.add_progress(data.get("data"))
        elif service == "TraCuuHoSo":
            code, message, result = self.state.lookup(data.get("mahoso"))
        elif service in sandbox_catalogue.SERVICES:
            code, message, result = sandbox_catalogue.adapter_call(self.state, service, data)
        else:
            code, message, result = -1, f"service: unknown {service!r}", None
        body: dict[str, Any] = {"error_code": code, "message": message}
        if result is not None:
            body["result"] = result
        return 200, body

    def _gateway(self, raw: bytes) -> tuple[int, Any]:
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.state.tokens:
            return 401, {"error_code": -1, "message": "invalid_token"}
        try:
            items = json.loads(raw or b"null")
        except ValueError:
            return 400, {"error_code": -1, "message": "body is not JSON"}
        operation = self.path.removeprefix("/gateway/")
        if operation == "hoso/them":
            code, message, result = self.state.upsert(items, updating=False)
        elif operation == "hoso/capnhat":
            code, message, result = self.state.upsert(items, updating=True)
        elif operation == "tiendo":
            code, message, result = self.state.add_progress(items)
        elif operation == "tracuu":
            first = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
            code, message, result = self.state.lookup(first.get("MaHoSo"))
        elif operation.split("/")[0].split("?")[0] == sandbox_catalogue.PREFIX:
            return sandbox_catalogue.gateway_call(self.state, operation, items)
        else:
            return 404, {"error_code": -1, "message": "not found"}
        body: dict[str, Any] = {"error_code": code, "message": message}
        if result is not None:
            body["result"] = result
        return (200 if code == 0 else 400), body

    def _control(self, path: str, raw: bytes) -> None:
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = {}
        if path == "/_control/reset":
            self.state.reset()
        elif path == "/_control/expire":
            with self.state.lock:
                self.state.sessions.clear()
                self.state.tokens.clear()
        elif path == "/_control/catalogue":
            self._reply(*sandbox_catalogue.control(self.state, data))
            return
        elif path == "/_control/fault":
            fault = {
                "kind": str(data.get("kind", "")),
                "times": int(data.get("times") or 1),
                "seconds": float(data.get("seconds") or 0),
                "after": bool(data.get("after")),
                "error_code": data.get("error_code"),
                "message": data.get("message"),
                "status": data.get("status"),
            }
            if fault["kind"] == "down":
                self.state.down_until = time.monotonic() + (fault["seconds"] or 5)
                self._reply(200, {"ok": True})
                threading.Thread(target=self.server.shutdown, daemon=True).start()
                return
            if fault["kind"] not in {"timeout", "5xx", "error", "exists", "drop"}:
                self._reply(400, {"ok": False, "message": "unknown fault"})
                return
            with self.state.lock:
                self.state.faults.append(fault)
        else:
            self._reply(404, {"ok": False})
            return
        self._reply(200, {"ok": True})


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], state: PortalState) -> None:
        super().__init__(address, Handler)
        self.state = state

    def verify_request(self, request: Any, client_address: Any) -> bool:
        # While "down", a connection accepted before the socket closed is closed unanswered.
        return time.monotonic() >= self.state.down_until


def page(state: PortalState) -> str:
    from django.utils.translation import gettext as _

    rows = "".join(
        f"<tr><td>{html.escape(code)}</td><td>{html.escape(str(r.get('MaTTHC')))}</td>"
        f"<td>{html.escape(str(r.get('ChuHoSo')))}</td><td>{r.get('TrangThaiHoSo')}</td>"
        f"<td>{state.creates.get(code, 0)}</td><td>{state.updates.get(code, 0)}</td>"
        f"<td>{html.escape(' → '.join(str(s) for s in state.history.get(code, [])))}</td></tr>"
        for code, r in sorted(state.records.items())
    )
    rejected = "".join(
        f"<li>{html.escape(str(r.get('record') or r.get('progress')))}: {html.escape(r['reason'])}</li>"
        for r in state.rejected[-50:]
    )
    return (
        "<!doctype html><html lang='vi'><meta charset='utf-8'>"
        f"<title>{_('Cổng DVCQG thử nghiệm')}</title><body>"
        f"<h1>{_('Cổng DVCQG thử nghiệm')}</h1>"
        f"<p>{_('Hồ sơ đã nhận')}: {len(state.records)} · {_('Bước xử lý')}: {len(state.progress)} · "
        f"{_('Đăng nhập')}: {state.logins} · {_('Cấp token')}: {state.token_grants}</p>"
        f"<table border='1'><tr><th>MaHoSo</th><th>MaTTHC</th><th>ChuHoSo</th><th>TrangThaiHoSo</th>"
        f"<th>{_('Tạo')}</th><th>{_('Cập nhật')}</th><th>{_('Lịch sử trạng thái')}</th></tr>{rows}</table>"
        f"<h2>{_('Bị từ chối')}</h2><ul>{rejected}</ul></body></html>"
    )


def serve(
    *,
    host: str,
    port: int,
    state: PortalState,
    ready: threading.Event | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve until ``stop`` is set; a "down" fault closes the socket for its seconds, then serves again."""
    stopping = stop or threading.Event()

    def writer() -> None:
        # Twice a second, or ten times as long as the last write took (the file grows with what it received).
        pause = 0.5
        while not stopping.wait(pause):
            pause = max(0.5, 10 * state.flush())
        state.flush()

    threading.Thread(target=writer, daemon=True).start()
    while not stopping.is_set():
        server = SandboxServer((host, port), state)
        if ready is not None:
            ready.set()
        watcher = threading.Thread(target=lambda s=server: (stopping.wait(), s.shutdown()), daemon=True)
        watcher.start()
        server.serve_forever(poll_interval=0.05)
        server.server_close()
        wait = state.down_until - time.monotonic()
        if wait > 0 and not stopping.is_set():
            stopping.wait(wait)
