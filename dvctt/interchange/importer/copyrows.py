"""PostgreSQL COPY text rows of dossier lines, built straight from each line's parsed JSON object.

The general path (reader record → model values → row of Python values → adaptation by the driver) costs about
120 µs of Python a line. Here the common line (every value of the expected type, every time of 14 digits on
an ordinary day, every code known) is checked and turned into COPY text in one pass over its keys: strings
are escaped only when they hold a backslash, tab or newline, times become ISO text by slicing (offset of the
day looked up once), the ``extra`` entry of a line shape (which keys are present) is computed once per shape.

The fast path only ever ACCEPTS a line the general path accepts, with the same values: whenever anything is
unusual (a bad or unexpected value, a day with an offset change, a duplicate, an unknown code…) it answers
``None`` and the caller runs the general path for that line, which reports the problems exactly as before
(tests compare both paths cell by cell).
"""

from __future__ import annotations

import enum
import json
import math
from datetime import date, datetime, timedelta
from typing import Any

from dvctt.dossiers.states import PAUSED_STATUSES, Status
from dvctt.interchange.reader import KINDS
from dvctt.interchange.times import LOCAL_TZ

from .mapping import DOSSIER_DEFAULTED
from .shape import SHAPE_KEY
from .sink import TableSink

NULL = "\\N"
KNOWN = KINDS["dossiers"].known
FLAG = frozenset({0, 1})
RESUME = {int(s): str(int(Status.PROCESSING)) for s in (*PAUSED_STATUSES, Status.WITHDRAWAL_REQUESTED)}
FEE_KEYS = frozenset({"TenPhiLePhi", "Gia"})
DOC_KEYS = ("TenGiayTo", "DuongDanTepTinKetQua")
SUPPLEMENT_KEYS = ("NgayYeuCau", "NgayBoSung")


def escape(text: str) -> str:
    """A string as a COPY text cell."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_text(value: Any) -> str:
    """Any value of a row of the general path (``TableSink.row``) as a COPY text cell."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict | list):
        return escape(json.dumps(value, ensure_ascii=False))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def dumps(value: Any) -> str:
    return escape(json.dumps(value, ensure_ascii=False))


class RowFormat:
    """COPY text of a table's rows: the sink's columns (first one apart: the caller prefixes it), constant
    cells rendered once, the ``variable`` ones filled with ``%`` from ready cells."""

    def __init__(self, sink: TableSink, variable: tuple[str, ...], constants: dict[str, Any] | None = None):
        constants = constants or {}
        cells = []
        for column, value in zip(sink.columns[1:], sink.template[1:], strict=True):
            attname = next(a for a, i in sink.index.items() if sink.columns[i] == column)
            if attname in variable:
                cells.append("%s")
            else:
                cells.append(copy_text(constants.get(attname, value)).replace("%", "%%"))
        order = [next(a for a, i in sink.index.items() if sink.columns[i] == c) for c in sink.columns[1:]]
        if [a for a in order if a in variable] != list(variable):
            raise ValueError(f"variable columns of {sink.table} must follow the table's order: {order}")
        self.format = "\t".join(cells) + "\n"


def general_text(sink: TableSink, row: list[Any]) -> str:
    """A general-path row (first cell apart) as COPY text."""
    return "\t".join([copy_text(v) for v in row[1:]]) + "\n"


