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
import multiprocessing.connection
import os
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import connection

from dvctt.interchange import Issue
from dvctt.interchange.issues import make_issue
from dvctt.interchange.reader import KINDS, check_object

from .copyrows import DossierText, general_text

if TYPE_CHECKING:
    from .dossiers import DossierImporter

#: Above this size (bytes; about 10,000 lines) the rows are built in a worker process.
WORKER_MIN_BYTES = 4_000_000
#: Above this size (about 100,000 lines), in one worker per core (up to MAX_WORKERS): see worker_count().
MULTI_WORKER_MIN_BYTES = 50_000_000
MAX_WORKERS = 4


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
    #: (code, line number) of every valid line (new rows and ``existing``): the main process checks that no code
    #: comes twice across workers.
    codes: list[tuple[str, int]] = field(default_factory=list)


class BatchBuilder:
    """Builds the batches of the lines of one shard: with ``shards`` = (k, n), only the lines of every n-th block
    of ``importer.batch_size`` lines starting with block k (the other workers build the rest)."""

    def __init__(
        self,
        importer: DossierImporter,
        take_ids: Callable[[list[int]], list[int]],
        shards: tuple[int, int] = (0, 1),
    ) -> None:
        self.importer = importer
        self.take_ids = take_ids
        self.shard, self.shards = shards
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
        lines: list[int] = []
        children: list[tuple[list[str], list[str]]] = []
        events: list[str] = []
        failed = False
        shard, shards = self.shard, self.shards
        with path.open("rb") as handle:
            for line_no, raw in enumerate(handle, 1):
                if shards > 1 and (line_no - 1) // size % shards != shard:
                    continue
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
                        batch.codes.append((code, line_no))
                    elif importer.skip_errors or not failed:
                        rows.append(fast[0])
                        lines.append(line_no)
                        batch.codes.append((code, line_no))
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
                            batch.codes.append((record.code, line_no))
                        elif importer.skip_errors or not (failed or batch.issues):
                            self._general(record, rows, children, events)
                            lines.append(line_no)
                            batch.codes.append((record.code, line_no))
                    failed = failed or bool(batch.issues)
                if len(rows) + len(batch.existing) >= size:
                    yield self._finish(batch, rows, lines, children, events)
                    batch, rows, lines, children, events = Batch(), [], [], [], []
        yield self._finish(batch, rows, lines, children, events)

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

    def _finish(
        self, batch: Batch, rows: list[str], lines: list[int], children: list, events: list[str]
    ) -> Batch:
        if rows:
            ids = self.take_ids(lines)
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


def take_ids_on(cursor: Any, table: str) -> Callable[[list[int]], list[int]]:
    """Ids from the table's sequence, one per row, as the rows come."""

    def take(lines: list[int]) -> list[int]:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(lines)],
        )
        return [row[0] for row in cursor.fetchall()]

    return take


def ids_by_line(cursor: Any, table: str, path: Path) -> Callable[[list[int]], list[int]]:
    """One id per line of the file, taken from the sequence before the workers start: a row gets the id of its
    line whichever worker builds it, so the dossiers' ids follow the file's order (an export gives them back in
    that order). Lines that make no row leave their id unused."""
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            count += chunk.count(b"\n")
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count + 1]
    )
    ids = [row[0] for row in cursor.fetchall()]
    return lambda lines: [ids[line - 1] for line in lines]


def worker_count(importer: DossierImporter, size: int) -> int:
    """Processes that build rows: none below WORKER_MIN_BYTES (built inline), one per core (at most
    MAX_WORKERS) above MULTI_WORKER_MIN_BYTES. Several workers only without --skip-errors: a code repeated in
    two workers' lines is then found by the main process (:func:`duplicate_issues`), which stops the writing;
    with --skip-errors one worker keeps finding repeats itself and leaving the later line out."""
    if size < WORKER_MIN_BYTES:
        return 0
    if size < MULTI_WORKER_MIN_BYTES or importer.skip_errors:
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def build_batches(importer: DossierImporter, path: Path, *, workers: int) -> Iterator[Batch]:
    """The batches of the whole file, in any order when several workers build them."""
    table = importer.dossiers.table
    if not workers:
        with connection.cursor() as cursor:
            yield from BatchBuilder(importer, take_ids_on(cursor, table)).batches(path)
        return
    params = {
        k: v for k, v in connection.get_connection_params().items() if k not in ("cursor_factory", "context")
    }
    take_ids: Callable[[list[int]], list[int]] | None = None
    if workers > 1:
        with connection.cursor() as cursor:
            take_ids = ids_by_line(cursor, table, path)
    context = multiprocessing.get_context("fork")
    receivers, processes = [], []
    for shard in range(workers):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_work,
            args=(importer, path, params, table, sender, (shard, workers), take_ids),
            daemon=True,
        )
        process.start()
        sender.close()
        receivers.append(receiver)
        processes.append(process)
    try:
        waiting = list(receivers)
        while waiting:
            for ready in multiprocessing.connection.wait(waiting):
                receiver = waiting[waiting.index(ready)]  # type: ignore[arg-type]
                try:
                    message = receiver.recv()
                except EOFError:
                    raise RuntimeError("import worker ended without finishing") from None
                if message is None:
                    waiting.remove(receiver)
                    continue
                if isinstance(message, str):
                    raise RuntimeError(f"import worker failed:\n{message}")
                yield message
    finally:
        for receiver in receivers:
            receiver.close()
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()


def duplicate_issues(batch: Batch, seen: dict[str, int], file: str) -> list[Issue]:
    """Codes of ``batch`` already met in another worker's batch (``seen``: code → line, updated)."""
    found = []
    for code, line in batch.codes:
        first = seen.setdefault(code, line)
        if first != line:
            earlier, later = sorted((first, line))
            seen[code] = earlier
            label = KINDS["dossiers"].unique_label
            found.append(make_issue(file, later, label, "duplicate", record=code, value=code, first=earlier))
    return found


def _work(
    importer: DossierImporter,
    path: Path,
    params: dict[str, Any],
    table: str,
    sender: Any,
    shards: tuple[int, int],
    take_ids: Callable[[list[int]], list[int]] | None,
) -> None:
    """The worker's body (a forked child: it must not use the parent's connection, only its own)."""
    import psycopg

    try:
        with psycopg.connect(**params, autocommit=True) as own, own.cursor() as cursor:
            builder = BatchBuilder(importer, take_ids or take_ids_on(cursor, table), shards)
            for batch in builder.batches(path):
                sender.send(batch)
        sender.send(None)
    except BaseException:  # reported to the main process, which raises it
        sender.send(traceback.format_exc())
    finally:
        sender.close()
