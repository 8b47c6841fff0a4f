"""The national portal's connection, from settings (environment variables, docs/configuration.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

ADAPTER = "adapter"
GATEWAY = "gateway"


@dataclass(frozen=True)
class PortalConfig:
    #: "" (sync off: no message is written), "adapter" or "gateway".
    transport: str
    #: Adapter style: the one endpoint, the login URL, the account, the unit code (madonvi), the dstcode header.
    adapter_url: str
    login_url: str
    username: str
    password: str
    unit_code: str
    dstcode: str
    #: Gateway style (LGSP): the OAuth2 token URL, the client, and one URL per operation.
    token_url: str
    client_id: str
    client_secret: str
    create_url: str
    update_url: str
    progress_url: str
    lookup_url: str
    #: Seconds to wait for an answer.
    timeout: float
    #: How long a file link sent to the portal stays valid (seconds).
    link_max_age: int
    #: Progress items per CapNhatTienDoHoSoMC call (the spec: one province sends 10).
    progress_batch: int
    #: Records (distinct dossiers) per DongBoHoSoMC call; 1 sends each record alone.
    record_batch: int = 10

    @property
    def enabled(self) -> bool:
        return self.transport in (ADAPTER, GATEWAY)


def _s(name: str, default: str = "") -> str:
    return str(getattr(settings, name, default) or default)


def portal_config() -> PortalConfig:
    return PortalConfig(
        transport=_s("DVCTT_NATIONAL_PORTAL_TRANSPORT").strip().lower(),
        adapter_url=_s("DVCTT_NATIONAL_PORTAL_ADAPTER_URL"),
        login_url=_s("DVCTT_NATIONAL_PORTAL_LOGIN_URL"),
        username=_s("DVCTT_NATIONAL_PORTAL_USERNAME"),
        password=_s("DVCTT_NATIONAL_PORTAL_PASSWORD"),
        unit_code=_s("DVCTT_NATIONAL_PORTAL_UNIT_CODE"),
        dstcode=_s("DVCTT_NATIONAL_PORTAL_DSTCODE"),
        token_url=_s("DVCTT_NATIONAL_PORTAL_TOKEN_URL"),
        client_id=_s("DVCTT_NATIONAL_PORTAL_CLIENT_ID"),
        client_secret=_s("DVCTT_NATIONAL_PORTAL_CLIENT_SECRET"),
        create_url=_s("DVCTT_NATIONAL_PORTAL_CREATE_URL"),
        update_url=_s("DVCTT_NATIONAL_PORTAL_UPDATE_URL"),
        progress_url=_s("DVCTT_NATIONAL_PORTAL_PROGRESS_URL"),
        lookup_url=_s("DVCTT_NATIONAL_PORTAL_LOOKUP_URL"),
        timeout=float(_s("DVCTT_NATIONAL_PORTAL_TIMEOUT", "15")),
        link_max_age=int(_s("DVCTT_NATIONAL_PORTAL_LINK_MAX_AGE", str(30 * 24 * 3600))),
        progress_batch=max(1, int(_s("DVCTT_NATIONAL_PORTAL_PROGRESS_BATCH", "10"))),
        record_batch=max(1, int(_s("DVCTT_NATIONAL_PORTAL_RECORD_BATCH", "10"))),
    )
