"""Writes to the catalogue. Every write checks the version rules and is all or nothing.

Rules (spec/indicators.md, "Procedure versions"): one version per (procedure, start day); no version may start
after the procedure's abolition day (the earliest ``abolished_after`` of its versions); units must be known
unit codes; the e-form definition must be valid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dvctt.agencies.models import Unit
from dvctt.catalog.eforms import EFormError, eform_definition_validate
from dvctt.catalog.models import (
    DossierComponent,
    FeeLine,
    Field,
    OnlineLevel,
    PaperForm,
    Procedure,
    ProcedureVersion,
    TimeLimitUnit,
)
from dvctt.common.errors import DomainError

# Attributes a caller may set on a version besides the code, start day, units, field, components and fees.
VERSION_ATTRIBUTES = frozenset(
    {
        "name",
        "abolished_after",
        "level_province",
        "level_district",
        "level_commune",
        "online_level",
        "eligible_full_process",
        "integrated_national",
        "integrated_derived",
        "time_limit",
        "time_limit_unit",
        "time_limit_by_channel",
        "same_day_cutoff",
        "any_commune_reception",
        "offers_postal",
        "has_fees",
        "result_is_document",
        "result_document_name",
        "steps",
        "legal_basis",
        "eform",
        "sign_off_required",
        "extra",
    }
)
CHANNELS = ("1", "2", "3")


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def field_upsert(*, code: str, name: str) -> Field:
    """Create the field ``code`` or rename it."""
    code = code.strip()
    if not code or not name.strip():
        raise DomainError(_("Lĩnh vực cần có mã và tên."))
    field = Field.objects.filter(code=code).first()
    if field is None:
        field = Field(code=code, name=name.strip())
        field.save()
    elif field.name != name.strip():
        field.name = name.strip()
        field.save(update_fields=["name"])
    return field


def _units_by_codes(unit_codes: Iterable[str], label: str) -> list[Unit]:
    codes = list(dict.fromkeys(code.strip() for code in unit_codes if code and code.strip()))
    units = list(Unit.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {unit.code for unit in units})
    if missing:
        raise DomainError(
            _("%(label)s: không có đơn vị mã %(codes)s.") % {"label": label, "codes": ", ".join(missing)},
            code="unknown_unit",
            fields={"unit_codes": missing},
        )
    return units


def _check_attributes(attributes: Mapping[str, Any], label: str) -> None:
    unknown = set(attributes) - VERSION_ATTRIBUTES
    if unknown:
        # A programming error rather than bad input, but say which key so it is found quickly.
        raise DomainError(
            _("%(label)s: thuộc tính không hỗ trợ %(keys)s.")
            % {"label": label, "keys": ", ".join(sorted(unknown))}
        )


def _validate_version(version: ProcedureVersion, label: str) -> None:
    """Checks of one version on its own (no other rows)."""
    if not (version.name or "").strip():
        raise DomainError(
            _("%(label)s: thiếu tên thủ tục.") % {"label": label}, fields={"name": ["required"]}
        )
    if version.online_level not in OnlineLevel.values:
        raise DomainError(
            _("%(label)s: mức độ trực tuyến “%(level)s” không hợp lệ (2, 3 hoặc 4).")
            % {"label": label, "level": version.online_level}
        )
    if version.time_limit_unit not in TimeLimitUnit.values:
        raise DomainError(
            _("%(label)s: đơn vị thời hạn “%(unit)s” không hợp lệ.")
            % {"label": label, "unit": version.time_limit_unit}
        )
    if version.time_limit is not None:
        try:
            version.time_limit = Decimal(str(version.time_limit))
        except InvalidOperation as exc:
            raise DomainError(_("%(label)s: thời hạn giải quyết không hợp lệ.") % {"label": label}) from exc
        if version.time_limit < 0:
            raise DomainError(_("%(label)s: thời hạn giải quyết không được âm.") % {"label": label})
    if isinstance(version.same_day_cutoff, str):
        try:
            version.same_day_cutoff = time.fromisoformat(version.same_day_cutoff.strip())
        except ValueError as exc:
            raise DomainError(
                _("%(label)s: giờ chốt trả trong ngày “%(value)s” không hợp lệ (dạng HH:MM).")
                % {"label": label, "value": version.same_day_cutoff},
                fields={"same_day_cutoff": [_("Không đúng dạng HH:MM.")]},
            ) from exc
    overrides = version.time_limit_by_channel or {}
    if not isinstance(overrides, dict):
        raise DomainError(_("%(label)s: thời hạn theo kênh phải là một bảng kênh → số.") % {"label": label})
    cleaned: dict[str, str] = {}
    for channel, limit in overrides.items():
        try:
            value = Decimal(str(limit))
        except InvalidOperation:
            value = Decimal(-1)
        if str(channel) not in CHANNELS or value < 0:
            raise DomainError(
                _("%(label)s: thời hạn theo kênh “%(channel)s” = “%(limit)s” không hợp lệ.")
                % {"label": label, "channel": channel, "limit": limit}
            )
        cleaned[str(channel)] = str(value)
    version.time_limit_by_channel = cleaned
    if version.time_limit_unit in (TimeLimitUnit.MONTHS, TimeLimitUnit.HALF_DAYS):
        # Refused here rather than at the counter, where the appointment could not be computed.
        limits: list[Decimal | None] = [version.time_limit, *(Decimal(v) for v in cleaned.values())]
        for whole in limits:
            if whole is not None and (whole != whole.to_integral_value() or whole < 1):
                raise DomainError(
                    _("%(label)s: thời hạn tính theo %(unit)s phải là số nguyên dương (nhận được %(limit)s).")
                    % {"label": label, "unit": TimeLimitUnit(version.time_limit_unit).label, "limit": whole},
                    fields={"time_limit": [_("Phải là số nguyên dương.")]},
                )
    if version.abolished_after is not None and version.abolished_after < version.valid_from:
        raise DomainError(
            _("%(label)s: ngày hết hiệu lực %(end)s trước ngày bắt đầu.")
            % {"label": label, "end": _d(version.abolished_after)}
        )
    try:
        eform_definition_validate(version.eform)
    except EFormError as exc:
        raise DomainError(
            _("%(label)s: %(message)s") % {"label": label, "message": exc.message}, fields=exc.fields
        ) from exc
    if version.eform in (None, ""):
        version.eform = []
    if not isinstance(version.extra, dict):
        raise DomainError(_("%(label)s: dữ liệu bổ sung phải là một đối tượng.") % {"label": label})


def _validate_against_siblings(version: ProcedureVersion, label: str) -> None:
    """Checks against the other versions of the procedure (the procedure row is locked by the caller)."""
    siblings = list(
        ProcedureVersion.objects.filter(procedure=version.procedure)
        .exclude(pk=version.pk)
        .values_list("valid_from", "abolished_after")
    )
    if any(start == version.valid_from for start, _end in siblings):
        raise DomainError(
            _("%(label)s: đã có phiên bản bắt đầu từ ngày %(day)s.")
            % {"label": label, "day": _d(version.valid_from)},
            code="duplicate_version",
        )
    abolitions = [end for _start, end in siblings if end is not None]
    if abolitions and version.valid_from > min(abolitions):
        raise DomainError(
            _("%(label)s: thủ tục đã bãi bỏ sau ngày %(end)s, không thể thêm phiên bản từ ngày %(day)s.")
            % {"label": label, "end": _d(min(abolitions)), "day": _d(version.valid_from)},
            code="after_abolition",
        )
    if version.abolished_after is not None:
        later = [start for start, _end in siblings if start > version.abolished_after]
        if later:
            raise DomainError(
                _("%(label)s: bãi bỏ sau ngày %(end)s nhưng đã có phiên bản từ ngày %(day)s.")
                % {"label": label, "end": _d(version.abolished_after), "day": _d(min(later))},
                code="after_abolition",
            )


def _field_by_code(field_code: str | None, label: str) -> Field | None:
    if not field_code:
        return None
    field = Field.objects.filter(code=field_code).first()
    if field is None:
        raise DomainError(
            _("%(label)s: không có lĩnh vực mã “%(code)s”.") % {"label": label, "code": field_code},
            code="unknown_field",
        )
    return field


def _replace_components(
    version: ProcedureVersion, components: Sequence[Mapping[str, Any]], label: str
) -> None:
    version.components.all().delete()
    for position, item in enumerate(components, start=1):
        name = str(item.get("name") or "").strip()
        copies = item.get("copies", 1)
        if not name or not isinstance(copies, int) or copies < 1:
            raise DomainError(
                _("%(label)s: thành phần hồ sơ thứ %(n)d không hợp lệ (cần tên và số lượng ≥ 1).")
                % {"label": label, "n": position}
            )
        component = DossierComponent(
            version=version,
            position=position,
            name=name,
            required=bool(item.get("required", True)),
            copies=copies,
            paper_form=item.get("paper_form") or PaperForm.ORIGINAL,
        )
        if item.get("template"):
            component.template = item["template"]
        component.save()


def _replace_fees(version: ProcedureVersion, fees: Sequence[Mapping[str, Any]], label: str) -> None:
    version.fees.all().delete()
    for position, item in enumerate(fees, start=1):
        name = str(item.get("name") or "").strip()
        amount = item.get("amount")
        if not name or isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise DomainError(
                _("%(label)s: phí, lệ phí thứ %(n)d không hợp lệ (cần tên và mức thu là số đồng ≥ 0).")
                % {"label": label, "n": position}
            )
        FeeLine.objects.create(
            version=version, position=position, name=name, amount=amount, note=item.get("note", "")
        )


def _label(code: str, valid_from: date) -> str:
    return _("Thủ tục %(code)s, phiên bản từ %(day)s") % {"code": code, "day": _d(valid_from)}


@transaction.atomic
def procedure_version_create(
    *,
    code: str,
    valid_from: date,
    name: str,
    unit_codes: Sequence[str] = (),
    field_code: str | None = None,
    components: Sequence[Mapping[str, Any]] = (),
    fees: Sequence[Mapping[str, Any]] = (),
    **attributes: Any,
) -> ProcedureVersion:
    """Add a version of procedure ``code`` (created when new). Raises ``DomainError``; nothing is saved then."""
    code = (code or "").strip()
    if not code:
        raise DomainError(_("Thiếu mã thủ tục."), fields={"code": ["required"]})
    label = _label(code, valid_from)
    _check_attributes(attributes, label)
    procedure, _created = Procedure.objects.get_or_create(code=code)
    # Serialise writers of one procedure: the sibling checks below must see a stable set of versions.
    Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
    version = ProcedureVersion(procedure=procedure, valid_from=valid_from, name=name, **attributes)
    version.field = _field_by_code(field_code, label)
    _validate_version(version, label)
    units = _units_by_codes(unit_codes, label)
    _validate_against_siblings(version, label)
    if attributes.get("has_fees") is None and fees:
        version.has_fees = True
    version.save()
    version.units.set(units)
    _replace_components(version, components, label)
    _replace_fees(version, fees, label)
    return version


_UNSET: Any = object()


@transaction.atomic
def procedure_version_update(
    *,
    version: ProcedureVersion,
    valid_from: date | None = None,
    unit_codes: Sequence[str] | None = None,
    field_code: str | None = _UNSET,
    components: Sequence[Mapping[str, Any]] | None = None,
    fees: Sequence[Mapping[str, Any]] | None = None,
    **attributes: Any,
) -> ProcedureVersion:
    """Change a version; lists given (units, components, fees) replace the old ones. All or nothing."""
    Procedure.objects.select_for_update().filter(pk=version.procedure_id).first()
    version = ProcedureVersion.objects.select_related("procedure").get(pk=version.pk)
    label = _label(version.procedure.code, version.valid_from)
    _check_attributes(attributes, label)
    if valid_from is not None:
        version.valid_from = valid_from
    for key, value in attributes.items():
        setattr(version, key, value)
    if field_code is not _UNSET:
        version.field = _field_by_code(field_code, label)
    _validate_version(version, label)
    units = _units_by_codes(unit_codes, label) if unit_codes is not None else None
    _validate_against_siblings(version, label)
    version.save()
    if units is not None:
        version.units.set(units)
    if components is not None:
        _replace_components(version, components, label)
    if fees is not None:
        _replace_fees(version, fees, label)
    return version


def procedure_version_validate(*, version: ProcedureVersion, unit_codes: Sequence[str] | None = None) -> None:
    """The checks of create/update on an unsaved instance (for forms such as the admin's). Raises DomainError."""
    label = _label(version.procedure.code, version.valid_from)
    _validate_version(version, label)
    if unit_codes is not None:
        _units_by_codes(unit_codes, label)
    _validate_against_siblings(version, label)


@transaction.atomic
def procedure_version_delete(*, version: ProcedureVersion) -> None:
    """Remove a version (an entry made in error); the procedure goes when its last version goes."""
    procedure = version.procedure
    version.delete()
    if not procedure.versions.exists():
        procedure.delete()


# --- interchange (procedures.jsonl) ----------------------------------------------------------------------

_INTERCHANGE_KEYS = {
    "MaTTHC",
    "TenTTHC",
    "MaLinhVuc",
    "TenLinhVuc",
    "CoQuanThucHien",
    "MucDo",
    "DuDieuKienToanTrinh",
    "TichHopDVCQG",
    "ThoiHanGiaiQuyet",
    "DonViTinh",
    "CoPhiLePhi",
    "KetQuaLaGiayTo",
    "HieuLucTu",
    "HieuLucDen",
}


def _interchange_date(value: Any, key: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError as exc:
        raise DomainError(
            _("%(key)s “%(value)s” không phải ngày yyyyMMdd.") % {"key": key, "value": value},
            fields={key: ["date"]},
        ) from exc


def _flag(value: Any) -> bool:
    return value in (1, "1", True)


def procedure_version_upsert_from_interchange(*, line: Mapping[str, Any]) -> ProcedureVersion:
    """Create or update the version a ``procedures.jsonl`` line describes (keyed by MaTTHC and HieuLucTu).

    Unknown keys are kept in ``extra``. A missing flag counts as 0.
    """
    code = str(line.get("MaTTHC") or "").strip()
    valid_from = _interchange_date(line.get("HieuLucTu"), "HieuLucTu")
    if (
        not code
        or valid_from is None
        or not line.get("TenTTHC")
        or line.get("MucDo") not in (2, 3, 4, "2", "3", "4")
    ):
        raise DomainError(
            _("Dòng thủ tục %(code)s thiếu MaTTHC, TenTTHC, HieuLucTu hoặc MucDo hợp lệ.")
            % {"code": code or "?"}
        )
    units = line.get("CoQuanThucHien")
    if not isinstance(units, list):
        raise DomainError(_("Thủ tục %(code)s: CoQuanThucHien phải là danh sách mã đơn vị.") % {"code": code})
    field_code = str(line.get("MaLinhVuc") or "").strip() or None
    if field_code:
        field_upsert(code=field_code, name=str(line.get("TenLinhVuc") or field_code))
    limit = line.get("ThoiHanGiaiQuyet")
    attributes: dict[str, Any] = {
        "name": str(line["TenTTHC"]).strip(),
        "online_level": int(line["MucDo"]),
        "eligible_full_process": _flag(line.get("DuDieuKienToanTrinh")),
        "integrated_national": _flag(line.get("TichHopDVCQG")),
        "time_limit": Decimal(str(limit)) if limit not in (None, "") else None,
        "has_fees": _flag(line.get("CoPhiLePhi")),
        "result_is_document": _flag(line.get("KetQuaLaGiayTo")),
        "abolished_after": _interchange_date(line.get("HieuLucDen"), "HieuLucDen"),
        "extra": {key: value for key, value in line.items() if key not in _INTERCHANGE_KEYS},
    }
    if line.get("DonViTinh"):
        attributes["time_limit_unit"] = line["DonViTinh"]
    existing = ProcedureVersion.objects.filter(procedure__code=code, valid_from=valid_from).first()
    if existing is not None:
        return procedure_version_update(
            version=existing, unit_codes=units, field_code=field_code, **attributes
        )
    return procedure_version_create(
        code=code, valid_from=valid_from, unit_codes=units, field_code=field_code, **attributes
    )


# --- successive versions (the national catalogue's changes, the derived integration flag) ------------------


def _copied_components(version: ProcedureVersion) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "required": c.required,
            "copies": c.copies,
            "paper_form": c.paper_form,
            "template": c.template.name if c.template else "",
        }
        for c in version.components.all()
    ]


