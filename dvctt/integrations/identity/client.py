"""The one client for the national identity service: OpenID Connect, authorization code with PKCE.

The protocol is authlib's: its ``OAuth2Client`` builds the authorization URL (``state``, ``nonce``, the S256
``code_challenge``) and the token request (client authentication, ``code_verifier``) and parses the answer;
the ID token's signature is checked with joserfc (authlib's JOSE) against the provider's JWKS and its claims
(``iss``, ``aud``, ``exp``, ``iat``, ``nonce``, ``at_hash``) with authlib's ``CodeIDToken``. Only the HTTP
transport is ours (the standard library, as every other client of the platform), so no other dependency.

Every failure is an :class:`IdentityError` whose ``kind`` the views turn into a Vietnamese page; nothing here
logs personal data (the claims), only kinds and HTTP statuses.
"""

from __future__ import annotations

import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from authlib.common.security import generate_token
from authlib.oauth2.base import OAuth2Error
from authlib.oauth2.client import OAuth2Client
from authlib.oidc.core import CodeIDToken
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from dvctt.integrations.identity.config import IdentityConfig

logger = logging.getLogger(__name__)

#: Failure kinds (the views have one message for each).
UNAVAILABLE = "unavailable"  # the provider cannot be reached or answers garbage
STATE = "state"  # the callback's state is not the one this browser was sent with
DENIED = "denied"  # the person refused (or the provider refused the request)
CODE = "code"  # the code was refused: expired, used, or not issued for this verifier
TOKEN = "token"  # noqa: S105 - a kind: the ID token is not valid (signature, issuer, audience, expiry, nonce)
CLAIMS = "claims"  # the user information is missing or does not belong to the ID token's subject

DISCOVERY_CACHE_SECONDS = 3600


class IdentityError(Exception):
    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Endpoints:
    issuer: str
    authorize_url: str
    token_url: str
    userinfo_url: str
    jwks_url: str


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and what to keep in the session to check the way back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


class _Response:
    """The little of a ``requests`` response that authlib's ``OAuth2Client`` reads."""

    def __init__(self, status: int, body: bytes) -> None:
        self.status_code = status
        self.content = body

    def json(self) -> Any:
        return json.loads(self.content.decode("utf-8"))  # ValueError when it is not JSON

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise IdentityError(UNAVAILABLE, f"HTTP {self.status_code}")


class _Session:
    """A ``requests``-like session over urllib, for authlib's ``OAuth2Client`` (POST with client auth)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def post(self, url: str, data: Any = None, headers: Any = None, auth: Any = None, **_: Any) -> _Response:
        body = urllib.parse.urlencode(data or {})
        headers = dict(headers or {})
        if auth is not None:
            url, headers, body = auth.prepare("POST", url, headers, body)
        return send("POST", url, body=body.encode(), headers=headers, timeout=self.timeout)

    def request(self, method: str, url: str, headers: Any = None, **_: Any) -> _Response:
        return send(method, url, headers=dict(headers or {}), timeout=self.timeout)


def send(
    method: str, url: str, *, body: bytes | None = None, headers: dict[str, str], timeout: float
) -> _Response:
    """One HTTP exchange. An HTTP error status is an answer; a network fault is ``IdentityError(UNAVAILABLE)``."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise IdentityError(UNAVAILABLE, "the URL must be http(s)")
    request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 - checked
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked
            return _Response(response.status, response.read())
    except urllib.error.HTTPError as exc:
        return _Response(exc.code, exc.read())
    except (OSError, ValueError) as exc:  # URLError, timeouts, refused or reset connections
        logger.warning("identity provider unreachable (%s %s): %s", method, url, exc.__class__.__name__)
        raise IdentityError(UNAVAILABLE, exc.__class__.__name__) from None


def _get_json(url: str, *, timeout: float, headers: dict[str, str] | None = None) -> dict[str, Any]:
    response = send("GET", url, headers={"Accept": "application/json", **(headers or {})}, timeout=timeout)
    if response.status_code >= 500:
        raise IdentityError(UNAVAILABLE, f"HTTP {response.status_code} from {url}")
    if response.status_code >= 400:
        raise IdentityError(CLAIMS if "userinfo" in url else UNAVAILABLE, f"HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise IdentityError(UNAVAILABLE, f"not JSON from {url}") from None
    if not isinstance(data, dict):
        raise IdentityError(UNAVAILABLE, f"not a JSON object from {url}")
    return data


def endpoints(config: IdentityConfig) -> Endpoints:
    """The provider's endpoints: the configured ones, the rest from the issuer's discovery document."""
    if not config.needs_discovery:
        return Endpoints(
            config.issuer, config.authorize_url, config.token_url, config.userinfo_url, config.jwks_url
        )
    key = f"identity:discovery:{config.issuer}"
    document = cache.get(key)
    if document is None:
        document = _get_json(f"{config.issuer}/.well-known/openid-configuration", timeout=config.timeout)
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    if str(document.get("issuer", "")).rstrip("/") != config.issuer:
        raise IdentityError(UNAVAILABLE, "the discovery document names another issuer")
    return Endpoints(
        config.issuer,
        config.authorize_url or str(document.get("authorization_endpoint", "")),
        config.token_url or str(document.get("token_endpoint", "")),
        config.userinfo_url or str(document.get("userinfo_endpoint", "")),
        config.jwks_url or str(document.get("jwks_uri", "")),
    )


def redirect_uri(config: IdentityConfig, path: str) -> str:
    return config.public_base_url + path


def _client(config: IdentityConfig, callback_url: str) -> OAuth2Client:
    return OAuth2Client(
        session=_Session(config.timeout),
        client_id=config.client_id,
        client_secret=config.client_secret or None,
        scope=config.scope or "openid",
        redirect_uri=callback_url,
        code_challenge_method="S256",
    )


def authorization_request(config: IdentityConfig, *, callback_url: str) -> AuthorizationRequest:
    """A fresh authorization request: new ``state``, ``nonce`` and PKCE verifier, never reused."""
    where = endpoints(config)
    if not where.authorize_url:
        raise IdentityError(UNAVAILABLE, "no authorization endpoint")
    verifier = generate_token(64)
    nonce = generate_token(32)
    extra = {"nonce": nonce}
    if config.acr_values:
        extra["acr_values"] = config.acr_values
    url, state = _client(config, callback_url).create_authorization_url(
        where.authorize_url, state=generate_token(32), code_verifier=verifier, **extra
    )
    return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)


