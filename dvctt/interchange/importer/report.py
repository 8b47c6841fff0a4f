"""What an import did: counts per file, and every problem with its file, line, key and reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dvctt.interchange import Issue


@dataclass
class ImportReport:
    issues: list[Issue] = field(default_factory=list)
    # kind → Counter of "created", "updated", "unchanged", "skipped"
    counts: dict[str, Counter] = field(default_factory=dict)
    committed: bool = False
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, what: str, n: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[what] += n

    @property
    def ok(self) -> bool:
        return not self.issues


def issue(file: str, line: int, key: str | None, reason: str, *, record: str | None, code: str) -> Issue:
    """An issue the importer finds beyond the reader's checks (references to the database, model limits)."""
    return Issue(file=file, line=line, key=key, code=code, reason=reason, record=record)
