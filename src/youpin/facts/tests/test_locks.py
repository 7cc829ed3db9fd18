"""One run at a time: `facts refresh`, `trust refresh` and the counter jobs skip while another
run holds the job's lock (an advisory lock on PostgreSQL, a lock file on SQLite).

The other run is a second thread: it takes the lock through its own connection (PostgreSQL)
or its own file descriptor (SQLite) exactly as another process would.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from youpin.core.joblock import JobBusy, job_lock, lock_key
from youpin.facts.models import FactsState
from youpin.facts.refresh import LOCK_NAME as FACTS_LOCK
from youpin.facts.refresh import facts_refresh_days
from youpin.trust.models import SignalRule, TrustState
from youpin.trust.services import LOCK_NAME as TRUST_LOCK

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_var_dir(settings: Any, tmp_path: Path) -> None:
    """Lock files under the test's own directory."""
    settings.VAR_DIR = tmp_path / "var"


@contextmanager
def held_elsewhere(name: str) -> Iterator[None]:
    """Hold a job's lock in another thread for the duration of the block."""
    taken, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            with job_lock(name):
                taken.set()
                release.wait(30)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            taken.set()

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(30)
    assert not errors, errors
    try:
        yield
    finally:
        release.set()
        thread.join(30)


def run(*args: str) -> str:
    """Run a command; what it printed."""
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_second_holder_is_refused_until_the_first_lets_go() -> None:
    """Busy while another holds it; free again after; re-entrant in one thread."""
    with held_elsewhere("demo-job"), pytest.raises(JobBusy), job_lock("demo-job", wait=0.3):
        pass  # pragma: no cover
    with job_lock("demo-job"), job_lock("demo-job"):  # the same thread again: fine
        pass
    assert lock_key("a") != lock_key("b")


def test_facts_refresh_skips_while_another_runs() -> None:
    """The command prints that it skipped and writes nothing; afterwards it runs."""
    with held_elsewhere(FACTS_LOCK):
        assert json.loads(run("facts", "refresh", "--json")) == {"skipped": "busy"}
        assert "本次跳过" in run("facts", "refresh")
        assert not FactsState.objects.exists()
        with pytest.raises(JobBusy):
            facts_refresh_days([], wait=0.2)
    assert json.loads(run("facts", "refresh", "--json"))["mode"] == "full"
    assert FactsState.objects.get().last_mode == "full"


def test_trust_refresh_skips_while_another_runs() -> None:
    """`trust refresh --changed` skips while busy, then runs in full and keeps a watermark."""
    with held_elsewhere(TRUST_LOCK):
        assert json.loads(run("trust", "refresh", "--changed", "--json")) == {"skipped": "busy"}
        assert not TrustState.objects.exists()
    data = json.loads(run("trust", "refresh", "--changed", "--json"))
    assert data["full"] is True
    state = TrustState.objects.get()
    assert state.last_full
    assert state.rows_changed_since is not None
    assert json.loads(run("trust", "refresh", "--changed", "--json"))["full"] is False
    rule = SignalRule.objects.get(code="burst")
    rule.params = {**rule.params, "ratio": 4}
    rule.save()
    assert json.loads(run("trust", "refresh", "--changed", "--json"))["full"] is True


def test_counter_jobs_skip_while_another_runs() -> None:
    """`counter overdue` and `counter outbox` each skip while their own lock is held."""
    with held_elsewhere("counter-overdue"):
        assert json.loads(run("counter", "overdue")) == {"skipped": "busy"}
        assert "sent" in json.loads(run("counter", "outbox"))  # another job: not blocked
    assert "to_return" in json.loads(run("counter", "overdue"))
