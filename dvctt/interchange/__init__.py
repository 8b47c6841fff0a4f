"""The interchange format of spec/interchange.md: typed records, a validating streaming reader, cross-file
checks and a writer. Pure Python, no database."""

from .crossref import check_references
from .issues import Issue
from .reader import FILE_NAMES, FolderResult, iter_file, parse_lines, read_folder
from .records import Agency, Dossier, Fee, Interchange, Official, ProcedureVersion, ResultDocument, Supplement
from .times import format_date, format_time, parse_date, parse_time, to_aware, to_local_naive
from .writer import record_to_dict, write_folder, write_records

__all__ = [
    "FILE_NAMES",
    "Agency",
    "Dossier",
    "Fee",
    "FolderResult",
    "Interchange",
    "Issue",
    "Official",
    "ProcedureVersion",
    "ResultDocument",
    "Supplement",
    "check_references",
    "format_date",
    "format_time",
    "iter_file",
    "parse_date",
    "parse_lines",
    "parse_time",
    "read_folder",
    "record_to_dict",
    "to_aware",
    "to_local_naive",
    "write_folder",
    "write_records",
]
