"""A local national identity provider for the demo and the tests: a real OpenID Connect server over HTTP.

Run it with ``dvctt identity_sandbox --port N`` (loopback). It serves

* ``GET /.well-known/openid-configuration`` (discovery) and ``GET /oauth2/jwks`` (its RSA public key);
* ``GET /oauth2/authorize``: checks the client, the loopback ``redirect_uri``, ``response_type=code``, the S256
  ``code_challenge``, and shows a login page listing the test people (one password for all) with "agree" and
  "refuse"; ``POST /oauth2/authorize`` redirects back with a one-use ``code`` (or ``error=access_denied``),
  always with the ``state``;
* ``POST /oauth2/token``: client secret (HTTP Basic or in the body), the code (expiring, one use, bound to the
  client, the redirect URI and the PKCE challenge), then an access token and an RS256-signed ID token (``iss``,
  ``sub``, ``aud``, ``exp``, ``iat``, ``nonce``, ``at_hash``, ``acr``);
* ``GET /oauth2/userinfo`` (Bearer): the spec's claims (``sub``, ``TechID``, ``LoaiTaiKhoan``, ``SoDinhDanh``,
  ``HoVaTen``, ``NgayThangNamSinh``, ``GioiTinh``, ``ThuongTru``, ``ThuDienTu``, ``SoDienThoai``, ``MaSoThue``,
  ``MaSoDoanhNghiep``, ``TenDoanhNghiep``, ``loAs``).

It fails on demand: ``POST /_control/fault`` with ``{"kind": "down" | "bad_signature" | "bad_nonce", "times":
n}``; ``POST /_control/settings`` with ``{"code_ttl": seconds}``; ``POST /_control/reset``; ``GET
/_control/state`` (counts only). It keeps nothing on disk and knows no real person.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
KID = "sandbox-1"

#: The test people: two citizens and a business's representative (numbers made up, in no real register).
PEOPLE: list[dict[str, Any]] = [
    {
        "sub": "sbx-8f3a1c20",
        "TechID": "TECH-SBX-0001",
        "LoaiTaiKhoan": 1,
        "SoDinhDanh": "020190000101",
        "HoVaTen": "Nguyễn Thị Thu Hà",
        "NgayThangNamSinh": "12/05/1990",
        "GioiTinh": "Nữ",
        "ThuongTru": "Số 12 đường Lê Lợi, phường Vĩnh Trại, tỉnh Lạng Sơn",
        "ThuDienTu": "thuha.sbx@example.vn",
        "SoDienThoai": "0912000101",
        "loAs": "LoA2",
    },
    {
        "sub": "sbx-4b7e9d51",
        "TechID": "TECH-SBX-0002",
        "LoaiTaiKhoan": 1,
        "SoDinhDanh": "020085000202",
        "HoVaTen": "Hoàng Văn Đức",
        "NgayThangNamSinh": "03/11/1985",
        "GioiTinh": "Nam",
        "ThuongTru": "Thôn Nà Pàn, xã Đồng Đăng, tỉnh Lạng Sơn",
        "ThuDienTu": "",
        "SoDienThoai": "0912000202",
        "loAs": "LoA1",
    },
    {
        "sub": "sbx-c2d05e77",
        "TechID": "TECH-SBX-0003",
        "LoaiTaiKhoan": 2,
        "SoDinhDanh": "020180000303",
        "HoVaTen": "Lục Văn Tâm",
        "NgayThangNamSinh": "20/01/1980",
        "GioiTinh": "Nam",
        "ThuongTru": "Số 3 đường Bà Triệu, phường Lương Văn Tri, tỉnh Lạng Sơn",
        "ThuDienTu": "ketoan.sbx@example.vn",
        "SoDienThoai": "0912000303",
        "MaSoThue": "4900123456",
        "MaSoDoanhNghiep": "4900123456",
        "TenDoanhNghiep": "Công ty TNHH Thương mại Đồng Đăng (thử nghiệm)",
        "loAs": "LoA2",
    },
]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def s256(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str
    acr: str
    sub: str
    expires: float
    used: bool = False


@dataclass
class ProviderState:
    issuer: str
    client_id: str = "dvctt"
    client_secret: str = "sandbox"  # noqa: S105 - the sandbox's published test secret
    password: str = "sandbox"  # noqa: S105 - the test people's published password
    code_ttl: float = 60.0
    key: Any = None
    codes: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)
    faults: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.key is None:
            self.key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"})

    def count(self, name: str) -> None:
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + 1

    def fault(self, kind: str) -> bool:
        """Consume one planned fault of ``kind``, if any."""
        with self.lock:
            left = self.faults.get(kind, 0)
            if left <= 0:
                return False
            self.faults[kind] = left - 1
            return True

    def reset(self) -> None:
        with self.lock:
            self.codes.clear()
            self.tokens.clear()
            self.faults.clear()
            self.counts.clear()
            self.code_ttl = 60.0

    def person(self, sub: str) -> dict[str, Any] | None:
        return next((p for p in PEOPLE if p["sub"] == sub), None)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/oauth2/authorize",
            "token_endpoint": f"{self.issuer}/oauth2/token",
            "userinfo_endpoint": f"{self.issuer}/oauth2/userinfo",
            "jwks_uri": f"{self.issuer}/oauth2/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid"],
            "acr_values_supported": ["LoA1", "LoA2"],
            "claims_supported": sorted({"sub", *{k for p in PEOPLE for k in p}}),
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}

    def id_token(self, grant: Grant, access_token: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": grant.sub,
            "aud": grant.client_id,
            "iat": now,
            "auth_time": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            "acr": grant.acr,
            "at_hash": b64url(hashlib.sha256(access_token.encode()).digest()[:16]),
        }
        key = self.key
        if self.fault("bad_nonce"):
            claims["nonce"] = secrets.token_urlsafe(16)
        if self.fault("bad_signature"):
            # Signed by a key the provider never published, under the published key's id.
            key = RSAKey.generate_key(2048, parameters={"kid": KID})
        return jwt.encode({"alg": "RS256", "kid": KID, "typ": "JWT"}, claims, key)


PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>VNeID (thử nghiệm)</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}label{{display:block;margin:.4rem 0}}
.error{{color:#a00}}button{{margin-right:1rem;padding:.5rem 1rem}}</style></head><body>
<h1>Hệ thống định danh quốc gia (thử nghiệm)</h1>
<p>Ứng dụng <strong>{client}</strong> yêu cầu đăng nhập và sử dụng thông tin định danh của bạn
(họ tên, số định danh, ngày sinh, nơi thường trú, liên hệ). Mức xác thực yêu cầu: {acr}.</p>
{error}
<form method="post" action="/oauth2/authorize">
{hidden}
<fieldset><legend>Chọn người thử nghiệm</legend>{people}</fieldset>
<p><label for="password">Mật khẩu (thử nghiệm: <code>{password_hint}</code>)</label>
<input id="password" name="password" type="password" autocomplete="off"></p>
<p><button type="submit" name="decision" value="allow" id="allow">Đồng ý và đăng nhập</button>
<button type="submit" name="decision" value="deny" id="deny">Từ chối</button></p>
</form></body></html>"""

