"""The one client for the national portal: the adapter transport and the gateway (LGSP) transport.

Both answer :class:`Answer`: ``ok`` when the portal says ``error_code`` 0, and always the raw answer (HTTP
status and body) since the portal's code table is unconfirmed. No exception leaves for a network fault: a
timeout, a refused or dropped connection is an :class:`Answer` with ``status`` 0.

*Adapter:* a login POST (``username``, ``password``) gives a ``session``; every call is a POST to the one
endpoint naming the ``service``, with ``session``, ``madonvi`` and the ``dstcode`` header. A refused session
(HTTP 401/403, or an error whose message names the session) is renewed once and the call repeated.

*Gateway:* an OAuth2 client-credentials token (``Authorization: Bearer``), one URL per operation, each taking a
JSON array. A 401 renews the token once.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from dvctt.integrations.national_portal.config import ADAPTER, GATEWAY, PortalConfig

logger = logging.getLogger(__name__)

#: How an answer says a create found the dossier already there (one province sends an update on it).
EXISTS_MARKERS = ("đã tồn tại", "da ton tai", "already exists")


@dataclass(frozen=True)
class Answer:
    ok: bool
    status: int
    error_code: int | None
    message: str
    raw: str
    data: Any = None

    @property
    def already_exists(self) -> bool:
        text = self.message.lower()
        return not self.ok and any(marker in text for marker in EXISTS_MARKERS)

    @property
    def refused_session(self) -> bool:
        if self.status in (401, 403):
            return True
        text = self.message.lower()
        return not self.ok and self.status == 200 and ("session" in text or "phiên" in text)


#: One kept-alive connection per thread and remote (scheme, host:port): a worker does not open a TCP (and TLS)
#: connection per call. A connection the remote closed while idle is opened again once, transparently.
_connections = threading.local()


def _connection(scheme: str, netloc: str, timeout: float) -> http.client.HTTPConnection:
    pool: dict[tuple[str, str], http.client.HTTPConnection] = getattr(_connections, "pool", None) or {}
    _connections.pool = pool
    connection = pool.get((scheme, netloc))
    if connection is None:
        kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        connection = pool[(scheme, netloc)] = kind(netloc, timeout=timeout)
    connection.timeout = timeout
    if connection.sock is not None:
        connection.sock.settimeout(timeout)
    return connection


def _forget(scheme: str, netloc: str) -> None:
    pool = getattr(_connections, "pool", None) or {}
    connection = pool.pop((scheme, netloc), None)
    if connection is not None:
        connection.close()


def connections_close() -> None:
    """Close this thread's kept-alive connections (a worker that stops, a test that changes the remote)."""
    pool = getattr(_connections, "pool", None) or {}
    for scheme, netloc in list(pool):
        _forget(scheme, netloc)


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return Answer(False, 0, None, f"bad URL {url!r}", f"bad URL {url!r}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    for attempt in (1, 2):
        connection = _connection(parts.scheme, parts.netloc, timeout)
        reused = connection.sock is not None
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            status, text = response.status, response.read().decode("utf-8", "replace")
            break
        except TimeoutError as exc:
            _forget(parts.scheme, parts.netloc)
            return Answer(False, 0, None, "timeout", f"no answer: timeout ({exc})")
        except (http.client.HTTPException, ConnectionError, OSError) as exc:
            _forget(parts.scheme, parts.netloc)
            # A kept-alive connection the remote had closed: the request never got an answer; open a new one.
            # (Harmless even if it did arrive: every call of this client is idempotent, see adapter.py.)
            if reused and attempt == 1 and isinstance(exc, http.client.RemoteDisconnected | ConnectionError):
                continue
            reason = getattr(exc, "reason", exc)
            return Answer(
                False,
                0,
                None,
                f"{type(exc).__name__}: {reason}",
                f"no answer: {type(exc).__name__}: {reason}",
            )
    raw = f"HTTP {status} {text}"
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return Answer(False, status, None, text[:300], raw)
    if not isinstance(data, dict):
        return Answer(False, status, None, "unexpected answer", raw, data)
    code = data.get("error_code")
    try:
        code = int(code) if code is not None else None
    except (TypeError, ValueError):
        code = None
    ok = 200 <= status < 300 and code == 0
    return Answer(ok, status, code, str(data.get("message") or ""), raw, data)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


class AdapterTransport:
    def __init__(self, config: PortalConfig) -> None:
        self.config = config
        self._session: str | None = None
        self._lock = threading.Lock()

    def login(self) -> Answer:
        answer = _post(
            self.config.login_url,
            _json({"username": self.config.username, "password": self.config.password}),
            {"Content-Type": "application/json", "dstcode": self.config.dstcode},
            self.config.timeout,
        )
        session = answer.data.get("session") if answer.ok and isinstance(answer.data, dict) else None
        with self._lock:
            self._session = str(session) if session else None
        if not self._session:
            logger.warning("national portal: login refused: %s", answer.raw[:300])
        return answer

    def call(self, service: str, body: dict[str, Any]) -> Answer:
        for attempt in (1, 2):
            if self._session is None:
                login = self.login()
                if self._session is None:
                    return login
            payload = {"service": service, "session": self._session, "madonvi": self.config.unit_code, **body}
            answer = _post(
                self.config.adapter_url,
                _json(payload),
                {"Content-Type": "application/json", "dstcode": self.config.dstcode},
                self.config.timeout,
            )
            if answer.refused_session and attempt == 1:
                logger.info("national portal: session refused, logging in again")
                with self._lock:
                    self._session = None
                continue
            return answer
        return answer

    def create(self, record: dict[str, Any], *, updating: bool) -> Answer:
        return self.create_many([record], updating=updating)

    def create_many(self, records: list[dict[str, Any]], *, updating: bool) -> Answer:
        """DongBoHoSoMC with several records (distinct dossiers) in its ``data`` list."""
        return self.call("DongBoHoSoMC", {"isUpdating": updating, "data": records})

    def progress(self, items: list[dict[str, Any]]) -> Answer:
        return self.call("CapNhatTienDoHoSoMC", {"data": items})

    def lookup(self, code: str) -> Answer:
        return self.call("TraCuuHoSo", {"mahoso": code})


class GatewayTransport:
    def __init__(self, config: PortalConfig) -> None:
        self.config = config
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def fetch_token(self) -> Answer:
        basic = base64.b64encode(f"{self.config.client_id}:{self.config.client_secret}".encode()).decode()
        request_body = urllib.parse.urlencode({"grant_type": "client_credentials"}).encode()
        answer = _post(
            self.config.token_url,
            request_body,
            {"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"},
            self.config.timeout,
        )
        # An OAuth2 token answer has no error_code: read it as it is.
        data = None
        if answer.status == 200:
            try:
                data = json.loads(answer.raw.split(" ", 2)[2])
            except (ValueError, IndexError):
                data = None
        token = data.get("access_token") if isinstance(data, dict) else None
        with self._lock:
            self._token = str(token) if token else None
            self._expires = time.monotonic() + float((data or {}).get("expires_in") or 300) - 30
        if not self._token:
            logger.warning("national portal: token refused: %s", answer.raw[:300])
            return answer
        return Answer(True, 200, 0, "", answer.raw, data)

    def send(self, url: str, items: list[dict[str, Any]]) -> Answer:
        for attempt in (1, 2):
            if self._token is None or time.monotonic() >= self._expires:
                token_answer = self.fetch_token()
                if self._token is None:
                    return token_answer
            answer = _post(
                url,
                _json(items),
                {"Content-Type": "application/json", "Authorization": f"Bearer {self._token}"},
                self.config.timeout,
            )
            if answer.status == 401 and attempt == 1:
                with self._lock:
                    self._token = None
                continue
            return answer
        return answer

    def create(self, record: dict[str, Any], *, updating: bool) -> Answer:
        return self.create_many([record], updating=updating)

    def create_many(self, records: list[dict[str, Any]], *, updating: bool) -> Answer:
        return self.send(self.config.update_url if updating else self.config.create_url, records)

    def progress(self, items: list[dict[str, Any]]) -> Answer:
        return self.send(self.config.progress_url, items)

    def lookup(self, code: str) -> Answer:
        return self.send(self.config.lookup_url, [{"MaHoSo": code}])


Transport = AdapterTransport | GatewayTransport


def transport_for(config: PortalConfig) -> Transport:
    if config.transport == ADAPTER:
        return AdapterTransport(config)
    if config.transport == GATEWAY:
        return GatewayTransport(config)
    raise ValueError(f"national portal transport not configured: {config.transport!r}")


def found(answer: Answer) -> bool:
    """Whether a TraCuuHoSo answer says the portal has the dossier."""
    if not answer.ok or not isinstance(answer.data, dict):
        return False
    result = answer.data.get("result")
    return bool(result)
