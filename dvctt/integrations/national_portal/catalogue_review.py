"""The national catalogue pull and its review (docs/national-portal.md, "Catalogue pull").

``catalogue_pull`` reads the whole national catalogue first (list, then every detail) and writes only when all
of it came: the snapshot (``NationalProcedure``) and the differences with the province's catalogue
(``CatalogueChange``), in one transaction. A local procedure is matched through its national code (the
``ProcedureCode`` mapping, else its own code, as the sync sends ``MaTTHC``) and compared on its latest version.

Differences: a national procedure with no local one (``new``); name; time limit (THOIGIANGIAIQUYET + DONVITINH
per channel); fees (PHILEPHI); channels (KENH); legal basis (CANCUPHAPLY); a mapped or previously listed
procedure missing from the list (``abolished``). ``old`` and ``new`` hold the compared values in the same shape.

An administrator accepts a difference (``catalogue_change_accept``: a new dated version through the catalogue's
services) or rejects it with a reason (``catalogue_change_reject``); a rejected value is not offered again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.catalog import services as catalog_services
from dvctt.catalog.models import OnlineLevel, Procedure, ProcedureVersion, TimeLimitUnit
from dvctt.common.errors import DomainError
from dvctt.integrations.national_portal.catalogue import CatalogueClient
from dvctt.integrations.national_portal.integration import procedure_integration_refresh
from dvctt.integrations.national_portal.models import (
    CatalogueChange,
    CataloguePull,
    ChangeKind,
    ChangeState,
    NationalProcedure,
    ProcedureCode,
)

logger = logging.getLogger(__name__)
K = ChangeKind

#: DONVITINH as the portal writes it (folded to lower case) → the catalogue's unit.
UNIT_LABELS = {
    "ngày làm việc": TimeLimitUnit.WORKING_DAYS,
    "ngay lam viec": TimeLimitUnit.WORKING_DAYS,
    "giờ làm việc": TimeLimitUnit.WORKING_HOURS,
    "giờ": TimeLimitUnit.WORKING_HOURS,
    "buổi làm việc": TimeLimitUnit.HALF_DAYS,
    "buổi": TimeLimitUnit.HALF_DAYS,
    "ngày": TimeLimitUnit.DAYS,
    "ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ": TimeLimitUnit.WORKING_DAYS,
    "tháng": TimeLimitUnit.MONTHS,
}
#: KENH as a code or a label → "1" in person, "2" online, "3" by post.
CHANNEL_LABELS = {
    "trực tiếp": "1",
    "trực tuyến": "2",
    "dịch vụ bưu chính": "3",
    "bưu chính": "3",
    "bưu chính công ích": "3",
}


# --- the national and the local values, in one shape -------------------------------------------------------


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _num(value: Any) -> str:
    """A limit as a plain decimal string ("5", "0.5"), or the raw text when it is not a number."""
    text = _text(value).replace(",", ".")
    try:
        return format(Decimal(text).normalize(), "f")
    except InvalidOperation:
        return text


def _unit(label: Any) -> str:
    text = _text(label).lower()
    if text in TimeLimitUnit.values:
        return text
    return str(UNIT_LABELS.get(text, text))


def _channel(kenh: Any) -> str:
    text = _text(kenh).lower()
    return text if text in ("1", "2", "3") else CHANNEL_LABELS.get(text, "")


def _ways(detail: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(channel, THOIGIAN entry) pairs of CACHTHUCTHUCHIEN, first entry first."""
    out = []
    for way in detail.get("CACHTHUCTHUCHIEN") or []:
        if not isinstance(way, dict):
            continue
        channel = _channel(way.get("KENH"))
        for entry in way.get("THOIGIAN") or []:
            if channel and isinstance(entry, dict):
                out.append((channel, entry))
    return out