def state_matches(expected: str, received: str) -> bool:
    return bool(expected) and bool(received) and hmac.compare_digest(expected, received)


def _key_set(config: IdentityConfig, url: str, *, force: bool = False) -> KeySet:
    key = f"identity:jwks:{url}"
    data = None if force else cache.get(key)
    if data is None:
        data = _get_json(url, timeout=config.timeout)
        cache.set(key, data, DISCOVERY_CACHE_SECONDS)
    try:
        return KeySet.import_key_set(data)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError):
        raise IdentityError(UNAVAILABLE, "the JWKS cannot be read") from None


def _id_token_claims(
    config: IdentityConfig, where: Endpoints, token: dict[str, Any], *, nonce: str
) -> dict[str, Any]:
    raw = token.get("id_token")
    if not isinstance(raw, str) or not raw:
        raise IdentityError(TOKEN, "no id_token")
    if not where.jwks_url:
        raise IdentityError(UNAVAILABLE, "no JWKS endpoint")
    decoded = None
    for force in (False, True):  # a new signing key (rotation): fetch the JWKS once more
        keys = _key_set(config, where.jwks_url, force=force)
        try:
            decoded = jwt.decode(raw, keys, algorithms=["RS256", "ES256", "PS256"])
            break
        except JoseError as exc:
            if force:
                raise IdentityError(TOKEN, f"signature: {exc.__class__.__name__}") from None
        except (ValueError, TypeError):
            raise IdentityError(TOKEN, "malformed") from None
    assert decoded is not None
    options: dict[str, Any] = {"aud": {"essential": True, "values": [config.client_id]}}
    if where.issuer:
        options["iss"] = {"essential": True, "values": [where.issuer]}
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        options,
        {"nonce": nonce, "client_id": config.client_id, "access_token": token.get("access_token")},
    )
    try:
        if "nonce" not in claims:
            raise IdentityError(TOKEN, "no nonce")
        claims.validate(leeway=60)
    except JoseError as exc:
        raise IdentityError(TOKEN, f"claims: {exc.__class__.__name__}") from None
    return dict(claims)


def sign_in(
    config: IdentityConfig,
    *,
    callback_url: str,
    authorization_response: str,
    state: str,
    nonce: str,
    code_verifier: str,
) -> dict[str, Any]:
    """Exchange the code (PKCE, client secret), check the ID token, read the user information.

    ``authorization_response`` is the full callback URL (its ``code`` and ``state``). Precondition: the view
    has already checked ``state`` against the session and handled an ``error`` answer. Returns the user-info
    claims, ``sub`` equal to the ID token's, plus ``acr`` from the ID token when the user info has no level.
    """
    where = endpoints(config)
    if not where.token_url:
        raise IdentityError(UNAVAILABLE, "no token endpoint")
    client = _client(config, callback_url)
    try:
        token = client.fetch_token(
            where.token_url,
            authorization_response=authorization_response,
            state=state,
            code_verifier=code_verifier,
        )
    except OAuth2Error as exc:
        error = getattr(exc, "error", "") or ""
        if error in ("mismatching_state", "missing_code"):
            raise IdentityError(STATE, error) from None
        if error in ("invalid_grant", "invalid_request"):
            raise IdentityError(CODE, error) from None
        if error in ("invalid_client", "unauthorized_client"):
            # The platform's registration, not the person: the administrator must check the client settings.
            logger.error("identity provider refused the client: check DVCTT_IDENTITY_CLIENT_ID and _SECRET")
            raise IdentityError(UNAVAILABLE, error) from None
        raise IdentityError(DENIED if error else UNAVAILABLE, error) from None
    except ValueError:  # not a JSON object
        raise IdentityError(UNAVAILABLE, "the token answer is not JSON") from None
    id_claims = _id_token_claims(config, where, dict(token), nonce=nonce)
    info: dict[str, Any] = {}
    if where.userinfo_url:
        access = str(token.get("access_token") or "")
        info = _get_json(
            where.userinfo_url, timeout=config.timeout, headers={"Authorization": f"Bearer {access}"}
        )
        # OpenID Connect Core 5.3.2: the user information must be about the ID token's subject.
        if str(info.get("sub", "")) != str(id_claims.get("sub", "")):
            raise IdentityError(CLAIMS, "the user information names another subject")
    else:
        info = dict(id_claims)
    if "acr" in id_claims and not any(k in info for k in ("loAs", "IAL", "acr")):
        info["acr"] = id_claims["acr"]
    return info