AUTHORIZE_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "acr_values",
)


def _with_query(uri: str, params: dict[str, str]) -> str:
    separator = "&" if urlsplit(uri).query else "?"
    return uri + separator + urlencode(params)


class Handler(BaseHTTPRequestHandler):
    state: ProviderState  # set on the server's handler class
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: the tests read the counts, not a log

    # -- plumbing ---------------------------------------------------------------------------------------------

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode(), "application/json", headers)

    def _html(self, status: int, text: str) -> None:
        self._send(status, text.encode(), "text/html; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self._send(302, b"", "text/plain", {"Location": location})

    def _form(self) -> dict[str, str]:
        length = min(int(self.headers.get("Content-Length") or 0), 1_000_000)
        raw = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def _query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query, keep_blank_values=True).items()}

    def _down(self) -> bool:
        if self.state.fault("down"):
            self._json(503, {"error": "temporarily_unavailable"})
            return True
        return False

    # -- routes -----------------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/_control/state":
            with self.state.lock:
                data = {
                    "counts": dict(self.state.counts),
                    "faults": dict(self.state.faults),
                    "codes": len(self.state.codes),
                    "code_ttl": self.state.code_ttl,
                }
            return self._json(200, data)
        if self._down():
            return None
        if path == "/.well-known/openid-configuration":
            return self._json(200, self.state.discovery())
        if path == "/oauth2/jwks":
            return self._json(200, self.state.jwks())
        if path == "/oauth2/authorize":
            return self._authorize_page(self._query())
        if path == "/oauth2/userinfo":
            return self._userinfo()
        return self._json(404, {"error": "not_found"})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/_control/"):
            return self._control(path)
        if self._down():
            return None
        if path == "/oauth2/authorize":
            return self._authorize_decision(self._form())
        if path == "/oauth2/token":
            return self._token(self._form())
        return self._json(404, {"error": "not_found"})

    def _control(self, path: str) -> None:
        length = min(int(self.headers.get("Content-Length") or 0), 100_000)
        try:
            body = json.loads(self.rfile.read(length) or b"{}") if length else {}
        except ValueError:
            return self._json(400, {"error": "not JSON"})
        if path == "/_control/reset":
            self.state.reset()
        elif path == "/_control/fault":
            with self.state.lock:
                self.state.faults[str(body.get("kind"))] = int(body.get("times", 1))
        elif path == "/_control/settings":
            if "code_ttl" in body:
                self.state.code_ttl = float(body["code_ttl"])
        else:
            return self._json(404, {"error": "not_found"})
        return self._json(200, {"ok": True})

    def _check_request(self, params: dict[str, str]) -> str:
        """What is wrong with an authorization request that must not be redirected back ("" when fine)."""
        if params.get("client_id") != self.state.client_id:
            return "Ứng dụng không được đăng ký (client_id)."
        redirect = urlsplit(params.get("redirect_uri", ""))
        if redirect.scheme not in ("http", "https") or redirect.hostname not in LOOPBACK:
            return "Địa chỉ trả về (redirect_uri) không hợp lệ."
        return ""

    def _redirect_error(self, params: dict[str, str], error: str) -> None:
        answer = {"error": error}
        if params.get("state"):
            answer["state"] = params["state"]
        self._redirect(_with_query(params["redirect_uri"], answer))

    def _authorize_page(self, params: dict[str, str], error: str = "") -> None:
        self.state.count("authorize")
        problem = self._check_request(params)
        if problem:
            return self._html(400, f"<!doctype html><p>{html.escape(problem)}</p>")
        if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
            return self._redirect_error(params, "invalid_request")
        if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
            return self._redirect_error(params, "invalid_request")
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(params.get(name, ""))}">'
            for name in AUTHORIZE_PARAMS
        )
        people = "".join(
            f'<label><input type="radio" name="sub" value="{p["sub"]}"{" checked" if i == 0 else ""}> '
            f"{html.escape(p['HoVaTen'])} — {html.escape(p.get('TenDoanhNghiep') or 'công dân')} "
            f"({p['SoDinhDanh']})</label>"
            for i, p in enumerate(PEOPLE)
        )
        self._html(
            200,
            PAGE.format(
                client=html.escape(params["client_id"]),
                acr=html.escape(params.get("acr_values") or "LoA1"),
                error=f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "",
                hidden=hidden,
                people=people,
                password_hint=html.escape(self.state.password),
            ),
        )

    def _authorize_decision(self, form: dict[str, str]) -> None:
        problem = self._check_request(form)
        if problem:
            return self._html(400, f"<!doctype html><p>{html.escape(problem)}</p>")
        if form.get("decision") != "allow":
            self.state.count("denied")
            return self._redirect_error(form, "access_denied")
        person = self.state.person(form.get("sub", ""))
        if person is None or not hmac.compare_digest(form.get("password", ""), self.state.password):
            return self._authorize_page(form, error="Sai mật khẩu hoặc chưa chọn người thử nghiệm.")
        code = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.codes[code] = Grant(
                client_id=form["client_id"],
                redirect_uri=form["redirect_uri"],
                challenge=form.get("code_challenge", ""),
                nonce=form.get("nonce", ""),
                acr=form.get("acr_values") or "LoA1",
                sub=person["sub"],
                expires=time.time() + self.state.code_ttl,
            )
        self.state.count("code")
        answer = {"code": code}
        if form.get("state"):
            answer["state"] = form["state"]
        self._redirect(_with_query(form["redirect_uri"], answer))

    def _client_authenticated(self, form: dict[str, str]) -> bool:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                client_id, _sep, secret = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return False
        return hmac.compare_digest(client_id, self.state.client_id) and hmac.compare_digest(
            secret, self.state.client_secret
        )

    def _token(self, form: dict[str, str]) -> None:
        self.state.count("token")
        if not self._client_authenticated(form):
            return self._json(401, {"error": "invalid_client"}, {"WWW-Authenticate": "Basic"})
        if form.get("grant_type") != "authorization_code":
            return self._json(400, {"error": "unsupported_grant_type"})
        with self.state.lock:
            grant = self.state.codes.get(form.get("code", ""))
            problem = ""
            if grant is None or grant.used:
                problem = "the code is unknown or was used"
            elif grant.expires < time.time():
                problem = "the code has expired"
            elif grant.client_id != self.state.client_id or grant.redirect_uri != form.get("redirect_uri"):
                problem = "the code was issued to another client or redirect URI"
            elif not hmac.compare_digest(s256(form.get("code_verifier", "")), grant.challenge):
                problem = "the PKCE verifier does not match"
            if grant is not None:
                grant.used = True  # one try, right or wrong
            if problem or grant is None:
                return self._json(400, {"error": "invalid_grant", "error_description": problem})
            access = secrets.token_urlsafe(32)
            self.state.tokens[access] = (grant.sub, time.time() + 300)
        return self._json(
            200,
            {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": 300,
                "scope": "openid",
                "id_token": self.state.id_token(grant, access),
            },
        )

    def _userinfo(self) -> None:
        self.state.count("userinfo")
        header = self.headers.get("Authorization", "")
        token = header[7:] if header.startswith("Bearer ") else ""
        with self.state.lock:
            found = self.state.tokens.get(token)
        if found is None or found[1] < time.time():
            return self._json(401, {"error": "invalid_token"}, {"WWW-Authenticate": "Bearer"})
        person = self.state.person(found[0])
        if person is None:
            return self._json(401, {"error": "invalid_token"})
        return self._json(200, dict(person))


def make_server(*, host: str, port: int, state: ProviderState) -> ThreadingHTTPServer:
    if host not in LOOPBACK:
        raise ValueError("the identity sandbox listens on loopback only")
    handler = type("SandboxHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve(*, host: str, port: int, state: ProviderState) -> None:
    server = make_server(host=host, port=port, state=state)
    try:
        server.serve_forever()
    finally:
        server.server_close()
