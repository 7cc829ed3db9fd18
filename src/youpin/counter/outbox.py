"""Sending the queued notifications through a pluggable sender.

A sender is any object with `name` and `send(phone, body) -> None` that raises
`SendError` when the message did not go. The default, `DatabaseSender`, only marks the
message sent: the outbox table is the record (a keeper or the operator reads it in the
back office). `ConsoleSender` also writes each message to the log, the phone masked.
SMS and WeChat providers plug in as adapters: subclass `ProviderSender` and name the class
in the `YOUPIN_COUNTER_SENDER` environment variable (or the `COUNTER_SENDER` setting) as
`package.module.ClassName`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from youpin.core.masking import mask_phone
from youpin.counter.models import OutboxMessage, OutboxState

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


class SendError(Exception):
    """The provider did not take the message."""


class Sender(Protocol):
    """What the outbox needs of a sender."""

    name: str

    def send(self, phone: str, body: str) -> None:
        """Deliver one message; raise SendError when it did not go."""


class DatabaseSender:
    """Keeps the message in the outbox table as its record; nothing leaves the machine."""

    name = "db"

    def send(self, phone: str, body: str) -> None:
        """Nothing to do: the row is the message."""


class ConsoleSender:
    """Writes each message to the log (phone masked), for development and demonstrations."""

    name = "console"

    def send(self, phone: str, body: str) -> None:
        """Log the message."""
        log.info("notice to %s: %s", mask_phone(phone), body)


class ProviderSender:
    """Base of an SMS or WeChat adapter: subclass it and implement `send` with the provider's
    client (templates, signatures and the provider's error codes belong there)."""

    name = "provider"

    def send(self, phone: str, body: str) -> None:
        """Not configured: every message fails until an adapter implements this."""
        raise SendError(f"{type(self).__name__} has no provider configured")


BUILT_IN: dict[str, type] = {"db": DatabaseSender, "console": ConsoleSender}


def configured_sender() -> Sender:
    """The sender named by `COUNTER_SENDER` / `YOUPIN_COUNTER_SENDER` (default `db`)."""
    name = getattr(settings, "COUNTER_SENDER", "") or os.environ.get("YOUPIN_COUNTER_SENDER", "db")
    cls = BUILT_IN.get(name) or import_string(name)
    sender: Sender = cls()
    return sender


@dataclass
class OutboxRun:
    """What one pass over the outbox did."""

    sent: int = 0
    failed: int = 0
    retry_later: int = 0


def outbox_send(*, sender: Sender | None = None, limit: int = 500) -> OutboxRun:
    """Send queued messages, oldest first; each one locked and marked in its own transaction,
    so two runners never send the same message. A failure is retried on the next run, up to
    five attempts."""
    chosen = sender or configured_sender()
    run = OutboxRun()
    ids = list(
        OutboxMessage.objects.filter(state=OutboxState.QUEUED)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=OutboxState.QUEUED)
                .first()
            )
            if message is None:
                continue
            message.attempts += 1
            message.backend = chosen.name[:20]
            try:
                chosen.send(message.phone, message.body)
            except SendError as exc:
                message.last_error = str(exc)[:200]
                if message.attempts >= MAX_ATTEMPTS:
                    message.state = OutboxState.FAILED
                    run.failed += 1
                else:
                    run.retry_later += 1
            else:
                message.state = OutboxState.SENT
                message.sent_at = timezone.now()
                run.sent += 1
            message.save(update_fields=["attempts", "backend", "last_error", "state", "sent_at"])
    return run
