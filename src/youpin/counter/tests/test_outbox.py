"""The outbox: the default sender, a failing adapter, retries, and the CLI jobs."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from youpin.counter import outbox, services
from youpin.counter.models import OutboxMessage, OutboxState
from youpin.stations.models import Station

pytestmark = pytest.mark.django_db


class Recording:
    """A sender that keeps what it was given."""

    name = "recording"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, body: str) -> None:
        """Keep the message."""
        self.sent.append((phone, body))


def test_messages_go_once_in_order(station: Station) -> None:
    """Two queued notices are sent once each, oldest first; a second run sends nothing."""
    for n in range(2):
        services.parcel_check_in(
            station=station, waybill=f"YT{1000000000000 + n}", recipient_phone=f"1389555000{n}"
        )
    sender = Recording()
    assert outbox.outbox_send(sender=sender).sent == 2
    assert [phone for phone, _ in sender.sent] == ["13895550000", "13895550001"]
    assert "1-1-1" in sender.sent[0][1]
    assert outbox.outbox_send(sender=sender).sent == 0
    assert set(OutboxMessage.objects.values_list("state", "backend")) == {("sent", "recording")}


def test_an_unconfigured_provider_fails_after_five_attempts(station: Station) -> None:
    """The adapter base refuses; the message is retried, then marked failed."""
    services.parcel_check_in(
        station=station, waybill="YT1000000000001", recipient_phone="13895556789"
    )
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        run = outbox.outbox_send(sender=outbox.ProviderSender())
        assert (run.failed, run.retry_later) == ((1, 0) if attempt == 5 else (0, 1))
    message = OutboxMessage.objects.get()
    assert message.state == OutboxState.FAILED
    assert message.attempts == 5
    assert message.last_error


def test_commands(station: Station) -> None:
    """`counter overdue` and `counter outbox` print what they did."""
    services.parcel_check_in(
        station=station, waybill="YT1000000000001", recipient_phone="13895556789",
        now=timezone.now() - timedelta(hours=30),
    )  # fmt: skip
    out = StringIO()
    call_command("counter", "overdue", stdout=out)
    assert json.loads(out.getvalue()) == {"reminders_24": 1, "reminders_48": 0, "to_return": 0}
    out = StringIO()
    call_command("counter", "outbox", stdout=out)
    assert json.loads(out.getvalue())["sent"] == 2  # the arrival notice and the reminder
