"""A local national payment platform speaking the PayGov protocol, for the demo and the tests.

A real HTTP server on loopback (``dvctt paygov_sandbox --port N``): ``POST /api`` answers INIT, QUERY and
GET_BILL (checksums verified, answers signed); ``/pay/?ref=…`` is the payer's page (pay, refuse); on a choice it
calls the province back at ``callback_url`` — server to server — then sends the browser to ``return_url``. The
mode (settable at start or by ``POST /_control/mode``) injects faults: ``never`` (no callback: the province must
settle by QUERY), ``twice`` (the same callback delivered twice), ``tampered`` (a wrong checksum),
``wrong-amount`` (a correctly signed callback for another amount). ``GET /_control/state`` shows what it holds.
No money moves.
"""

from __future__ import annotations

import html
import json
import logging
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.utils.translation import gettext as _

from dvctt.integrations.payments.paygov import protocol

logger = logging.getLogger(__name__)

MODES = ("normal", "never", "twice", "tampered", "wrong-amount")
REFUSED = "24"  # the payer cancelled (unconfirmed code)
UNKNOWN = "14"  # no such reference (unconfirmed code)
MAX_BODY = 256 * 1024


@dataclass
class SandboxState:
    partner: str
    secret: str
    callback_url: str
    return_url: str
    mode: str = "normal"
    base_url: str = ""
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"mode": self.mode, "payments": dict(self.payments), "callbacks": list(self.callbacks)}


def _now() -> str:
    return protocol.timestamp(datetime.now(UTC))


def _post_json(url: str, body: dict[str, Any]) -> tuple[int, str]:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        return 0, "callback_url must be http(s)"
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - scheme checked above
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError as exc:
        return 0, str(exc)


def callback_message(
    state: SandboxState, payment: dict[str, Any], *, amount: str | None = None
) -> dict[str, Any]:
    return protocol.sign(
        {
            "LoaiBanTin": protocol.RESULT,
            "MaLoi": payment["code"],
            "MaDoiTac": state.partner,
            "MaThamChieu": payment["ref"],
            "SoTien": amount if amount is not None else payment["amount"],
            "MaTienTe": "VND",
            "MaGiaoDich": payment["platform_ref"],
            "MaNganHang": payment["bank"],
            "ThoiGianGD": payment["paid_at"],
            "ThongTinGiaoDich": payment["description"],
        },
        protocol.CALLBACK_ORDER,
        secret=state.secret,
    )


def call_back(state: SandboxState, payment: dict[str, Any]) -> None:
    """Call the province back as the current mode says; every delivery and its answer is recorded."""
    mode = state.mode
    if mode == "never":
        return
    amount = str(int(payment["amount"]) + 1000) if mode == "wrong-amount" else None
    message = callback_message(state, payment, amount=amount)
    if mode == "tampered":
        message[protocol.CHECKSUM] = "0" * 64
    for _attempt in range(2 if mode == "twice" else 1):
        status, answer = _post_json(state.callback_url, message)
        with state.lock:
            state.callbacks.append(
                {"ref": payment["ref"], "mode": mode, "status": status, "answer": answer[:500]}
            )
        logger.info("paygov sandbox callback %s -> %s %s", payment["ref"], status, answer[:200])


