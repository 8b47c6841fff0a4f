"""Checks on an uploaded picture: PNG, JPEG or WebP, at most 2 MB, and really that image (opened by Pillow)."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from dvctt.common.errors import DomainError

#: Pillow's format name → (content type, the extensions a file of it may have, the extension it is stored with).
FORMATS: dict[str, tuple[str, frozenset[str], str]] = {
    "PNG": ("image/png", frozenset({".png"}), ".png"),
    "JPEG": ("image/jpeg", frozenset({".jpg", ".jpeg"}), ".jpg"),
    "WEBP": ("image/webp", frozenset({".webp"}), ".webp"),
}
EXTENSIONS = frozenset(ext for _type, exts, _stored in FORMATS.values() for ext in exts)
#: Beyond this many pixels a picture is refused before being decoded (a "decompression bomb").
MAX_PIXELS = 40_000_000


def max_image_bytes() -> int:
    return int(getattr(settings, "DVCTT_GUIDE_IMAGE_MAX_BYTES", 2 * 1024 * 1024))


@dataclass(frozen=True)
class CheckedImage:
    name: str
    content_type: str
    extension: str
    size: int
    width: int
    height: int
    sha256: str
    data: bytes


def _refuse(message: str, code: str = "image_type") -> DomainError:
    return DomainError(message, code=code, fields={"image": [message]})


def image_check(*, upload: Any) -> CheckedImage:
    """Refuse a file that is empty, too big, not PNG/JPEG/WebP, not what its name says, or not decodable."""
    name = PurePath(getattr(upload, "name", "") or "").name[:200] or "anh"
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS:
        raise _refuse(
            _("Ảnh “%(name)s” không đúng định dạng: chỉ nhận PNG, JPEG hoặc WebP.") % {"name": name}
        )
    size = int(getattr(upload, "size", 0) or 0)
    limit = max_image_bytes()
    if size == 0:
        raise _refuse(_("Ảnh “%(name)s” rỗng.") % {"name": name}, "image_empty")
    if size > limit:
        raise _refuse(
            _("Ảnh “%(name)s” dung lượng %(size).1f MB, vượt quá giới hạn %(limit).0f MB.")
            % {"name": name, "size": size / 1048576, "limit": limit / 1048576},
            "image_too_big",
        )
    data = b"".join(upload.chunks())[: limit + 1]
    if len(data) > limit:
        raise _refuse(_("Ảnh “%(name)s” vượt quá giới hạn dung lượng.") % {"name": name}, "image_too_big")
    not_image = _("Tệp “%(name)s” không phải là ảnh hợp lệ.") % {"name": name}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
                found = probe.format or ""
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _refuse(
                        _("Ảnh “%(name)s” quá lớn (%(w)s×%(h)s điểm ảnh).")
                        % {"name": name, "w": width, "h": height},
                        "image_too_big",
                    )
                image.load()  # decodes the pixels: a truncated or corrupt file fails here
    except DomainError:
        raise
    except Exception:  # Pillow raises many kinds on bad input (OSError, SyntaxError, ValueError, …)
        raise _refuse(not_image) from None
    if found not in FORMATS:
        raise _refuse(
            _("Ảnh “%(name)s” không đúng định dạng: chỉ nhận PNG, JPEG hoặc WebP.") % {"name": name}
        )
    content_type, extensions, stored = FORMATS[found]
    if extension not in extensions:
        raise _refuse(
            _("Nội dung ảnh “%(name)s” là %(format)s, không khớp với phần mở rộng %(ext)s.")
            % {"name": name, "format": found, "ext": extension}
        )
    return CheckedImage(
        name=name,
        content_type=content_type,
        extension=stored,
        size=len(data),
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
