"""Messages connectors return beside their records: errors travel as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How bad a message is: an error rejects the row, a warning keeps it."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Message:
    """One thing a connector has to say about a file or a row, in words a merchant understands."""

    severity: Severity
    code: str
    text: str
    row: int | None = None
    column: str | None = None
    raw: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_error(self) -> bool:
        """True when the row (or the whole file, if row is None) cannot be imported."""
        return self.severity == Severity.ERROR


def error(
    code: str,
    text: str,
    *,
    row: int | None = None,
    column: str | None = None,
    raw: dict[str, str] | None = None,
) -> Message:
    """Build an error message."""
    return Message(Severity.ERROR, code, text, row=row, column=column, raw=raw or {})


def warning(code: str, text: str, *, row: int | None = None, column: str | None = None) -> Message:
    """Build a warning message."""
    return Message(Severity.WARNING, code, text, row=row, column=column)
