"""dossiers.jsonl → batches of ready COPY text (PostgreSQL), built in a second process when the file is large.

Reading, checking and building rows is pure Python (one core); COPY is the server's work. With a worker
process the two overlap: the worker builds batch k+1 while the main process copies batch k, and they exchange
bytes (one pickled ``Batch`` of four COPY texts), not objects. The worker is forked, so it shares the
importer's state as it was (units, procedures, known codes, the active language of the messages) without
pickling it; it never touches the main process's database connection and takes dossier ids from the
sequence on a connection of its own (sequences are outside transactions, so the ids are as unique as the main
process's own). Small files are built inline: a fork costs more than it saves below a few thousand lines.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection

from dvctt.integrations.interchange import Issue
from dvctt.integrations.interchange.issues import make_issue
from dvctt.integrations.interchange.reader import KINDS, check_object

from .copyrows import DossierText, general_text

if TYPE_CHECKING:
    from .dossiers import DossierImporter

#: Above this size (bytes; about 10,000 lines) the rows are built in a worker process.
WORKER_MIN_BYTES = 4_000_000


@dataclass
class Batch:
    issues: list[Issue] = field(default_factory=list)
    created: int = 0
    dossiers: bytes = b""
    supplements: bytes = b""
    files: bytes = b""
    events: bytes = b""
    #: Valid lines whose code is already in the database: (line number, raw line) for the update path.
    existing: list[tuple[int, bytes]] = field(default_factory=list)


class BatchBuilder:
    def __init__(self, importer: DossierImporter, take_ids: Callable[[int], list[int]]) -> None:
        self.importer = importer
        self.take_ids = take_ids
        self.text = DossierText(
            dossiers=importer.dossiers,
            supplements=importer.supplements,
            files=importer.files,
            events=importer.events,
            unit_ids=importer.unit_ids,
            procedures=importer.procedures,
            actor_name=importer.actor_name,
            now=importer.now,
            file=importer.file_name,
            max_total=importer.max_total,
        )

    def batches(self, path: Path) -> Iterator[Batch]:
        importer = self.importer
        spec = KINDS["dossiers"]
        file = importer.file_name
        existing_codes = importer.existing_codes
        convert = self.text.convert
        event_row = self.text.event_row
        seen: dict[Any, int] = {}
        size = importer.batch_size
        from json import loads

        batch = Batch()
        rows: list[str] = []
        children: list[tuple[list[str], list[str]]] = []
        events: list[str] = []
        failed = False
        with path.open("rb") as handle:
            for line_no, raw in enumerate(handle, 1):
                if not raw.strip():
                    continue
                try:
                    obj = loads(raw)
                except ValueError as error:
                    batch.issues.append(make_issue(file, line_no, None, "json", detail=str(error)))
                    failed = True
                    continue
                if type(obj) is not dict:
                    batch.issues.append(make_issue(file, line_no, None, "not_object"))
                    failed = True
                    continue
                fast = convert(obj)
                if fast is not None and fast[1] not in seen:
                    code = fast[1]
                    seen[code] = line_no
                    if code in existing_codes:
                        batch.existing.append((line_no, raw))
                    elif importer.skip_errors or not failed:
                        rows.append(fast[0])
                        children.append((fast[2], fast[3]))
                        events.append(event_row(fast[4], line_no))
                else:
                    record = check_object(obj, line_no, spec, batch.issues, seen, file)
                    if record is not None:
                        found = list(importer.problems(record))
                        if found:
                            batch.issues.extend(found)
                        elif record.code in existing_codes:
                            batch.existing.append((line_no, raw))
                        elif importer.skip_errors or not (failed or batch.issues):
                            self._general(record, rows, children, events)
                    failed = failed or bool(batch.issues)
                if len(rows) + len(batch.existing) >= size:
                    yield self._finish(batch, rows, children, events)
                    batch, rows, children, events = Batch(), [], [], []
        yield self._finish(batch, rows, children, events)

    def _general(self, record: Any, rows: list[str], children: list, events: list[str]) -> None:
        """A line the fast path declined but which is valid: the importer's own mapping, as COPY text."""
        importer = self.importer
        values = importer.values(record)
        values["id"] = None
        values["first_due_at"] = values["due_at"]
        rows.append(general_text(importer.dossiers, importer.dossiers.row(values)))
        supplements: list[list] = []
        files: list[list] = []
        importer._children(None, record, supplements, files)
        children.append(
            (
                [general_text(importer.supplements, r) for r in supplements],
                [general_text(importer.files, r) for r in files],
            )
        )
        event = importer._event(None, 1, "import", record, values["unit_id"])
        events.append(general_text(importer.events, event))

    def _finish(self, batch: Batch, rows: list[str], children: list, events: list[str]) -> Batch:
        if rows:
            ids = self.take_ids(len(rows))
            batch.created = len(rows)
            batch.dossiers = "".join([f"{pk}\t{row}" for pk, row in zip(ids, rows, strict=True)]).encode()
            batch.events = "".join([f"{pk}\t{row}" for pk, row in zip(ids, events, strict=True)]).encode()
            supplements = []
            files = []
            for pk, (its_supplements, its_files) in zip(ids, children, strict=True):
                for row in its_supplements:
                    supplements.append(f"{pk}\t{row}")
                for row in its_files:
                    files.append(f"{pk}\t{row}")
            batch.supplements = "".join(supplements).encode()
            batch.files = "".join(files).encode()
        return batch


def take_ids_on(cursor: Any, table: str) -> Callable[[int], list[int]]:
    def take(count: int) -> list[int]:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
        )
        return [row[0] for row in cursor.fetchall()]

    return take


def build_batches(importer: DossierImporter, path: Path, *, worker: bool) -> Iterator[Batch]:
    table = importer.dossiers.table
    if not worker:
        with connection.cursor() as cursor:
            yield from BatchBuilder(importer, take_ids_on(cursor, table)).batches(path)
        return
    params = {
        k: v for k, v in connection.get_connection_params().items() if k not in ("cursor_factory", "context")
    }
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_work, args=(importer, path, params, table, sender), daemon=True)
    process.start()
    sender.close()
    try:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                raise RuntimeError("import worker ended without finishing") from None
            if message is None:
                return
            if isinstance(message, str):
                raise RuntimeError(f"import worker failed:\n{message}")
            yield message
    finally:
        receiver.close()
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()
            process.join()


def _work(importer: DossierImporter, path: Path, params: dict[str, Any], table: str, sender: Any) -> None:
    """The worker's body (a forked child: it must not use the parent's connection, only its own)."""
    import psycopg

    try:
        with psycopg.connect(**params, autocommit=True) as own, own.cursor() as cursor:
            for batch in BatchBuilder(importer, take_ids_on(cursor, table)).batches(path):
                sender.send(batch)
        sender.send(None)
    except BaseException:  # reported to the main process, which raises it
        sender.send(traceback.format_exc())
    finally:
        sender.close()
