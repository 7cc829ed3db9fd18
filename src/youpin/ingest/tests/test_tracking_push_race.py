"""Two pushes of the same new waybill at once: both apply (PostgreSQL, real transactions).

On PostgreSQL a push's parcels, links and events go in one statement. When another
push's transaction has just inserted the same new parcel and not yet committed, the
statement waits for it, finds the parcel taken, but cannot see it in its own snapshot:
its events lack their parcel. That is a race, not a failure — the push is tried again
with a fresh snapshot. These tests make that race happen on purpose.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction

from youpin.ingest.models import InboundPush, PushStatus
from youpin.ingest.tests.tracking_support import (
    NOW,
    carriers_fixture,  # noqa: F401  (the `carriers` fixture)
    sample,
    secrets_fixture,  # noqa: F401  (the `secrets` fixture)
)
from youpin.ingest.tracking.carriers import carrier_codes
from youpin.ingest.tracking.loader import EVENTS, StageLoader
from youpin.ingest.tracking.pushes import _retryable, push_apply
from youpin.ingest.tracking.service import tracking_ingest
from youpin.logistics.models import Parcel, TrackingEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("carriers", "secrets"),
]


@pytest.fixture(autouse=True)
def postgres_only() -> None:
    """The one-statement push path and its race exist on PostgreSQL only."""
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement push path is PostgreSQL's")


def test_a_loader_error_is_a_django_error_that_can_be_retried():
    """A not-null violation from the loader's own cursor arrives as Django's IntegrityError
    with the driver's error as its cause, which `push_apply` retries."""
    loader = StageLoader()
    with pytest.raises(IntegrityError) as caught, transaction.atomic(), loader._cursor() as cursor:
        cursor.execute(f"INSERT INTO {EVENTS} (parcel_id) VALUES (NULL)")
    assert _retryable(caught.value)


def test_a_push_racing_a_new_parcel_is_retried_and_applied():
    """A push whose parcel another transaction is creating right now ends applied, with
    its events on that one parcel."""
    from youpin.connectors.carriers import parse_tracking

    body = sample("kuaidi100_push_v2.txt")
    events = parse_tracking(
        body, provider="kuaidi100", now=NOW, carrier_codes=carrier_codes().table
    ).all_events()
    push = InboundPush.objects.create(
        provider="kuaidi100", body=body, body_sha256="race", signature_ok=True
    )
    holding, release = threading.Event(), threading.Event()

    def other_push() -> None:
        """Insert the same parcel in a transaction that commits only when released."""
        try:
            with transaction.atomic():
                tracking_ingest(events=events[:1], source="kuaidi100", batch=None)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    other = threading.Thread(target=other_push)
    other.start()
    assert holding.wait(10)
    # Our push now blocks on the other's uncommitted parcel; let that commit meanwhile.
    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    outcome = push_apply(push, now=NOW)
    other.join(10)
    assert time.monotonic() - started >= 0.4  # it did wait for the other transaction
    assert outcome.status == PushStatus.APPLIED, outcome.reason
    assert Parcel.objects.count() == 1
    assert TrackingEvent.objects.count() == len({(e.occurred_at, e.raw_text) for e in events})