def _copied_fees(version: ProcedureVersion) -> list[dict[str, Any]]:
    return [{"name": f.name, "amount": f.amount, "note": f.note} for f in version.fees.all()]


@transaction.atomic
def procedure_version_succeed(
    *,
    version: ProcedureVersion,
    valid_from: date,
    unit_codes: Sequence[str] | None = None,
    field_code: str | None = _UNSET,
    components: Sequence[Mapping[str, Any]] | None = None,
    fees: Sequence[Mapping[str, Any]] | None = None,
    **changes: Any,
) -> ProcedureVersion:
    """A new version of ``version``'s procedure from ``valid_from``: ``version`` copied (units, field, components,
    fees, every attribute but ``abolished_after``) with ``changes``; ``version`` stays in force until the day
    before. When a version of the procedure already starts on ``valid_from`` that one is changed instead (two
    changes accepted for the same day make one version). Raises ``DomainError``; nothing is saved then."""
    Procedure.objects.select_for_update().filter(pk=version.procedure_id).first()
    version = ProcedureVersion.objects.select_related("procedure", "field").get(pk=version.pk)
    label = _label(version.procedure.code, valid_from)
    _check_attributes(changes, label)
    same_day = ProcedureVersion.objects.filter(
        procedure_id=version.procedure_id, valid_from=valid_from
    ).first()
    if same_day is not None:
        return procedure_version_update(
            version=same_day,
            unit_codes=unit_codes,
            field_code=field_code,
            components=components,
            fees=fees,
            **changes,
        )
    if valid_from < version.valid_from:
        raise DomainError(
            _("%(label)s: phiên bản mới phải bắt đầu sau phiên bản đang áp dụng (từ %(day)s).")
            % {"label": label, "day": _d(version.valid_from)},
            code="before_current",
        )
    values = {key: getattr(version, key) for key in VERSION_ATTRIBUTES if key != "abolished_after"}
    values.update(changes)
    name = values.pop("name")
    return procedure_version_create(
        code=version.procedure.code,
        valid_from=valid_from,
        name=name,
        unit_codes=unit_codes if unit_codes is not None else [u.code for u in version.units.all()],
        field_code=(version.field.code if version.field else None) if field_code is _UNSET else field_code,
        components=components if components is not None else _copied_components(version),
        fees=fees if fees is not None else _copied_fees(version),
        **values,
    )