def _limits(limits: dict[str, tuple[str, str]]) -> dict[str, Any] | None:
    """{"limit", "unit", "by_channel"} from channel → (limit, unit): the in-person channel's limit (else the first
    channel's) is the general one; other channels appear only when they differ."""
    if not limits:
        return None
    general = limits.get("1") or limits[min(limits)]
    by_channel = {ch: limit for ch, (limit, _unit_) in sorted(limits.items()) if limit != general[0]}
    return {"limit": general[0], "unit": general[1], "by_channel": by_channel}


def national_values(detail: dict[str, Any]) -> dict[str, Any]:
    """The compared values of a LayThuTuc detail."""
    limits: dict[str, tuple[str, str]] = {}
    fees: dict[tuple[str, int], dict[str, Any]] = {}
    for channel, entry in _ways(detail):
        limits.setdefault(channel, (_num(entry.get("THOIGIANGIAIQUYET")), _unit(entry.get("DONVITINH"))))
        for fee in entry.get("PHILEPHI") or []:
            if not isinstance(fee, dict):
                continue
            name = _text(fee.get("MOTA") or fee.get("TENPHILEPHI") or fee.get("MAPHILEPHI"))
            try:
                amount = int(Decimal(_text(fee.get("SOTIEN")).replace(",", "") or "0"))
            except InvalidOperation:
                amount = 0
            fees.setdefault((name, amount), {"name": name, "amount": amount})
    basis = detail.get("CANCUPHAPLY")
    if isinstance(basis, list):
        lines = [
            _text(f"{item.get('SOVANBAN', '')} {item.get('TENVANBAN', '')}")
            if isinstance(item, dict)
            else _text(item)
            for item in basis
        ]
        basis_text = "\n".join(line for line in lines if line)
    else:
        basis_text = str(basis or "").strip()
    return {
        K.NAME: _text(detail.get("TENTTHC")),
        K.TIME_LIMIT: _limits(limits),
        K.FEES: sorted(fees.values(), key=lambda f: (f["name"], f["amount"])),
        # In-person reception is always offered by the province's one-stop units.
        K.CHANNELS: sorted({"1", *limits}),
        K.LEGAL_BASIS: basis_text,
    }


def local_values(version: ProcedureVersion) -> dict[str, Any]:
    """The compared values of a local version (same shape as :func:`national_values`)."""
    limits: dict[str, tuple[str, str]] = {}
    general = _num(version.time_limit) if version.time_limit is not None else ""
    if general:
        limits["1"] = (general, version.time_limit_unit)
    for channel, limit in (version.time_limit_by_channel or {}).items():
        limits[str(channel)] = (_num(limit), version.time_limit_unit)
    channels = {"1"}
    if version.is_online:
        channels.add("2")
    if version.offers_postal:
        channels.add("3")
    return {
        K.NAME: _text(version.name),
        K.TIME_LIMIT: _limits(limits),
        K.FEES: sorted(
            ({"name": _text(f.name), "amount": int(f.amount)} for f in version.fees.all()),
            key=lambda f: (f["name"], f["amount"]),
        ),
        K.CHANNELS: sorted(channels),
        K.LEGAL_BASIS: (version.legal_basis or "").strip(),
    }


def _same(kind: str, local: Any, national: Any) -> bool:
    if kind == K.NAME:
        return bool(local.lower() == national.lower())
    if kind == K.LEGAL_BASIS:
        return _text(local).lower() == _text(national).lower()
    if kind == K.TIME_LIMIT:
        if national is None:
            return True  # the portal gives no limit: nothing to propose
        if local is None:
            return False
        # Only the channels the portal names are compared.
        local_by = {ch: v for ch, v in local["by_channel"].items() if ch in national["by_channel"]}
        return bool(
            local["limit"] == national["limit"]
            and local["unit"] == national["unit"]
            and local_by == national["by_channel"]
        )
    return bool(local == national)


# --- the pull --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PullOutcome:
    pull: CataloguePull
    listed: int
    created: int
    updated: int
    resolved: int
    pending: int