class DossierText:
    """Turns a valid, ordinary dossier line into COPY text (see the module's docstring)."""

    DOSSIER_COLUMNS = (
        "code",
        "procedure_id",
        "procedure_version_id",
        "unit_id",
        "receiving_unit_id",
        "channel",
        "status",
        "resume_status",
        "applicant_type",
        "applicant_name",
        "applicant_id_number",
        "submitted_at",
        "received_at",
        "due_at",
        "first_due_at",
        "effective_due_at",
        "ended_at",
        "returned_at",
        "paid_online",
        "fees",
        "fee_total",
        "digitised",
        "has_e_result",
        "sync_state",
        "has_complaint",
        "parent_code",
        "is_test",
        "extra",
    )

    def __init__(
        self,
        *,
        dossiers: TableSink,
        supplements: TableSink,
        files: TableSink,
        events: TableSink,
        unit_ids: dict[str, int],
        procedures: dict[str, Any],
        actor_name: str,
        now: datetime,
        file: str,
        max_total: int,
    ) -> None:
        self.dossier_format = RowFormat(dossiers, self.DOSSIER_COLUMNS, {"imported": True}).format
        self.supplement_format = RowFormat(supplements, ("requested_at", "answered_at", "extra")).format
        self.file_format = RowFormat(files, ("kind", "name", "url", "electronic", "extra"))
        self.event_format = RowFormat(
            events,
            ("to_status", "unit_id", "payload"),
            {"seq": 1, "action": "import", "actor_name": actor_name, "at": now},
        ).format
        self.file_format_text = self.file_format.format
        self.units = {code: str(pk) for code, pk in unit_ids.items()}
        self.procedures = procedures
        # The event's payload {"file": …, "line": n}: everything but the number, rendered once.
        self.payload_head = dumps({"file": file, "line": 0})[: -len("0}")]
        self.max_total = max_total
        self._days: dict[str, str] = {}
        self._versions: dict[tuple[str, str], str] = {}
        self._shapes: dict[tuple[str, ...], tuple[tuple[str, ...], list[str], str] | None] = {}

    # --- pieces -------------------------------------------------------------------------------------------
    def _day(self, day: str) -> str:
        """``yyyyMMdd`` → the ISO offset suffix of that local day, or "" (not a valid day, or one on which the
        offset changes: the general path handles those)."""
        found = self._days.get(day)
        if found is not None:
            return found
        suffix = ""
        if day.isdigit() and day.isascii():
            try:
                start = datetime.fromisoformat(f"{day}T000000").replace(tzinfo=LOCAL_TZ)
            except ValueError:
                pass
            else:
                offset = start.utcoffset()
                if offset == (start + timedelta(hours=23, minutes=59, seconds=59)).utcoffset():
                    suffix = start.isoformat()[19:]
        if len(self._days) < 100_000:
            self._days[day] = suffix
        return suffix

    def _time(self, text: Any) -> str | None:
        """``yyyyMMddHHmmss`` → ISO text with the local offset (what the general path writes), None if odd."""
        if type(text) is not str or len(text) != 14:
            return None
        day = text[:8]
        suffix = self._days.get(day)
        if suffix is None:
            suffix = self._day(day)
        clock = text[8:]
        if not suffix or not clock.isdigit() or not clock.isascii():
            return None
        hours, minutes, seconds = clock[:2], clock[2:4], clock[4:]
        if hours > "23" or minutes > "59" or seconds > "59":
            return None
        return f"{text[:4]}-{text[4:6]}-{day[6:]}T{hours}:{minutes}:{seconds}{suffix}"

    def _version(self, procedure_code: str, info: Any, day: str) -> str:
        key = (procedure_code, day)
        found = self._versions.get(key)
        if found is None:
            pk = info.version_on(date(int(day[:4]), int(day[4:6]), int(day[6:8])))
            found = self._versions[key] = NULL if pk is None else str(pk)
        return found

    def _shape(self, keys: tuple[str, ...]) -> tuple[tuple[str, ...], list[str], str] | None:
        """Per line shape (its keys in order): the unknown keys, the defaulted keys that are absent, and the
        ``extra`` cell when no key is an explicit null and none is unknown. None: reserved key present."""
        if keys in self._shapes:
            return self._shapes[keys]
        plan: tuple[tuple[str, ...], list[str], str] | None = None
        if SHAPE_KEY not in keys:
            unknown = tuple(k for k in keys if k not in KNOWN)
            absent = [k for k in DOSSIER_DEFAULTED if k not in keys]
            plain = dumps({SHAPE_KEY: {"absent": absent}} if absent else {})
            plan = (unknown, absent, plain)
        if len(self._shapes) < 10_000:
            self._shapes[keys] = plan
        return plan

    @staticmethod
    def _flag(obj: dict[str, Any], key: str, nulls: list[str]) -> str | None:
        """A 0/1 flag as the boolean cell; "" means: not valid (general path)."""
        value = obj.get(key)
        if value is None:
            if key in obj:
                nulls.append(key)
            return "f"
        if type(value) is not int or value not in FLAG:
            return None
        return "t" if value else "f"

    # --- one line -----------------------------------------------------------------------------------------
    def convert(self, obj: dict[str, Any]) -> tuple[str, str, list[str], list[str], tuple[str, str]] | None:
        """(dossier row, code, supplement rows, result document rows, event cells) or None for the general
        path. Every row lacks its first cell (the dossier's id, taken later); the event cells are the status
        and unit (see :meth:`event_row`)."""
        plan = self._shape(tuple(obj))
        if plan is None:
            return None
        unknown, _absent, plain_extra = plan
        get = obj.get
        nulls: list[str] = []

        code = get("MaHoSo")
        procedure_code = get("MaTTHC")
        unit_code = get("DonViXuLy")
        if type(code) is not str or type(procedure_code) is not str or type(unit_code) is not str:
            return None
        if not code.strip() or len(code) > 64:
            return None
        info = self.procedures.get(procedure_code)
        unit = self.units.get(unit_code)
        if info is None or unit is None or not procedure_code.strip() or not unit_code.strip():
            return None
        channel = get("KenhThucHien")
        status = get("TrangThaiHoSo")
        if (
            type(channel) is not int
            or not 1 <= channel <= 3
            or type(status) is not int
            or not 1 <= status <= 10
        ):
            return None

        applicant_type = get("LoaiDoiTuong")
        if applicant_type is None:
            applicant_type_cell = NULL
            if "LoaiDoiTuong" in obj:
                nulls.append("LoaiDoiTuong")
        elif type(applicant_type) is int and applicant_type in (1, 2):
            applicant_type_cell = str(applicant_type)
        else:
            return None

        texts = []
        for key, limit in (("ChuHoSo", 255), ("SoDinhDanhChuHoSo", 20), ("HoSoCha", 64)):
            value = get(key)
            if value is None:
                if key in obj:
                    nulls.append(key)
                texts.append("")
            elif type(value) is not str or len(value) > limit:
                return None
            else:
                texts.append(escape(value))

        times = []
        for key in ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"):
            value = get(key)
            if value is None:
                if key in obj:
                    nulls.append(key)
                times.append(NULL)
                continue
            cell = self._time(value)
            if cell is None:
                return None
            times.append(cell)
        submitted, received, due = get("NgayNopHoSo"), get("NgayTiepNhan"), get("NgayHenTra")
        # Fixed-width digits: the strings order like the times.
        if received is not None and (
            (submitted is not None and received < submitted) or (due is not None and due < received)
        ):
            return None

        paid = get("DuocThanhToanTrucTuyen")
        if paid is None:
            if "DuocThanhToanTrucTuyen" in obj:
                nulls.append("DuocThanhToanTrucTuyen")
            paid = 0
        elif type(paid) is not int or paid not in (0, 1, 2):
            return None

        flags = []
        for key in ("HoSoCoThanhPhanSoHoa", "DongBoDVCQG", "CoPhanAnh", "HoSoThuNghiem"):
            cell = self._flag(obj, key, nulls)
            if cell is None:
                return None
            flags.append(cell)
        synced = get("DongBoDVCQG") == 1

        # Fees: kept as written (the model's JSON is the format's own list), total rounded.
        fees = get("DanhSachLePhi")
        fees_cell = "[]"
        total: int | float = 0
        if fees is None:
            if "DanhSachLePhi" in obj:
                nulls.append("DanhSachLePhi")
        elif type(fees) is not list:
            return None
        elif fees:
            for fee in fees:
                if type(fee) is not dict:
                    return None
                name, amount = fee.get("TenPhiLePhi"), fee.get("Gia")
                if name is not None and type(name) is not str:
                    return None
                if amount is not None:
                    if type(amount) is not int and (type(amount) is not float or not math.isfinite(amount)):
                        return None
                    if amount < 0:
                        return None
                    total += amount
                else:
                    total += 0
            if total >= self.max_total:
                return None
            fees_cell = dumps(fees)

        supplements: list[str] = []
        paused = timedelta()
        items = get("DanhSachHoSoBoSung")
        if items is None:
            if "DanhSachHoSoBoSung" in obj:
                nulls.append("DanhSachHoSoBoSung")
        elif type(items) is not list:
            return None
        else:
            for item in items:
                if type(item) is not dict:
                    return None
                requested, answered = item.get("NgayYeuCau"), item.get("NgayBoSung")
                if requested is None:
                    return None
                requested_cell = self._time(requested)
                if requested_cell is None:
                    return None
                answered_cell: str | None = NULL
                if answered is not None:
                    answered_cell = self._time(answered)
                    if answered_cell is None or answered < requested:
                        return None
                if answered is not None and received is not None and requested >= received:
                    # guidance before receipt (requested < received) pauses nothing
                    paused += datetime.fromisoformat(
                        f"{answered[:8]}T{answered[8:]}"
                    ) - datetime.fromisoformat(f"{requested[:8]}T{requested[8:]}")
                if len(item) == 2 and answered is not None:
                    extra_cell = "{}"
                else:
                    extra_cell = self._item_extra(item, SUPPLEMENT_KEYS, ())
                supplements.append(self.supplement_format % (requested_cell, answered_cell, extra_cell))

        results: list[str] = []
        electronic = False
        docs = get("DanhSachGiayToKetQua")
        if docs is None:
            if "DanhSachGiayToKetQua" in obj:
                nulls.append("DanhSachGiayToKetQua")
        elif type(docs) is not list:
            return None
        else:
            for doc in docs:
                if type(doc) is not dict:
                    return None
                name, link = doc.get("TenGiayTo"), doc.get("DuongDanTepTinKetQua")
                if name is not None and (type(name) is not str or len(name) > 255):
                    return None
                if link is not None and (type(link) is not str or len(link) > 500):
                    return None
                is_electronic = bool(link and link.strip())
                electronic = electronic or is_electronic
                if len(doc) == 2 and name is not None and link is not None:
                    extra_cell = "{}"
                else:
                    extra_cell = self._item_extra(doc, DOC_KEYS, DOC_KEYS)
                results.append(
                    self.file_format_text
                    % (
                        "result",
                        escape(name or ""),
                        escape(link or ""),
                        "t" if is_electronic else "f",
                        extra_cell,
                    )
                )

        if unknown or nulls:
            extra: dict[str, Any] = {k: obj[k] for k in unknown}
            shape: dict[str, Any] = {}
            if nulls:
                shape["null"] = sorted(nulls)
            if _absent:
                shape["absent"] = _absent
            if shape:
                extra[SHAPE_KEY] = shape
            extra_cell = dumps(extra)
        else:
            extra_cell = plain_extra

        moment = received if received is not None else submitted
        version = NULL if moment is None else self._version(procedure_code, info, moment[:8])
        due_cell = times[2]
        if paused and due is not None:
            effective = datetime.fromisoformat(f"{due[:8]}T{due[8:]}").replace(tzinfo=LOCAL_TZ) + paused
            effective_cell = effective.isoformat()
        else:
            effective_cell = due_cell
        status_cell = str(status)
        row = self.dossier_format % (
            escape(code),
            info.pk,
            version,
            unit,
            unit,
            channel,
            status_cell,
            RESUME.get(status, NULL),
            applicant_type_cell,
            texts[0],
            texts[1],
            times[0],
            times[1],
            due_cell,
            due_cell,
            effective_cell,
            times[3],
            times[4],
            paid,
            fees_cell,
            max(0, round(total)),
            flags[0],
            "t" if electronic else "f",
            "synced" if synced else "pending",
            flags[2],
            texts[2],
            flags[3],
            extra_cell,
        )
        event = (status_cell, unit)
        return row, code, supplements, results, event

    @staticmethod
    def _item_extra(item: dict[str, Any], keys: tuple[str, ...], defaulted: tuple[str, ...]) -> str:
        """``extra`` of a supplement or result document (``shape_pack`` of its record)."""
        extra: dict[str, Any] = {k: v for k, v in item.items() if k not in keys}
        shape: dict[str, Any] = {}
        nulls = sorted(k for k in keys if k in item and item[k] is None)
        if nulls:
            shape["null"] = nulls
        absent = [k for k in defaulted if k not in item]
        if absent:
            shape["absent"] = absent
        if shape:
            extra[SHAPE_KEY] = shape
        return dumps(extra)

    def event_row(self, event: tuple[str, str], line: int) -> str:
        return self.event_format % (event[0], event[1], f"{self.payload_head}{line}}}")
