"""Logging filter that keeps personal data out of every log line."""

from __future__ import annotations

import logging

from youpin.core.masking import mask_phones_in_text


class MaskPersonalDataFilter(logging.Filter):
    """Mask mobile numbers in the rendered message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with phone numbers masked."""
        message = record.getMessage()
        masked = mask_phones_in_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
