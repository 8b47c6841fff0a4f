"""The national catalogue through the configured transport (spec/national-portal.md §1, operation 3).

*Adapter:* ``LayDanhSachTTHC`` (no argument) answers ``result`` = a list of ``{MATTHC, TENTTHC}``; ``LayThuTuc``
with ``mathutuc`` answers ``result`` = the procedure's detail (upper-case fields), as an object or a one-item list.

*Gateway:* ``DVCTT_NATIONAL_PORTAL_CATALOGUE_URL`` (POST ``[]``) answers the list;
``DVCTT_NATIONAL_PORTAL_CATALOGUE_DETAIL_URL`` (POST ``[{"MATTHC": code}]``) the detail; a ``{code}`` in that
URL is replaced by the code (the sandbox serves ``/gateway/catalogue`` and ``/gateway/catalogue/{code}``).

Both go through the client's transports (session or token renewal included). Any failure raises
:class:`CatalogueUnavailable` with a Vietnamese message and the raw answer.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from dvctt.integrations.national_portal.client import (
    AdapterTransport,
    Answer,
    GatewayTransport,
    Transport,
    transport_for,
)
from dvctt.integrations.national_portal.config import PortalConfig, portal_config

LIST_SERVICE = "LayDanhSachTTHC"
DETAIL_SERVICE = "LayThuTuc"


class CatalogueUnavailable(Exception):
    """The portal did not give the catalogue: ``message`` says why (Vietnamese), ``raw`` is its answer."""

    def __init__(self, message: str, raw: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.raw = raw


def catalogue_urls() -> tuple[str, str]:
    """The gateway's (list URL, detail URL) from settings."""
    return (
        str(getattr(settings, "DVCTT_NATIONAL_PORTAL_CATALOGUE_URL", "") or ""),
        str(getattr(settings, "DVCTT_NATIONAL_PORTAL_CATALOGUE_DETAIL_URL", "") or ""),
    )


def _refused(answer: Answer, what: str) -> CatalogueUnavailable:
    if answer.status == 0:
        reason = _("không kết nối được Cổng DVCQG (%(why)s)") % {"why": answer.message}
    elif answer.error_code is not None and 200 <= answer.status < 300:
        reason = _("Cổng DVCQG trả lỗi %(code)s: %(message)s") % {
            "code": answer.error_code,
            "message": answer.message,
        }
    else:
        reason = _("Cổng DVCQG trả HTTP %(status)s: %(message)s") % {
            "status": answer.status,
            "message": answer.message[:200],
        }
    return CatalogueUnavailable(
        _("Không lấy được %(what)s: %(reason)s.") % {"what": what, "reason": reason}, answer.raw
    )


class CatalogueClient:
    """``catalogue_list()`` and ``catalogue_detail(code)`` through the configured transport."""

    def __init__(self, config: PortalConfig | None = None, transport: Transport | None = None) -> None:
        self.config = config or portal_config()
        if not self.config.enabled:
            raise CatalogueUnavailable(
                _(
                    "Chưa cấu hình kết nối Cổng DVCQG (DVCTT_NATIONAL_PORTAL_TRANSPORT là adapter hoặc gateway)."
                )
            )
        self.transport = transport or transport_for(self.config)
        if isinstance(self.transport, GatewayTransport) and not all(catalogue_urls()):
            raise CatalogueUnavailable(
                _(
                    "Chưa cấu hình địa chỉ lấy danh mục TTHC (DVCTT_NATIONAL_PORTAL_CATALOGUE_URL và "
                    "DVCTT_NATIONAL_PORTAL_CATALOGUE_DETAIL_URL)."
                )
            )

    def _ask(self, *, service: str, body: dict[str, Any], url: str, items: list[dict[str, Any]]) -> Answer:
        if isinstance(self.transport, AdapterTransport):
            return self.transport.call(service, body)
        return self.transport.send(url, items)

    def catalogue_list(self) -> list[dict[str, str]]:
        """Every procedure of the national catalogue: ``[{"MATTHC", "TENTTHC"}]``, codes unique, in order."""
        answer = self._ask(service=LIST_SERVICE, body={}, url=catalogue_urls()[0], items=[])
        what = _("danh sách TTHC")
        if not answer.ok:
            raise _refused(answer, what)
        result = answer.data.get("result") if isinstance(answer.data, dict) else None
        if not isinstance(result, list):
            raise CatalogueUnavailable(
                _("Không lấy được %(what)s: câu trả lời không có danh sách (result).") % {"what": what},
                answer.raw,
            )
        out: dict[str, dict[str, str]] = {}
        for item in result:
            if not isinstance(item, dict):
                continue
            code = str(item.get("MATTHC") or "").strip()
            if code:
                out[code] = {"MATTHC": code, "TENTTHC": str(item.get("TENTTHC") or "").strip()}
        return list(out.values())

    def catalogue_detail(self, code: str) -> dict[str, Any]:
        """The detail of procedure ``code`` (``LayThuTuc``) with its upper-case fields."""
        url = catalogue_urls()[1].replace("{code}", urllib.parse.quote(code, safe=""))
        answer = self._ask(service=DETAIL_SERVICE, body={"mathutuc": code}, url=url, items=[{"MATTHC": code}])
        what = _("chi tiết thủ tục %(code)s") % {"code": code}
        if not answer.ok:
            raise _refused(answer, what)
        result = answer.data.get("result") if isinstance(answer.data, dict) else None
        if isinstance(result, list):
            result = result[0] if result else None
        if not isinstance(result, dict):
            raise CatalogueUnavailable(
                _("Không lấy được %(what)s: câu trả lời không có thủ tục.") % {"what": what}, answer.raw
            )
        return result


def catalogue_list(*, config: PortalConfig | None = None) -> list[dict[str, str]]:
    return CatalogueClient(config).catalogue_list()


def catalogue_detail(code: str, *, config: PortalConfig | None = None) -> dict[str, Any]:
    return CatalogueClient(config).catalogue_detail(code)