class Handler(BaseHTTPRequestHandler):
    server: SandboxServer

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("paygov sandbox: " + format, *args)

    # -- plumbing --------------------------------------------------------------------------------------------
    def _body(self) -> bytes:
        length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
        return self.rfile.read(length) if length > 0 else b""

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, payload: dict[str, Any], status: int = 200) -> None:
        self._send(
            status, json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8"
        )

    @property
    def state(self) -> SandboxState:
        return self.server.state

    # -- routes ----------------------------------------------------------------------------------------------
    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/_control/state":
            self._json(self.state.snapshot())
        elif url.path == "/pay/":
            self._pay_page(query.get("ref", ""))
        else:
            self._send(404, b"not found", "text/plain")

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        body = self._body()
        if url.path == "/api":
            self._api(body)
        elif url.path == "/pay/":
            self._pay_decision(dict(urllib.parse.parse_qsl(body.decode(errors="replace"))))
        elif url.path == "/_control/mode":
            self._control_mode(body)
        else:
            self._send(404, b"not found", "text/plain")

    def _control_mode(self, body: bytes) -> None:
        try:
            mode = json.loads(body or b"{}").get("mode", "")
        except ValueError:
            mode = ""
        if mode not in MODES:
            self._json({"error": f"mode must be one of {', '.join(MODES)}"}, status=400)
            return
        with self.state.lock:
            self.state.mode = mode
        self._json({"mode": mode})

    def _api(self, body: bytes) -> None:
        try:
            message = json.loads(body.decode())
        except ValueError:
            self._json({"MaLoi": "99", "MoTaLoi": "not JSON"}, status=400)
            return
        if not isinstance(message, dict):
            self._json({"MaLoi": "99", "MoTaLoi": "not an object"}, status=400)
            return
        kind = message.get("LoaiBanTin")
        order = protocol.INIT_ORDER if kind == protocol.INIT else protocol.QUERY_ORDER
        ref = str(message.get("MaThamChieu", ""))
        if kind not in (protocol.INIT, protocol.QUERY, protocol.GET_BILL):
            self._json({"MaLoi": "99", "MoTaLoi": "LoaiBanTin", "MaThamChieu": ref}, status=400)
            return
        if message.get("MaDoiTac") != self.state.partner or not protocol.verify(
            message, order, secret=self.state.secret
        ):
            self._json({"MaLoi": "01", "MoTaLoi": "MaXacThuc", "MaThamChieu": ref}, status=400)
            return
        if kind == protocol.INIT:
            self._init(message, ref)
        elif kind == protocol.QUERY:
            self._query(ref)
        else:
            self._bill(ref)

    def _init(self, message: dict[str, Any], ref: str) -> None:
        with self.state.lock:
            self.state.payments[ref] = {
                "ref": ref,
                "amount": str(message.get("SoTien", "")),
                "description": str(message.get("ThongTinGiaoDich", "")),
                "receipt_info": message.get("ThongTinBienLai") or {},
                "code": None,
                "platform_ref": "",
                "bank": "",
                "paid_at": "",
            }
        pay_url = f"{self.state.base_url}/pay/?{urllib.parse.urlencode({'ref': ref})}"
        self._json(
            protocol.sign(
                {
                    "LoaiBanTin": protocol.INIT,
                    "MaLoi": protocol.PAID,
                    "MoTaLoi": "OK",
                    "MaDoiTac": self.state.partner,
                    "MaThamChieu": ref,
                    "UrlThanhToan": pay_url,
                },
                protocol.INIT_ANSWER_ORDER,
                secret=self.state.secret,
            )
        )

    def _query(self, ref: str) -> None:
        payment = self.state.payments.get(ref)
        if payment is None:
            fields: dict[str, Any] = {"MaLoi": UNKNOWN, "MaThamChieu": ref, "SoTien": "0"}
        elif payment["code"] is None:
            fields = {**callback_message(self.state, {**payment, "code": protocol.PENDING})}
        else:
            fields = callback_message(self.state, payment)
        fields = {**fields, "LoaiBanTin": protocol.QUERY, "MaDoiTac": self.state.partner}
        self._json(protocol.sign(fields, protocol.QUERY_ANSWER_ORDER, secret=self.state.secret))

    def _bill(self, ref: str) -> None:
        payment = self.state.payments.get(ref)
        fields: dict[str, Any] = {
            "LoaiBanTin": protocol.GET_BILL,
            "MaDoiTac": self.state.partner,
            "MaThamChieu": ref,
        }
        if payment is None or payment["code"] != protocol.PAID:
            fields.update(MaLoi=UNKNOWN if payment is None else protocol.PENDING, SoTien="0", SoBienLai="")
        else:
            info = payment["receipt_info"]
            fields.update(
                MaLoi=protocol.PAID,
                MoTaLoi="OK",
                SoTien=payment["amount"],
                SoBienLai=f"BL{payment['platform_ref'][-8:]}",
                KyHieuBienLai="BLP-SBX",
                NgayBienLai=payment["paid_at"],
                MaGiaoDich=payment["platform_ref"],
                MaHoSo=info.get("MaHoSo", ""),
                NguoiNop=info.get("HoTenNguoiNop", ""),
                PhiLePhi=info.get("PhiLePhi", []),
                DuongDanBienLai=f"{self.state.base_url}/bill/?{urllib.parse.urlencode({'ref': ref})}",
            )
        self._json(protocol.sign(fields, protocol.BILL_ANSWER_ORDER, secret=self.state.secret))

    def _pay_page(self, ref: str) -> None:
        payment = self.state.payments.get(ref)
        if payment is None:
            self._send(404, _("Không có giao dịch.").encode(), "text/plain; charset=utf-8")
            return
        e = html.escape
        page = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>{e(_("Nền tảng thanh toán quốc gia (thử nghiệm)"))}</title></head><body>
<h1>{e(_("Nền tảng thanh toán quốc gia (thử nghiệm)"))}</h1>
<p>{e(_("Cổng giả lập dùng cho bản trình diễn và kiểm thử: không có tiền thật được chuyển."))}</p>
<dl><dt>{e(_("Mã tham chiếu"))}</dt><dd id="ref">{e(ref)}</dd>
<dt>{e(_("Nội dung"))}</dt><dd>{e(payment["description"])}</dd>
<dt>{e(_("Số tiền"))}</dt><dd id="amount">{e(payment["amount"])} VND</dd></dl>
<form method="post" action="/pay/"><input type="hidden" name="ref" value="{e(ref)}">
<button type="submit" name="decision" value="pay">{e(_("Thanh toán"))}</button>
<button type="submit" name="decision" value="refuse">{e(_("Từ chối"))}</button></form></body></html>"""
        self._send(200, page.encode(), "text/html; charset=utf-8")

    def _pay_decision(self, form: dict[str, str]) -> None:
        ref = form.get("ref", "")
        with self.state.lock:
            payment = self.state.payments.get(ref)
            if payment is None or payment["code"] is not None:
                payment = None
            else:
                paid = form.get("decision") == "pay"
                payment.update(
                    code=protocol.PAID if paid else REFUSED,
                    platform_ref=f"PG{secrets.token_hex(6).upper()}",
                    bank="SBXBANK" if paid else "",
                    paid_at=_now(),
                )
        if payment is None:
            self._send(409, _("Giao dịch không còn chờ thanh toán.").encode(), "text/plain; charset=utf-8")
            return
        call_back(self.state, payment)
        back = urllib.parse.urlencode({"MaThamChieu": ref, "MaLoi": payment["code"]})
        separator = "&" if "?" in self.state.return_url else "?"
        self._send(303, b"", "text/plain", {"Location": f"{self.state.return_url}{separator}{back}"})


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: SandboxState) -> None:
        super().__init__(address, Handler)
        self.state = state
        if not state.base_url:
            state.base_url = f"http://{address[0]}:{self.server_port}"


def serve(*, host: str, port: int, state: SandboxState) -> None:
    with SandboxServer((host, port), state) as server:
        server.serve_forever()
