"""Serving a stored file: a download whose bytes are gone from storage answers 404, never a 500."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def stored_file_response(
    stored: FieldFile, *, filename: str, content_type: str | None = None, as_attachment: bool = True
) -> FileResponse | None:
    """``stored`` as a response, or None when storage no longer has its bytes (a disk lost, media restored from an
    older backup): the caller answers its own 404 with a message in its language."""
    try:
        handle = stored.open("rb")
    except OSError:
        return None
    return FileResponse(
        handle, as_attachment=as_attachment, filename=filename, content_type=content_type or None
    )
