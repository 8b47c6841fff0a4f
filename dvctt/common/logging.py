"""One JSON object a line for the province's log collector (``DVCTT_LOG_FORMAT=json``; docs/operations.md, "Logs").

Fields: ``time`` (ISO 8601 in Asia/Ho_Chi_Minh, milliseconds), ``level``, ``logger``, ``message``,
``request_id``, ``user_id`` (the account's number, never its name), ``path`` (without the query string), and
``exception`` when there is one. Every text field goes through :func:`dvctt.common.masking.mask_text`, here in
the formatter as well as in the handler's filter, so no identification or phone number reaches the log whatever
a message, an exception or a path holds.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dvctt.common.masking import mask_text

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _masked(value: Any) -> Any:
    return mask_text(value) if isinstance(value, str) else value


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: its bare template rather than nothing
            message = str(record.msg)
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, VN).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_text(message),
            "request_id": _masked(getattr(record, "request_id", None)),
            "user_id": getattr(record, "user_id", None),
            "path": _masked(getattr(record, "path", None)),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = mask_text(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = mask_text(record.exc_text)
        if record.stack_info:
            entry["stack"] = mask_text(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
