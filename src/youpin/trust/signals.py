"""What the trust context tells others: the verification state of some days' orders changed.

Sent inside the transaction that changed the states (the refresh, a review decision), so a
receiver's writes commit or roll back with them. The sales facts split net sales by state;
their app listens and notes the days for its next refresh (`youpin.facts.apps`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.dispatch import Signal

# Sent with `days`: the Shanghai sale days of the orders whose state changed (never empty).
states_changed = Signal()


def announce_states_changed(sender: object, days: Iterable[date]) -> set[date]:
    """Send `states_changed` for the days, when there are any; the days."""
    found = set(days)
    if found:
        states_changed.send(sender=sender, days=found)
    return found
