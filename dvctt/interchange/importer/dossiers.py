"""Import of dossiers.jsonl: streamed in batches, new dossiers inserted in bulk, existing ones updated.

New rows with their supplement requests, result documents and one ``import`` event go in with COPY
(PostgreSQL: text rows built straight from the JSON, in a worker process for large files, see pipeline.py and
copyrows.py; a first large import also defers indexes and foreign keys, see bulkload.py) or executemany
(SQLite, one query per batch to find which codes exist, skipped when the database had no dossier at the
start). An existing dossier is compared with the line through the same mapping export uses and rewritten only
when they differ (its supplements and results replaced, an ``import_update`` event added). No transition
service runs and nothing is sent to applicants: imported dossiers are history.
"""

from __future__ import annotations

import bisect
import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from json import loads
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Max
from django.utils.translation import gettext as _

from dvctt.catalog.models import ProcedureVersion as VersionRow
from dvctt.dossiers.models import Dossier, DossierEvent, DossierFile, SupplementRequest
from dvctt.dossiers.states import PAUSED_STATUSES, Status
from dvctt.interchange import FILE_NAMES, Issue, iter_file
from dvctt.interchange import Dossier as DossierRecord
from dvctt.interchange.issues import make_issue
from dvctt.interchange.reader import KINDS, check_object

from .bulkload import BulkLoad
from .mapping import (
    DOSSIER_FIELDS,
    RESULT_FIELDS,
    SUPPLEMENT_FIELDS,
    dossier_record,
    dossier_values,
    result_record,
    result_values,
    supplement_record,
    supplement_values,
)
from .report import ImportReport, issue
from .shape import SHAPE_KEY
from .sink import IdAllocator, TableSink

logger = logging.getLogger(__name__)
BATCH = 10_000
#: A first import (no dossier in the database) of a file this large (bytes; about 40,000 lines) builds the
#: dossier tables' indexes and foreign keys after the rows are in (PostgreSQL; see bulkload.py).
BULK_MIN_BYTES = 16_000_000
FILE = FILE_NAMES["dossiers"]
#: Derived columns: a line that leaves the record equal but changes one of these still updates the row.
DERIVED = (
    "procedure_version_id",
    "receiving_unit_id",
    "has_e_result",
    "fee_total",
    "imported",
    "effective_due_at",
)
MAX_TOTAL = 10**15


def effective_due_at(due_at: Any, d: DossierRecord) -> Any:
    """The appointment moved by the answered supplement requests (see Dossier.effective_due_at); guidance asked
    before receipt pauses nothing."""
    if due_at is None:
        return None
    received = d.received_at
    paused = sum(
        (
            s.completed_at - s.requested_at
            for s in d.supplements or ()
            if s.requested_at and s.completed_at and received is not None and s.requested_at >= received
        ),
        timedelta(),
    )
    return due_at + paused


@dataclass
class ProcedureInfo:
    pk: int
    starts: list[date]
    version_ids: list[int]
    abolished_after: date | None

    def version_on(self, day: date) -> int | None:
        i = bisect.bisect_right(self.starts, day) - 1
        if i < 0 or (self.abolished_after is not None and day > self.abolished_after):
            return None
        return self.version_ids[i]


def procedure_infos() -> dict[str, ProcedureInfo]:
    infos: dict[str, ProcedureInfo] = {}
    rows = VersionRow.objects.order_by("procedure__code", "valid_from").values_list(
        "procedure__code", "procedure_id", "valid_from", "id", "abolished_after"
    )
    for code, procedure_id, valid_from, version_id, abolished in rows:
        info = infos.get(code)
        if info is None:
            info = infos[code] = ProcedureInfo(procedure_id, [], [], None)
        info.starts.append(valid_from)
        info.version_ids.append(version_id)
        if abolished is not None and (info.abolished_after is None or abolished < info.abolished_after):
            info.abolished_after = abolished
    return infos


def children_records(
    dossier_ids: list[int], *, media_url: str = ""
) -> tuple[dict[int, list], dict[int, list]]:
    """Supplements and result documents of some dossiers, as records, in the order they were written."""
    supplements: dict[int, list] = defaultdict(list)
    results: dict[int, list] = defaultdict(list)
    if not dossier_ids:
        return supplements, results
    for row in (
        SupplementRequest.objects.filter(dossier_id__in=dossier_ids)
        .order_by("dossier_id", "id")
        .values(*SUPPLEMENT_FIELDS)
    ):
        supplements[row["dossier_id"]].append(supplement_record(row))
    for row in (
        DossierFile.objects.filter(dossier_id__in=dossier_ids, kind=DossierFile.Kind.RESULT)
        .order_by("dossier_id", "id")
        .values(*RESULT_FIELDS)
    ):
        results[row["dossier_id"]].append(result_record(row, media_url=media_url))
    return supplements, results