def _national_code_map() -> dict[str, Procedure]:
    """National code → local procedure: the mapping first, else the procedure's own code."""
    out: dict[str, Procedure] = {p.code: p for p in Procedure.objects.all()}
    for mapping in ProcedureCode.objects.select_related("procedure"):
        out[mapping.code] = mapping.procedure
    return out


def _latest(procedure: Procedure) -> ProcedureVersion | None:
    """The procedure's latest version, or None when it is abolished (or its abolition is planned)."""
    versions = list(procedure.versions.order_by("-valid_from").prefetch_related("fees"))
    if not versions or any(v.abolished_after is not None for v in versions):
        return None
    return versions[0]


def catalogue_fetch(*, client: CatalogueClient | None = None) -> dict[str, dict[str, Any]]:
    """Every procedure of the national catalogue with its detail. Raises ``CatalogueUnavailable``."""
    client = client or CatalogueClient()
    listing = client.catalogue_list()
    details = {}
    for item in listing:
        detail = client.catalogue_detail(item["MATTHC"])
        detail.setdefault("TENTTHC", item["TENTTHC"])
        details[item["MATTHC"]] = detail
    return details


def catalogue_pull(*, by: str = "", client: CatalogueClient | None = None, now: Any = None) -> PullOutcome:
    """Pull the national catalogue and record its differences with the province's. Raises
    ``CatalogueUnavailable`` (nothing written) when the portal cannot give all of it."""
    client = client or CatalogueClient()
    details = catalogue_fetch(client=client)
    return _catalogue_record(
        details=details, by=by, transport=client.config.transport, now=now or timezone.now()
    )


@transaction.atomic
def _catalogue_record(
    *, details: dict[str, dict[str, Any]], by: str, transport: str, now: Any
) -> PullOutcome:
    pull = CataloguePull.objects.create(at=now, by=by[:150], transport=transport, listed=len(details))
    previously = set(NationalProcedure.objects.values_list("code", flat=True))
    for code, detail in details.items():
        name = _text(detail.get("TENTTHC"))[:1000] or code
        updated = NationalProcedure.objects.filter(code=code).update(
            name=name, detail=detail, listed=True, last_seen=now
        )
        if not updated:
            NationalProcedure.objects.create(
                code=code, name=name, detail=detail, listed=True, first_seen=now, last_seen=now
            )
    NationalProcedure.objects.exclude(code__in=list(details)).update(listed=False)

    found: list[tuple[str, Procedure | None, str, Any, Any]] = []
    by_code = _national_code_map()
    matched: set[int] = set()
    for code, detail in details.items():
        procedure = by_code.get(code)
        if procedure is None:
            found.append((code, None, K.NEW, None, {"name": _text(detail.get("TENTTHC"))}))
            continue
        matched.add(procedure.pk)
        version = _latest(procedure)
        if version is None:
            continue  # abolished in the province while the portal still lists it: nothing to propose
        local, national = local_values(version), national_values(detail)
        for compared in (K.NAME, K.TIME_LIMIT, K.FEES, K.CHANNELS, K.LEGAL_BASIS):
            if not _same(compared, local[compared], national[compared]):
                found.append((code, procedure, compared, local[compared], national[compared]))
    mapped = {m.procedure_id: m.code for m in ProcedureCode.objects.all()}
    for procedure in Procedure.objects.exclude(pk__in=matched).order_by("code"):
        code = mapped.get(procedure.pk, procedure.code)
        # Only a procedure known to be national (mapped, or listed by an earlier pull) can go missing.
        if code in details or (procedure.pk not in mapped and code not in previously):
            continue
        version = _latest(procedure)
        if version is not None:
            found.append((code, procedure, K.ABOLISHED, {"name": version.name}, None))

    created = updated = 0
    seen: set[int] = set()
    for code, procedure, kind, old, new in found:
        pending = CatalogueChange.objects.filter(
            national_code=code, kind=kind, state=ChangeState.PENDING
        ).first()
        if pending is not None:
            seen.add(pending.pk)
            if (
                pending.old != old
                or pending.new != new
                or pending.procedure_id != (procedure and procedure.pk)
            ):
                pending.old, pending.new, pending.procedure, pending.pull = old, new, procedure, pull
                updated += 1
            pending.seen_at = now
            pending.save()
            continue
        last = (
            CatalogueChange.objects.filter(national_code=code, kind=kind)
            .exclude(state=ChangeState.OBSOLETE)
            .order_by("-id")
            .first()
        )
        if last is not None and last.state == ChangeState.REJECTED and last.new == new:
            continue  # the administrator already refused this value
        change = CatalogueChange.objects.create(
            national_code=code, procedure=procedure, kind=kind, old=old, new=new, pull=pull, seen_at=now
        )
        seen.add(change.pk)
        created += 1
    resolved = (
        CatalogueChange.objects.filter(state=ChangeState.PENDING)
        .exclude(pk__in=seen)
        .update(state=ChangeState.OBSOLETE)
    )
    pull.created, pull.updated, pull.resolved = created, updated, resolved
    pull.save(update_fields=["created", "updated", "resolved"])
    logger.info(
        "national catalogue: %d listed, %d new differences, %d updated, %d gone",
        len(details),
        created,
        updated,
        resolved,
    )
    return PullOutcome(pull, len(details), created, updated, resolved, len(seen))


