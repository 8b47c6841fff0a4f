"""The derived "integrated on the national portal" flag of a procedure (docs/national-portal.md, "Integrated flag").

A procedure counts as integrated on DVCQG (the plan's 60% indicator) when all three hold:

1. **its national code is known**: a ``ProcedureCode`` mapping, or its own code is on the national catalogue's
   list as the last pull saw it;
2. **it is offered online end to end**: the version's ``online_level`` is 4 (full process);
3. **its dossiers reach the portal**: the portal has acknowledged at least one of its dossiers (``DongBoDVCQG``
   = 1), or the sync transport is configured (``DVCTT_NATIONAL_PORTAL_TRANSPORT`` adapter or gateway).

The flag is versioned data (catalog/models.py): a change of it on a version already in force is written as a new
version from today, so a past day keeps the value it had. Versions whose flag came from an import
(``integrated_derived`` false) keep it until a live change adopts the procedure: its national code mapped or
its version edited in the admin, or a national catalogue change accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.catalog import services as catalog_services
from dvctt.catalog.models import OnlineLevel, Procedure, ProcedureVersion
from dvctt.catalog.selectors import catalogue_on
from dvctt.dossiers.models import Dossier, SyncState
from dvctt.integrations.national_portal.config import portal_config
from dvctt.integrations.national_portal.models import NationalProcedure, ProcedureCode


@dataclass(frozen=True)
class IntegrationCheck:
    integrated: bool
    #: (condition met, explanation) for each of the three conditions, in order.
    reasons: tuple[tuple[bool, str], ...]

    def explain(self) -> str:
        return "; ".join(("✓ " if ok else "✗ ") + text for ok, text in self.reasons)


def procedure_integration_check(*, procedure: Procedure, online_level: int) -> IntegrationCheck:
    """Whether a version of ``procedure`` at ``online_level`` counts as integrated, and why (four queries)."""
    mapped = ProcedureCode.objects.filter(procedure=procedure).values_list("code", flat=True).first()
    if mapped:
        code_reason = (True, _("đã gán mã TTHC quốc gia %(code)s") % {"code": mapped})
    elif NationalProcedure.objects.filter(code=procedure.code, listed=True).exists():
        code_reason = (
            True,
            _("mã %(code)s có trong danh mục TTHC của Cổng DVCQG") % {"code": procedure.code},
        )
    else:
        code_reason = (
            False,
            _("chưa gán mã TTHC quốc gia và mã %(code)s không có trong danh mục đã lấy từ Cổng DVCQG")
            % {"code": procedure.code},
        )
    if online_level == OnlineLevel.FULL:
        level_reason = (True, _("cung cấp dịch vụ trực tuyến toàn trình"))
    else:
        level_reason = (
            False,
            _("chưa cung cấp trực tuyến toàn trình (hiện: %(level)s)")
            % {"level": OnlineLevel(online_level).label},
        )
    acknowledged = Dossier.objects.filter(procedure=procedure, sync_state=SyncState.SYNCED).count()
    config = portal_config()
    if acknowledged:
        sync_reason = (True, _("Cổng DVCQG đã xác nhận %(n)s hồ sơ đồng bộ") % {"n": acknowledged})
    elif config.enabled:
        sync_reason = (True, _("kết nối đồng bộ Cổng DVCQG đang bật (%(t)s)") % {"t": config.transport})
    else:
        sync_reason = (False, _("chưa cấu hình kết nối đồng bộ và Cổng DVCQG chưa xác nhận hồ sơ nào"))
    reasons = (code_reason, level_reason, sync_reason)
    return IntegrationCheck(all(ok for ok, _text in reasons), reasons)


def version_integration_explain(*, version: ProcedureVersion) -> str:
    """Why ``version`` is (or is not) counted as integrated, for the admin."""
    check = procedure_integration_check(procedure=version.procedure, online_level=version.online_level)
    if not version.integrated_derived:
        return _("Giá trị nhập từ dữ liệu (không tự tính). Nếu tính theo cấu hình: %(why)s") % {
            "why": check.explain()
        }
    return check.explain()


@transaction.atomic
def procedure_integration_refresh(
    *, procedure_id: int, adopt: bool = False, today: date | None = None
) -> list[ProcedureVersion]:
    """Write the derived flag on the version in force today and on later ones; returns the versions written.

    Versions with an imported flag are left alone unless ``adopt`` (a live change of the procedure). A changed flag
    on a version already in force becomes a new version from today; a version starting today or later is changed
    in place.
    """
    today = today or timezone.localdate()
    procedure = Procedure.objects.select_for_update().filter(pk=procedure_id).first()
    if procedure is None:
        return []
    current = catalogue_on(on=today).filter(procedure_id=procedure_id).first()
    targets = [current] if current is not None else []
    targets += list(ProcedureVersion.objects.filter(procedure_id=procedure_id, valid_from__gt=today))
    written = []
    for version in targets:
        if not (version.integrated_derived or adopt):
            continue
        check = procedure_integration_check(procedure=procedure, online_level=version.online_level)
        if version.integrated_national == check.integrated:
            if not version.integrated_derived:
                written.append(
                    catalog_services.procedure_version_update(version=version, integrated_derived=True)
                )
            continue
        if version.valid_from >= today:
            written.append(
                catalog_services.procedure_version_update(
                    version=version, integrated_national=check.integrated, integrated_derived=True
                )
            )
        else:
            written.append(
                catalog_services.procedure_version_succeed(
                    version=version,
                    valid_from=today,
                    integrated_national=check.integrated,
                    integrated_derived=True,
                )
            )
    return written


def integration_refresh_derived(*, today: date | None = None) -> int:
    """Refresh every procedure with a derived flag (the periodic task: catches the portal's first acknowledgement
    of a procedure's dossier and a change of the transport). Returns how many versions were written."""
    today = today or timezone.localdate()
    procedure_ids = set(
        ProcedureVersion.objects.filter(integrated_derived=True).values_list("procedure_id", flat=True)
    )
    return sum(
        len(procedure_integration_refresh(procedure_id=pk, today=today)) for pk in sorted(procedure_ids)
    )


def integration_refresh_for_dossier(*, dossier_id: int) -> None:
    """The hook for the portal's acknowledgement of a dossier: refresh its procedure (derived flags only)."""
    procedure_id = Dossier.objects.filter(pk=dossier_id).values_list("procedure_id", flat=True).first()
    if procedure_id is not None:
        procedure_integration_refresh(procedure_id=procedure_id)


def integration_refresh_for_dossiers(*, dossier_ids: list[int]) -> int:
    """The same for a batch the sender acknowledged: the procedures of those dossiers that have a derived flag
    (one query to find them); returns how many procedures were looked at."""
    procedure_ids = sorted(
        set(
            ProcedureVersion.objects.filter(
                integrated_derived=True,
                procedure_id__in=Dossier.objects.filter(pk__in=dossier_ids).values("procedure_id"),
            ).values_list("procedure_id", flat=True)
        )
    )
    for procedure_id in procedure_ids:
        procedure_integration_refresh(procedure_id=procedure_id)
    return len(procedure_ids)


# The catalogue's admin explains and refreshes the flag through these (it sits below the integrations).
catalog_services.integration_hooks_register(
    explain=version_integration_explain, refresh=procedure_integration_refresh
)
