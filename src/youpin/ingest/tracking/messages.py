"""What a tracking parse said, gathered as it streams: rejected rows kept, the rest tallied."""

from __future__ import annotations

from dataclasses import dataclass, field

from youpin.connectors.messages import Message
from youpin.ingest.models import ImportBatch, RejectedRow

LISTED = 50


@dataclass
class MessageTally:
    """File-level errors, rejected rows (saved to the batch), and warnings by code."""

    errors: list[str] = field(default_factory=list)
    rejected_rows: int = 0
    by_code: dict[str, int] = field(default_factory=dict)
    listed: list[dict[str, object]] = field(default_factory=list)

    def drain(self, messages: list[Message], batch: ImportBatch | None) -> None:
        """Take the messages out of the parse's list (keeping memory bounded) and file them.

        An error about a row becomes a `RejectedRow` with the row's cells; an error about
        the whole payload is a file-level error; everything is counted by code and the
        first few are listed for the report.
        """
        count = len(messages)  # a reader thread may append while this runs
        taken = messages[:count]
        del messages[:count]
        rejected: list[RejectedRow] = []
        for message in taken:
            self.by_code[message.code] = self.by_code.get(message.code, 0) + 1
            if len(self.listed) < LISTED:
                self.listed.append(
                    {
                        "severity": str(message.severity),
                        "code": message.code,
                        "text": message.text,
                        "row": message.row,
                        "column": message.column,
                    }
                )
            if not message.is_error:
                continue
            if message.row is None:
                if len(self.errors) < LISTED:
                    self.errors.append(message.text)
                continue
            self.rejected_rows += 1
            if batch is not None:
                raw: dict[str, object] = dict(message.raw)
                if message.column and not raw:
                    raw = {"column": message.column}
                rejected.append(
                    RejectedRow(
                        batch=batch,
                        row_number=message.row,
                        code=message.code[:40],
                        reason=message.text[:500],
                        raw=raw,
                    )
                )
        if rejected:
            RejectedRow.objects.bulk_create(rejected, batch_size=2000)