# --- the review --------------------------------------------------------------------------------------------


def _fee_lines(value: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": f["name"], "amount": int(f["amount"])} for f in value]


def _limit_attributes(value: dict[str, Any] | None, label: str) -> dict[str, Any]:
    if value is None:
        return {}
    if value["unit"] not in TimeLimitUnit.values:
        raise DomainError(
            _(
                "%(label)s: đơn vị thời hạn “%(unit)s” của Cổng DVCQG chưa được hỗ trợ; sửa thủ tục trong trang quản trị."
            )
            % {"label": label, "unit": value["unit"]}
        )
    try:
        limit = Decimal(value["limit"])
        by_channel = {ch: str(Decimal(v)) for ch, v in value["by_channel"].items()}
    except InvalidOperation as exc:
        raise DomainError(
            _("%(label)s: thời hạn “%(limit)s” của Cổng DVCQG không phải là số.")
            % {"label": label, "limit": value["limit"]}
        ) from exc
    return {"time_limit": limit, "time_limit_unit": value["unit"], "time_limit_by_channel": by_channel}


def _channel_attributes(channels: list[str], version: ProcedureVersion | None) -> dict[str, Any]:
    level = version.online_level if version is not None else OnlineLevel.NONE
    if "2" in channels and level == OnlineLevel.NONE:
        level = OnlineLevel.PARTIAL  # the least an online channel means; the administrator may raise it
    elif "2" not in channels:
        level = OnlineLevel.NONE
    return {"online_level": level, "offers_postal": "3" in channels}


def _components(detail: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for group in detail.get("THANHPHANHOSO") or []:
        if not isinstance(group, dict):
            continue
        papers: list[Any] = group["GIAYTO"] if isinstance(group.get("GIAYTO"), list) else [group]
        for paper in papers:
            name = _text(paper.get("TENGIAYTO")) if isinstance(paper, dict) else ""
            if not name:
                continue
            try:
                copies = max(1, int(paper.get("SOBANCHINH") or 0) + int(paper.get("SOBANSAO") or 0))
            except (TypeError, ValueError):
                copies = 1
            out.append({"name": name[:500], "copies": copies, "required": True})
    return out


def _steps(detail: dict[str, Any]) -> str:
    steps = detail.get("TRINHTUTHUCHIEN")
    if isinstance(steps, list):
        return "\n".join(
            _text(s.get("TENTRINHTU") or s.get("NOIDUNG") or "") if isinstance(s, dict) else _text(s)
            for s in steps
        ).strip()
    return str(steps or "").strip()


def _create_procedure(change: CatalogueChange, *, valid_from: date, unit_code: str) -> ProcedureVersion:
    if not unit_code:
        raise DomainError(
            _(
                "Chọn đơn vị thực hiện để tạo thủ tục %(code)s trong danh mục của tỉnh, hoặc từ chối khác biệt này."
            )
            % {"code": change.national_code},
            code="unit_required",
            fields={"unit": [_("Bắt buộc khi chấp nhận thủ tục mới.")]},
        )
    if Procedure.objects.filter(code=change.national_code).exists():
        raise DomainError(
            _("Đã có thủ tục mã %(code)s trong danh mục của tỉnh.") % {"code": change.national_code},
            code="exists",
        )
    unit = Unit.objects.filter(code=unit_code).first()
    national = NationalProcedure.objects.filter(code=change.national_code).first()
    detail = national.detail if national is not None else {}
    values = national_values(detail)
    label = _("Thủ tục %(code)s") % {"code": change.national_code}
    field_code = None
    fields = detail.get("LINHVUCTHUCHIEN") or []
    first = fields[0] if isinstance(fields, list) and fields and isinstance(fields[0], dict) else None
    if first and _text(first.get("MALINHVUC")):
        field_code = catalog_services.field_upsert(
            code=_text(first.get("MALINHVUC")),
            name=_text(first.get("TENLINHVUC")) or _text(first.get("MALINHVUC")),
        ).code
    level = unit.level if unit is not None else ""
    fees = _fee_lines(values[K.FEES])
    return catalog_services.procedure_version_create(
        code=change.national_code,
        valid_from=valid_from,
        name=values[K.NAME] or str((change.new or {}).get("name") or change.national_code),
        unit_codes=[unit_code],
        field_code=field_code,
        components=_components(detail),
        fees=fees,
        has_fees=any(f["amount"] > 0 for f in fees),
        level_province=level in (UnitLevel.PROVINCE, UnitLevel.DEPARTMENT),
        level_district=level == UnitLevel.DISTRICT,
        level_commune=level == UnitLevel.COMMUNE,
        steps=_steps(detail),
        legal_basis=values[K.LEGAL_BASIS],
        **_limit_attributes(values[K.TIME_LIMIT], label),
        **_channel_attributes(values[K.CHANNELS], None),
    )


@transaction.atomic
def catalogue_change_accept(
    *, change_id: int, by: Any, valid_from: date | None = None, unit_code: str = ""
) -> CatalogueChange:
    """Apply a pending difference as a new version from ``valid_from`` (today by default; the earlier version
    stays in force until the day before). ``abolished``: the version in force the day before ``valid_from`` ends
    then. ``new``: a new local procedure, only with ``unit_code`` (its unit). Raises ``DomainError``."""
    change = CatalogueChange.objects.select_for_update().filter(pk=change_id).first()
    if change is None:
        raise DomainError(_("Không có khác biệt này."), code="not_found")
    if change.state != ChangeState.PENDING:
        raise DomainError(
            _("Khác biệt này đã được xử lý (%(state)s).") % {"state": change.get_state_display()},
            code="decided",
        )
    valid_from = valid_from or timezone.localdate()
    label = _("Thủ tục %(code)s") % {"code": change.national_code}
    if change.kind == K.NEW:
        version = _create_procedure(change, valid_from=valid_from, unit_code=unit_code.strip())
    else:
        procedure = change.procedure
        base = _latest(procedure) if procedure is not None else None
        if procedure is None or base is None:
            raise DomainError(_("%(label)s không còn hiệu lực trong danh mục của tỉnh.") % {"label": label})
        if change.kind == K.ABOLISHED:
            version = catalog_services.procedure_abolish(
                code=procedure.code, last_day=valid_from - timedelta(days=1)
            )
        else:
            version = _apply(change, base=base, valid_from=valid_from, label=label)
    procedure_integration_refresh(procedure_id=version.procedure_id, adopt=True)
    change.procedure_id = version.procedure_id
    change.state = ChangeState.ACCEPTED
    change.decided_by = by
    change.decided_at = timezone.now()
    change.valid_from = valid_from
    change.version = version
    change.save()
    return change


def _apply(
    change: CatalogueChange, *, base: ProcedureVersion, valid_from: date, label: str
) -> ProcedureVersion:
    new: Any = change.new
    if change.kind == K.NAME:
        return catalog_services.procedure_version_succeed(version=base, valid_from=valid_from, name=new)
    if change.kind == K.TIME_LIMIT:
        return catalog_services.procedure_version_succeed(
            version=base, valid_from=valid_from, **_limit_attributes(new, label)
        )
    if change.kind == K.FEES:
        fees = _fee_lines(new)
        return catalog_services.procedure_version_succeed(
            version=base, valid_from=valid_from, fees=fees, has_fees=any(f["amount"] > 0 for f in fees)
        )
    if change.kind == K.CHANNELS:
        return catalog_services.procedure_version_succeed(
            version=base, valid_from=valid_from, **_channel_attributes(new, base)
        )
    if change.kind == K.LEGAL_BASIS:
        return catalog_services.procedure_version_succeed(
            version=base, valid_from=valid_from, legal_basis=new
        )
    raise DomainError(_("Loại khác biệt không hỗ trợ: %(kind)s.") % {"kind": change.kind})


@transaction.atomic
def catalogue_change_reject(*, change_id: int, by: Any, reason: str) -> CatalogueChange:
    """Refuse a pending difference with a reason; the same national value is not offered again."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Nhập lý do từ chối."), code="reason_required", fields={"reason": [_("Bắt buộc.")]}
        )
    change = CatalogueChange.objects.select_for_update().filter(pk=change_id).first()
    if change is None:
        raise DomainError(_("Không có khác biệt này."), code="not_found")
    if change.state != ChangeState.PENDING:
        raise DomainError(
            _("Khác biệt này đã được xử lý (%(state)s).") % {"state": change.get_state_display()},
            code="decided",
        )
    change.state = ChangeState.REJECTED
    change.decided_by = by
    change.decided_at = timezone.now()
    change.reason = reason[:2000]
    change.save()
    return change


# --- reads (the review page: administrators and monitors see the whole province) -----------------------------


def catalogue_changes_for_review(*, state: str, limit: int) -> list[CatalogueChange]:
    return list(
        CatalogueChange.objects.filter(state=state)
        .select_related("procedure", "decided_by", "version")
        .order_by("national_code", "kind", "-id")[:limit]
    )


def catalogue_change_counts() -> dict[str, int]:
    counts = dict.fromkeys(ChangeState.values, 0)
    for row in CatalogueChange.objects.values("state").annotate(n=Count("pk")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def catalogue_last_pull() -> CataloguePull | None:
    return CataloguePull.objects.order_by("-at").first()


def units_for_new_procedures() -> list[Unit]:
    """The units a new national procedure may be given (those still in existence)."""
    return list(Unit.objects.filter(valid_to__isnull=True).order_by("code").only("code", "name"))


# --- display ---------------------------------------------------------------------------------------------------


def value_display(kind: str, value: Any) -> str:
    """A compared value as an administrator reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if kind == K.TIME_LIMIT:
        unit = _unit_label(value["unit"])
        text = f"{value['limit']} {unit}"
        names = {"1": _("trực tiếp"), "2": _("trực tuyến"), "3": _("bưu chính")}
        extra = [f"{names.get(ch, ch)}: {v} {unit}" for ch, v in sorted(value["by_channel"].items())]
        return text + (f" ({'; '.join(extra)})" if extra else "")
    if kind == K.FEES:
        return "; ".join(f"{f['name']}: {f['amount']:,} đ".replace(",", ".") for f in value)
    if kind == K.CHANNELS:
        names = {"1": _("Trực tiếp"), "2": _("Trực tuyến"), "3": _("Bưu chính công ích")}
        return ", ".join(str(names.get(ch, ch)) for ch in value)
    if isinstance(value, dict):
        return str(value.get("name") or "")
    return str(value)


def _unit_label(unit: str) -> str:
    try:
        return str(TimeLimitUnit(unit).label)
    except ValueError:
        return unit