@transaction.atomic
def procedure_abolish(*, code: str, last_day: date) -> ProcedureVersion:
    """End procedure ``code`` after ``last_day``: the version in force that day gets ``abolished_after``. Refused
    (``DomainError``) when no version has started by then or a version starts after it."""
    version = (
        ProcedureVersion.objects.filter(procedure__code=code, valid_from__lte=last_day)
        .order_by("-valid_from")
        .first()
    )
    if version is None:
        raise DomainError(
            _("Thủ tục %(code)s chưa có phiên bản áp dụng đến ngày %(day)s.")
            % {"code": code, "day": _d(last_day)},
            code="no_version",
        )
    return procedure_version_update(version=version, abolished_after=last_day)


# --- the derived "integrated on the national portal" flag ----------------------------------------------------

#: Registered by the national portal integration (a layer above the catalogue, which cannot import it):
#: ``explain(version=…) -> str`` says why a version counts as integrated or not; ``refresh(procedure_id=…,
#: adopt=…)`` writes the derived flag again (integrations/national_portal/integration.py).
INTEGRATION_HOOKS: dict[str, Callable[..., Any]] = {}


def integration_hooks_register(*, explain: Callable[..., str], refresh: Callable[..., Any]) -> None:
    INTEGRATION_HOOKS["explain"] = explain
    INTEGRATION_HOOKS["refresh"] = refresh


def procedure_integration_explain(*, version: ProcedureVersion) -> str:
    """Why ``version`` is (or is not) integrated on the national portal; "" when no integration is installed."""
    explain = INTEGRATION_HOOKS.get("explain")
    return explain(version=version) if explain is not None else ""


def procedure_integration_changed(*, procedure_id: int) -> None:
    """A live change of the procedure (its version edited by an administrator): derive its flag again."""
    refresh = INTEGRATION_HOOKS.get("refresh")
    if refresh is not None:
        refresh(procedure_id=procedure_id, adopt=True)
