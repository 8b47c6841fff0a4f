"""Checks on uploaded files: size, type (by extension and by content), checksum."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError

# Extension → (content type, accepted leading bytes). Office files are ZIP containers.
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}


def max_upload_bytes() -> int:
    return int(getattr(settings, "DVCTT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    sha256: str


def upload_check(*, upload: UploadedFile, label: str) -> CheckedFile:
    """Refuse a file that is too big, empty, or not what its name says. ``label`` names it in the message."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise DomainError(
            _("Tệp “%(name)s” (%(label)s) không đúng định dạng cho phép: %(allowed)s.")
            % {"name": name, "label": label, "allowed": ", ".join(sorted(ALLOWED_TYPES))},
            code="file_type",
        )
    size = upload.size or 0
    limit = max_upload_bytes()
    if size == 0:
        raise DomainError(
            _("Tệp “%(name)s” (%(label)s) rỗng.") % {"name": name, "label": label}, code="file_empty"
        )
    if size > limit:
        raise DomainError(
            _("Tệp “%(name)s” (%(label)s) dung lượng %(size).1f MB, vượt quá giới hạn %(limit).0f MB.")
            % {"name": name, "label": label, "size": size / 1048576, "limit": limit / 1048576},
            code="file_too_big",
        )
    content_type, signatures = ALLOWED_TYPES[extension]
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if not head:
            head = chunk[:16]
        digest.update(chunk)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise DomainError(
            _("Nội dung tệp “%(name)s” (%(label)s) không khớp với định dạng %(ext)s.")
            % {"name": name, "label": label, "ext": extension},
            code="file_type",
        )
    return CheckedFile(name=name, content_type=content_type, size=size, sha256=digest.hexdigest())
