"""The one error the counter's services raise: a code, a message for people, an HTTP status."""

from __future__ import annotations

from typing import Any


class CounterError(Exception):
    """An operation refused, with why (message marked for translation) and what to answer."""

    def __init__(self, code: str, message: str, status: int = 400, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.details = details
