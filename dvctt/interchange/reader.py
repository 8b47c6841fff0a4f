"""Streaming reader: every line of a file is parsed and validated; each bad line yields structured issues.

Speed matters (a province's history is millions of lines), so a line costs one ``json.loads`` and a walk over
a small table of field rules with plain type checks; times are parsed by slicing, not regexes or strptime.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .issues import Issue, make_issue
from .records import Agency, Dossier, Fee, Interchange, Official, ProcedureVersion, ResultDocument, Supplement
from .times import parse_date, parse_time

FILE_NAMES = {
    "agencies": "agencies.jsonl",
    "procedures": "procedures.jsonl",
    "officials": "officials.jsonl",
    "dossiers": "dossiers.jsonl",
}

# Field kinds.
STR, CHOICE, INT, NUMBER, DATE, TIME, STR_LIST, SUB_LIST = range(8)


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    attr: str
    kind: int
    required: bool = False
    allowed: tuple[Any, ...] = ()
    sub: Any = None  # for SUB_LIST: (record class, rules, their keys)


FLAG = (0, 1)

FEE_RULES = (Rule("TenPhiLePhi", "name", STR), Rule("Gia", "amount", NUMBER))
DOCUMENT_RULES = (Rule("TenGiayTo", "name", STR), Rule("DuongDanTepTinKetQua", "link", STR))
SUPPLEMENT_RULES = (Rule("NgayYeuCau", "requested_at", TIME), Rule("NgayBoSung", "completed_at", TIME))

AGENCY_RULES = (
    Rule("MaDonVi", "code", STR, True),
    Rule("TenDonVi", "name", STR, True),
    Rule("Cap", "level", CHOICE, allowed=("tinh", "so", "huyen", "xa")),
    Rule("MaDonViCha", "parent_code", STR),
    Rule("HieuLucTu", "valid_from", DATE, True),
    Rule("HieuLucDen", "valid_to", DATE),
    Rule("MaDonViKeThua", "successor_code", STR),
)
PROCEDURE_RULES = (
    Rule("MaTTHC", "code", STR, True),
    Rule("TenTTHC", "name", STR, True),
    Rule("MaLinhVuc", "field_code", STR),
    Rule("TenLinhVuc", "field_name", STR),
    Rule("CoQuanThucHien", "units", STR_LIST, True),
    Rule("MucDo", "level", INT, True, (2, 3, 4)),
    Rule("DuDieuKienToanTrinh", "full_process_eligible", INT, True, FLAG),
    Rule("TichHopDVCQG", "national_portal", INT, True, FLAG),
    Rule("ThoiHanGiaiQuyet", "time_limit", NUMBER),
    Rule("DonViTinh", "time_unit", CHOICE, allowed=("ngay_lam_viec", "gio_lam_viec", "ngay")),
    Rule("CoPhiLePhi", "has_fees", INT, allowed=FLAG),
    Rule("KetQuaLaGiayTo", "result_is_document", INT, allowed=FLAG),
    Rule("HieuLucTu", "valid_from", DATE, True),
    Rule("HieuLucDen", "valid_to", DATE),
)
OFFICIAL_RULES = (
    Rule("SoDinhDanh", "national_id", STR, True),
    Rule("HoTen", "full_name", STR),
    Rule("MaDonVi", "unit_code", STR, True),
    Rule("HieuLucTu", "valid_from", DATE, True),
    Rule("HieuLucDen", "valid_to", DATE),
)
DOSSIER_RULES = (
    Rule("MaHoSo", "code", STR, True),
    Rule("MaTTHC", "procedure_code", STR, True),
    Rule("DonViXuLy", "unit_code", STR, True),
    Rule("KenhThucHien", "channel", INT, True, (1, 2, 3)),
    Rule("LoaiDoiTuong", "applicant_type", INT, allowed=(1, 2)),
    Rule("ChuHoSo", "applicant_name", STR),
    Rule("SoDinhDanhChuHoSo", "applicant_id", STR),
    Rule("NgayNopHoSo", "submitted_at", TIME),
    Rule("NgayTiepNhan", "received_at", TIME),
    Rule("NgayHenTra", "due_at", TIME),
    Rule("NgayKetThucXuLy", "processing_ended_at", TIME),
    Rule("NgayTra", "returned_at", TIME),
    Rule("TrangThaiHoSo", "status", INT, True, tuple(range(1, 11))),
    Rule("DuocThanhToanTrucTuyen", "paid_online", INT, allowed=(0, 1, 2)),
    Rule("DanhSachLePhi", "fees", SUB_LIST, sub=(Fee, FEE_RULES, frozenset(r.key for r in FEE_RULES))),
    Rule("HoSoCoThanhPhanSoHoa", "digitised_components", INT, allowed=FLAG),
    Rule(
        "DanhSachGiayToKetQua",
        "result_documents",
        SUB_LIST,
        sub=(ResultDocument, DOCUMENT_RULES, frozenset(r.key for r in DOCUMENT_RULES)),
    ),
    Rule(
        "DanhSachHoSoBoSung",
        "supplements",
        SUB_LIST,
        sub=(Supplement, SUPPLEMENT_RULES, frozenset(r.key for r in SUPPLEMENT_RULES)),
    ),
    Rule("DongBoDVCQG", "synced_national", INT, allowed=FLAG),
    Rule("CoPhanAnh", "complained", INT, allowed=FLAG),
    Rule("HoSoCha", "parent_code", STR),
    Rule("HoSoThuNghiem", "is_test", INT, allowed=FLAG),
)


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    record: type
    rules: tuple[Rule, ...]
    known: frozenset[str]
    unique: Callable[[dict[str, Any]], Any]  # the key that must be unique inside the file
    unique_label: str
    label: Callable[[dict[str, Any]], str | None]  # names the record in issues


def _kind(
    name: str, record: type, rules: tuple[Rule, ...], unique_label: str, unique: Callable, label: Callable
):
    return Kind(name, record, rules, frozenset(r.key for r in rules), unique, unique_label, label)


def _code(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda kwargs: kwargs.get(key)


KINDS = {
    "agencies": _kind("agencies", Agency, AGENCY_RULES, "MaDonVi", _code("code"), _code("code")),
    "procedures": _kind(
        "procedures",
        ProcedureVersion,
        PROCEDURE_RULES,
        "(MaTTHC, HieuLucTu)",
        lambda kw: (kw["code"], kw["valid_from"]),
        _code("code"),
    ),
    # The spec gives officials no unique key: an official may hold posts in several units or periods.
    "officials": _kind("officials", Official, OFFICIAL_RULES, "", lambda kw: None, _code("national_id")),
    "dossiers": _kind("dossiers", Dossier, DOSSIER_RULES, "MaHoSo", _code("code"), _code("code")),
}


def _convert(
    obj: dict[str, Any], rules: tuple[Rule, ...], known: frozenset[str], prefix: str, errors: list[tuple]
) -> tuple[dict[str, Any], list[str] | None]:
    """Checks ``obj`` against ``rules``. Returns the record's keyword arguments and its explicit-null keys;
    each problem is appended to ``errors`` as ``(key, code, params)``."""
    kwargs: dict[str, Any] = {}
    nulls: list[str] | None = None
    get = obj.get
    for rule in rules:
        key, kind, required = rule.key, rule.kind, rule.required
        value = get(key)
        if value is None:
            if required:
                errors.append((prefix + key, "missing", {}))
            elif key in obj:
                if nulls is None:
                    nulls = []
                nulls.append(key)
            continue
        if kind == TIME:
            try:
                value = parse_time(value)
            except (ValueError, TypeError):
                errors.append((prefix + key, "time", {"value": json.dumps(value, ensure_ascii=False)}))
                continue
        elif kind == STR:
            if type(value) is not str:
                errors.append((prefix + key, "type_str", {}))
                continue
            if required and not value.strip():
                errors.append((prefix + key, "empty", {}))
                continue
        elif kind == INT:
            if type(value) is not int:
                errors.append((prefix + key, "type_int", {}))
                continue
            if rule.allowed and value not in rule.allowed:
                allowed = rule.allowed
                if len(allowed) > 3:
                    text = f"{allowed[0]}..{allowed[-1]}"
                    errors.append((prefix + key, "range", {"value": value, "allowed": text}))
                else:
                    text = ", ".join(map(str, allowed))
                    errors.append((prefix + key, "enum", {"value": value, "allowed": text}))
                continue
        elif kind == DATE:
            try:
                value = parse_date(value)
            except (ValueError, TypeError):
                errors.append((prefix + key, "date", {"value": json.dumps(value, ensure_ascii=False)}))
                continue
        elif kind == CHOICE:
            if value not in rule.allowed or type(value) is not str:
                errors.append(
                    (
                        prefix + key,
                        "enum",
                        {"value": json.dumps(value, ensure_ascii=False), "allowed": ", ".join(rule.allowed)},
                    )
                )
                continue
        elif kind == NUMBER:
            if type(value) is not int and (type(value) is not float or not math.isfinite(value)):
                errors.append((prefix + key, "type_number", {}))
                continue
            if value < 0:
                errors.append((prefix + key, "negative", {}))
                continue
        elif kind == STR_LIST:
            if type(value) is not list:
                errors.append((prefix + key, "type_list", {}))
                continue
            bad = False
            for index, item in enumerate(value):
                if type(item) is not str or not item.strip():
                    errors.append((f"{prefix}{key}[{index}]", "empty" if item == "" else "type_str", {}))
                    bad = True
            if bad:
                continue
            value = tuple(value)
        elif kind == SUB_LIST:
            if type(value) is not list:
                errors.append((prefix + key, "type_list", {}))
                continue
            sub_class, sub_rules, sub_known = rule.sub
            items = []
            before = len(errors)
            for index, item in enumerate(value):
                item_prefix = f"{prefix}{key}[{index}]."
                if type(item) is not dict:
                    errors.append((f"{prefix}{key}[{index}]", "type_object", {}))
                    continue
                sub_kwargs, sub_nulls = _convert(item, sub_rules, sub_known, item_prefix, errors)
                sub_kwargs["extra"] = {k: item[k] for k in item.keys() - sub_known} if len(item) else {}
                if sub_nulls:
                    sub_kwargs["null_keys"] = frozenset(sub_nulls)
                items.append(sub_class(**sub_kwargs))
            if len(errors) != before:
                continue
            value = tuple(items)
        kwargs[rule.attr] = value
    return kwargs, nulls


def parse_lines(
    lines: Iterable[bytes | str], kind: str, issues: list[Issue], *, file: str = ""
) -> Iterator[Any]:
    """Yields the valid records of ``lines`` (one JSON object a line) and appends an issue for every problem.

    A line with any problem yields nothing (never half of a line). Blank lines are skipped. Duplicates of the
    file's unique key are reported on the later line; the first one wins.
    """
    spec = KINDS[kind]
    file = file or FILE_NAMES[kind]
    seen: dict[Any, int] = {}
    loads = json.loads
    for line_no, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            obj = loads(raw)
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
            issues.append(make_issue(file, line_no, None, "json", detail=str(error)))
            continue
        if type(obj) is not dict:
            issues.append(make_issue(file, line_no, None, "not_object"))
            continue
        record = check_object(obj, line_no, spec, issues, seen, file)
        if record is not None:
            yield record


def check_object(
    obj: dict[str, Any], line_no: int, spec: Kind, issues: list[Issue], seen: dict[Any, int], file: str
) -> Any:
    """The record of one line's JSON object, or None after appending its issues to ``issues``. ``seen`` holds
    the file's unique keys met so far (with their line), and gets this line's."""
    errors: list[tuple] = []
    kwargs, nulls = _convert(obj, spec.rules, spec.known, "", errors)
    label = spec.label(kwargs)
    if not errors:
        if spec.name in ("agencies", "procedures", "officials"):
            end = kwargs.get("valid_to")
            if end is not None and end < kwargs["valid_from"]:
                errors.append(("HieuLucDen", "date_order", {"value": obj["HieuLucDen"]}))
        key_value = spec.unique(kwargs)
        if key_value is not None:
            first = seen.get(key_value)
            if first is not None:
                shown = key_value if isinstance(key_value, str) else f"({obj['MaTTHC']}, {obj['HieuLucTu']})"
                errors.append((spec.unique_label, "duplicate", {"value": shown, "first": first}))
            else:
                seen[key_value] = line_no
    if errors:
        for key, code, params in errors:
            issues.append(make_issue(file, line_no, key, code, record=label, **params))
        return None
    known = spec.known
    kwargs["extra"] = {k: obj[k] for k in obj.keys() - known} if len(obj) > len(kwargs) else {}
    if nulls:
        kwargs["null_keys"] = frozenset(nulls)
    kwargs["line"] = line_no
    return spec.record(**kwargs)


def iter_file(path: str | Path, kind: str, issues: list[Issue]) -> Iterator[Any]:
    """Streams the records of one file; problems are appended to ``issues`` as they are met."""
    path = Path(path)
    with path.open("rb") as handle:
        yield from parse_lines(handle, kind, issues, file=path.name)


@dataclass(slots=True)
class FolderResult:
    data: Interchange
    issues: list[Issue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the files that were present

    @property
    def ok(self) -> bool:
        return not self.issues


def read_folder(folder: str | Path) -> FolderResult:
    """Reads the (up to four) files of ``folder``; a missing file is an empty one."""
    folder = Path(folder)
    result = FolderResult(data=Interchange())
    targets: dict[str, list[Any]] = {
        "agencies": result.data.agencies,
        "procedures": result.data.procedures,
        "officials": result.data.officials,
        "dossiers": result.data.dossiers,
    }
    for kind, file_name in FILE_NAMES.items():
        path = folder / file_name
        if not path.exists():
            continue
        result.files.append(file_name)
        targets[kind].extend(iter_file(path, kind, result.issues))
    return result
