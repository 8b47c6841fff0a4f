"""Masking of personal data (identification and phone numbers) in logs and lists."""

from __future__ import annotations

import logging
import re

# 9 to 12 digit runs: citizen identification numbers (12), old identity cards (9), phone numbers (10-11).
_DIGIT_RUN = re.compile(r"(?<!\d)(\d{3})\d{3,6}(\d{3})(?!\d)")


def mask_id(value: str | None) -> str:
    """Keep the first three and last three characters: 001099012345 → 001******345."""
    if not value:
        return ""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 6) + value[-3:]


def mask_text(text: str) -> str:
    """Mask every run of 9 to 12 digits in free text."""
    return _DIGIT_RUN.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 6) + m.group(2), text)


class MaskPersonalDataFilter(logging.Filter):
    """Rewrites a log record so that no identification or phone number reaches the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as Django would, unmasked args dropped
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
