"""The national identity service's connection, from settings (environment variables, docs/configuration.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from dvctt.common.public_url import public_url


@dataclass(frozen=True)
class IdentityConfig:
    #: The issuer (``iss`` of the ID tokens). Endpoints left empty are read from its discovery document.
    issuer: str
    authorize_url: str
    token_url: str
    userinfo_url: str
    jwks_url: str
    client_id: str
    client_secret: str
    scope: str
    #: The assurance level asked for (``acr_values``), e.g. ``LoA1``; empty: none asked.
    acr_values: str
    #: The platform's public base URL: the redirect URI is built from it.
    public_base_url: str
    #: Seconds to wait for the provider.
    timeout: float

    @property
    def enabled(self) -> bool:
        has_endpoints = bool(self.authorize_url and self.token_url and self.jwks_url)
        return bool(self.client_id and (self.issuer or has_endpoints))

    @property
    def needs_discovery(self) -> bool:
        return bool(self.issuer) and not (
            self.authorize_url and self.token_url and self.jwks_url and self.userinfo_url
        )


def _s(name: str, default: str = "") -> str:
    return str(getattr(settings, name, default) or default).strip()


def identity_config() -> IdentityConfig:
    return IdentityConfig(
        issuer=_s("DVCTT_IDENTITY_ISSUER").rstrip("/"),
        authorize_url=_s("DVCTT_IDENTITY_AUTHORIZE_URL"),
        token_url=_s("DVCTT_IDENTITY_TOKEN_URL"),
        userinfo_url=_s("DVCTT_IDENTITY_USERINFO_URL"),
        jwks_url=_s("DVCTT_IDENTITY_JWKS_URL"),
        client_id=_s("DVCTT_IDENTITY_CLIENT_ID"),
        client_secret=_s("DVCTT_IDENTITY_CLIENT_SECRET"),
        scope=_s("DVCTT_IDENTITY_SCOPE", "openid"),
        acr_values=_s("DVCTT_IDENTITY_ACR_VALUES"),
        public_base_url=public_url(""),
        timeout=float(getattr(settings, "DVCTT_IDENTITY_TIMEOUT", 10) or 10),
    )