class DossierImporter:
    def __init__(
        self,
        *,
        unit_ids: dict[str, int],
        report: ImportReport,
        skip_errors: bool,
        now: datetime,
        batch_size: int = BATCH,
    ) -> None:
        self.unit_ids = unit_ids
        self.unit_codes = {pk: code for code, pk in unit_ids.items()}
        self.procedures = procedure_infos()
        self.procedure_codes = {info.pk: code for code, info in self.procedures.items()}
        self.report = report
        self.skip_errors = skip_errors
        self.now = now
        self.batch_size = batch_size
        self.ids = IdAllocator(Dossier)
        self.dossiers = TableSink(Dossier, with_id=True, now=now)
        self.supplements = TableSink(SupplementRequest, with_id=False, now=now)
        self.files = TableSink(DossierFile, with_id=False, now=now)
        self.events = TableSink(DossierEvent, with_id=False, now=now)
        self.db_had_dossiers = Dossier.objects.exists()
        self.actor_name = _("Nhập dữ liệu từ hệ thống cũ")
        self.file_name = FILE
        self.max_total = MAX_TOTAL
        self.existing_codes: frozenset[str] | set[str] = frozenset()

    # --- checks beyond the reader: references to the database and what the tables accept ------------------
    def problems(self, d: DossierRecord) -> Iterator[Issue]:
        code = d.code
        if SHAPE_KEY in d.extra:
            yield issue(
                FILE,
                d.line,
                SHAPE_KEY,
                _("Khóa %(key)s được dành riêng cho nền tảng") % {"key": SHAPE_KEY},
                record=code,
                code="reserved_key",
            )
        if d.unit_code not in self.unit_ids:
            yield make_issue(FILE, d.line, "DonViXuLy", "unknown_unit", code, value=d.unit_code)
        if d.procedure_code not in self.procedures:
            yield make_issue(FILE, d.line, "MaTTHC", "unknown_procedure", code, value=d.procedure_code)
        for key, value, limit in (
            ("MaHoSo", code, 64),
            ("ChuHoSo", d.applicant_name, 255),
            ("SoDinhDanhChuHoSo", d.applicant_id, 20),
            ("HoSoCha", d.parent_code, 64),
        ):
            if value is not None and len(value) > limit:
                yield self._too_long(d, key, value, limit)
        if d.submitted_at and d.received_at and d.received_at < d.submitted_at:
            yield self._order(d, "NgayTiepNhan", "NgayNopHoSo")
        if d.received_at and d.due_at and d.due_at < d.received_at:
            yield self._order(d, "NgayHenTra", "NgayTiepNhan")
        for i, s in enumerate(d.supplements or ()):
            if s.requested_at is None:
                yield issue(
                    FILE,
                    d.line,
                    f"DanhSachHoSoBoSung[{i}].NgayYeuCau",
                    _("Cần NgayYeuCau để nhập yêu cầu bổ sung"),
                    record=code,
                    code="missing",
                )
            elif s.completed_at is not None and s.completed_at < s.requested_at:
                yield self._order(d, f"DanhSachHoSoBoSung[{i}].NgayBoSung", "NgayYeuCau")
        for i, doc in enumerate(d.result_documents or ()):
            for key, value, limit in (("TenGiayTo", doc.name, 255), ("DuongDanTepTinKetQua", doc.link, 500)):
                if value is not None and len(value) > limit:
                    yield self._too_long(d, f"DanhSachGiayToKetQua[{i}].{key}", value, limit)
        if d.fees and d.fee_total >= MAX_TOTAL:
            yield issue(
                FILE, d.line, "DanhSachLePhi", _("Tổng phí, lệ phí quá lớn"), record=code, code="range"
            )

    def _too_long(self, d: DossierRecord, key: str, value: str, limit: int) -> Issue:
        return issue(
            FILE,
            d.line,
            key,
            _("%(key)s dài %(length)d ký tự, tối đa %(limit)d")
            % {"key": key, "length": len(value), "limit": limit},
            record=d.code,
            code="too_long",
        )

    def _order(self, d: DossierRecord, key: str, before: str) -> Issue:
        return issue(
            FILE,
            d.line,
            key,
            _("%(key)s trước %(before)s") % {"key": key, "before": before},
            record=d.code,
            code="date_order",
        )

    # --- the stream -----------------------------------------------------------------------------------------
    def run(self, path: Path) -> None:
        if connection.vendor == "postgresql":
            self.run_copy(path)
        else:
            self.run_rows(path)

    def run_copy(self, path: Path) -> None:
        """PostgreSQL: batches of ready COPY text (see pipeline.py); existing codes go the update path."""
        from .pipeline import build_batches, duplicate_issues, worker_count

        started = time.perf_counter()
        issues = self.report.issues
        size = path.stat().st_size
        if self.db_had_dossiers:
            # Every code known before the import, once (the worker is forked with it): a line names one of
            # them or is new. Codes cannot repeat inside the file (the reader refuses duplicates).
            self.existing_codes = set(
                Dossier.objects.values_list("code", flat=True).iterator(chunk_size=20_000)
            )
        bulk = BulkLoad([Dossier, SupplementRequest, DossierFile, DossierEvent])
        bulk_load = not self.db_had_dossiers and size >= BULK_MIN_BYTES
        if bulk_load:
            bulk.start()
        spec = KINDS["dossiers"]
        workers = worker_count(self, size)
        codes: dict[str, int] = {}
        with connection.cursor() as cursor:
            for batch in build_batches(self, path, workers=workers):
                issues.extend(batch.issues)
                if workers > 1:
                    # each worker finds repeated codes among its own lines; here, those across workers
                    issues.extend(duplicate_issues(batch, codes, FILE))
                if not self.writing:
                    continue
                for sink, text in (
                    (self.dossiers, batch.dossiers),
                    (self.supplements, batch.supplements),
                    (self.files, batch.files),
                    (self.events, batch.events),
                ):
                    if text:
                        with cursor.cursor.copy(sink.copy_statement()) as copy:
                            copy.write(text)
                self.report.count("dossiers", "created", batch.created)
                if batch.existing:
                    records: list[DossierRecord] = []
                    for line_no, raw in batch.existing:
                        record = check_object(loads(raw), line_no, spec, issues, {}, FILE)
                        if record is not None:
                            records.append(record)
                    self.flush(records)
        self.report.count("dossiers", "skipped", len({i.line for i in issues if i.file == FILE}))
        copied = time.perf_counter()
        self.link_parents()
        linked = time.perf_counter()
        if bulk_load and self.writing:
            bulk.finish()
        logger.info(
            "dossiers: %d created in %.1f s (bulk load: %s, %d workers), parents linked in %.1f s, "
            "indexes and keys %.1f s",
            self.report.counts["dossiers"]["created"],
            copied - started,
            bulk_load,
            workers,
            linked - copied,
            time.perf_counter() - linked,
        )

    def run_rows(self, path: Path) -> None:
        issues = self.report.issues
        batch: list[DossierRecord] = []
        for record in iter_file(path, "dossiers", issues):
            found = list(self.problems(record))
            if found:
                issues.extend(found)
                continue
            batch.append(record)
            if len(batch) >= self.batch_size:
                self.flush(batch)
                batch = []
        self.flush(batch)
        self.report.count("dossiers", "skipped", len({i.line for i in issues if i.file == FILE}))
        self.link_parents()

    @property
    def writing(self) -> bool:
        # Without --skip-errors the first problem dooms the whole import: stop writing, go on checking.
        return self.skip_errors or not self.report.issues

    def values(self, d: DossierRecord) -> dict[str, Any]:
        values = dossier_values(d)
        info = self.procedures[d.procedure_code]
        moment = d.received_at or d.submitted_at
        unit_id = self.unit_ids[d.unit_code]
        values["procedure_id"] = info.pk
        values["procedure_version_id"] = info.version_on(moment.date()) if moment else None
        values["unit_id"] = unit_id
        values["receiving_unit_id"] = unit_id
        values["effective_due_at"] = effective_due_at(values["due_at"], d)
        if d.status in PAUSED_STATUSES or d.status == Status.WITHDRAWAL_REQUESTED:
            # So that the live workflow can resume an imported dossier that was waiting.
            values["resume_status"] = Status.PROCESSING
        else:
            values["resume_status"] = None
        return values

    def flush(self, batch: list[DossierRecord]) -> None:
        if not batch or not self.writing:
            return
        existing: dict[str, dict[str, Any]] = {}
        if self.db_had_dossiers:
            existing = {
                row["code"]: row
                for row in Dossier.objects.filter(code__in=[d.code for d in batch]).values(
                    *DOSSIER_FIELDS, *DERIVED, "version"
                )
            }
        new = [d for d in batch if d.code not in existing]
        ids = self.ids.take(len(new))
        rows: list[list] = []
        supplements: list[list] = []
        files: list[list] = []
        events: list[list] = []
        for d, pk in zip(new, ids, strict=True):
            values = self.values(d)
            values["id"] = pk
            values["first_due_at"] = values["due_at"]
            rows.append(self.dossiers.row(values))
            self._children(pk, d, supplements, files)
            events.append(self._event(pk, 1, "import", d, values["unit_id"]))
        self.dossiers.insert(rows)
        self.report.count("dossiers", "created", len(new))
        if existing:
            self._update([d for d in batch if d.code in existing], existing, supplements, files, events)
        self.supplements.insert(supplements)
        self.files.insert(files)
        self.events.insert(events)

    def _children(self, pk: int | None, d: DossierRecord, supplements: list, files: list) -> None:
        for s in d.supplements or ():
            supplements.append(self.supplements.row({"dossier_id": pk, **supplement_values(s)}))
        for doc in d.result_documents or ():
            files.append(
                self.files.row({"dossier_id": pk, "kind": DossierFile.Kind.RESULT, **result_values(doc)})
            )

    def _event(self, pk: int | None, seq: int, action: str, d: DossierRecord, unit_id: int) -> list[Any]:
        return self.events.row(
            {
                "dossier_id": pk,
                "seq": seq,
                "action": action,
                "to_status": d.status,
                "actor_name": self.actor_name,
                "unit_id": unit_id,
                "at": self.now,
                "payload": {"file": FILE, "line": d.line},
            }
        )

    def _update(
        self,
        batch: list[DossierRecord],
        existing: dict[str, dict[str, Any]],
        supplements: list,
        files: list,
        events: list,
    ) -> None:
        ids = [existing[d.code]["id"] for d in batch]
        old_supplements, old_results = children_records(ids)
        changed: list[tuple[DossierRecord, dict[str, Any], dict[str, Any]]] = []
        for d in batch:
            row = existing[d.code]
            values = self.values(d)
            before = dossier_record(
                row,
                unit_code=self.unit_codes.get(row["unit_id"], ""),
                procedure_code=self.procedure_codes.get(row["procedure_id"], ""),
                supplements=old_supplements[row["id"]],
                results=old_results[row["id"]],
            )
            if before == d and all(row[k] == values[k] for k in DERIVED):
                continue
            changed.append((d, row, values))
        self.report.count("dossiers", "unchanged", len(batch) - len(changed))
        if not changed:
            return
        changed_ids = [row["id"] for _d, row, _v in changed]
        last_seq = dict(
            DossierEvent.objects.filter(dossier_id__in=changed_ids)
            .values("dossier_id")
            .annotate(last=Max("seq"))
            .values_list("dossier_id", "last")
        )
        SupplementRequest.objects.filter(dossier_id__in=changed_ids).delete()
        DossierFile.objects.filter(dossier_id__in=changed_ids, kind=DossierFile.Kind.RESULT).delete()
        objects = []
        fields: list[str] = []
        for d, row, values in changed:
            pk = row["id"]
            fields = [*values, "version", "updated_at"]
            objects.append(Dossier(id=pk, version=row["version"] + 1, updated_at=self.now, **values))
            self._children(pk, d, supplements, files)
            events.append(self._event(pk, last_seq.get(pk, 0) + 1, "import_update", d, values["unit_id"]))
        Dossier.objects.bulk_update(objects, fields, batch_size=1000)
        self.report.count("dossiers", "updated", len(changed))

    def link_parents(self) -> None:
        """Inter-agency children point at their parent once every dossier is in (a parent may come later in the
        file, or from an earlier import); a parent not known here leaves only ``parent_code``."""
        if not self.writing:
            return
        table = connection.ops.quote_name(Dossier._meta.db_table)
        parent = f"(SELECT p.id FROM {table} p WHERE p.code = {table}.parent_code)"  # noqa: S608 - model's table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET parent_id = {parent} "  # noqa: S608 - model's table
                f"WHERE parent_code <> '' AND COALESCE(parent_id, 0) <> COALESCE({parent}, 0)"
            )
