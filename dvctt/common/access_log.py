"""gunicorn's access log without identification or phone numbers (gunicorn.conf.py names this logger class).

An official searching by identification number (``/mot-cua/tim-kiem/?q=001099012345``) puts the number in the
request line, and the next page's Referer carries it again: every field of the access line goes through
:func:`dvctt.common.masking.mask_text`, as Django's own log records do (``MaskPersonalDataFilter``).
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from dvctt.common.masking import mask_text


class MaskingAccessLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: mask_text(value) if isinstance(value, str) else value for key, value in atoms.items()}
