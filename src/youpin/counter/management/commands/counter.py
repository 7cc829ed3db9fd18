"""`youpin counter outbox|overdue`: send queued notices; run the 24/48/72-hour pass.

Each job runs once at a time (`core.joblock`): a second run while one holds the lock waits
`--wait` seconds (0 by default), then prints {"skipped": "busy"} and exits 0.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from youpin.core.joblock import JobBusy, job_lock
from youpin.counter.outbox import outbox_send
from youpin.counter.services import custody_overdue_sweep
from youpin.stations.models import Station


class Command(BaseCommand):
    """Background jobs of the station counter (run them from cron or a timer)."""

    help = "站点柜台的后台任务：outbox 发送待发通知；overdue 发送超时提醒并生成退回清单"

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the two subcommands."""
        sub = parser.add_subparsers(dest="job", required=True)
        outbox = sub.add_parser("outbox", help="send queued notices through the configured sender")
        outbox.add_argument("--limit", type=int, default=500)
        overdue = sub.add_parser("overdue", help="24 h / 48 h reminders and the 72 h return list")
        overdue.add_argument("--station", help="one station's code (default: every station)")
        for job in (outbox, overdue):
            job.add_argument(
                "--wait", type=float, default=0.0, help="seconds to wait for a run in progress"
            )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the job (one run of each job at a time) and print what it did as JSON."""
        try:
            with job_lock(f"counter-{options['job']}", wait=options["wait"]):
                self._run(options)
        except JobBusy:
            self.stdout.write(json.dumps({"skipped": "busy"}))

    def _run(self, options: dict[str, Any]) -> None:
        """Run the chosen job and print what it did as JSON."""
        if options["job"] == "outbox":
            run = outbox_send(limit=options["limit"])
            result: dict[str, int] = {"sent": run.sent, "failed": run.failed,
                                      "retry_later": run.retry_later}  # fmt: skip
        else:
            station = None
            if options.get("station"):
                station = Station.objects.filter(code=options["station"]).first()
                if station is None:
                    raise CommandError(f"no station with code {options['station']!r}")
            sweep = custody_overdue_sweep(station=station)
            result = {"reminders_24": sweep.reminders_24, "reminders_48": sweep.reminders_48,
                      "to_return": sweep.to_return}  # fmt: skip
        self.stdout.write(json.dumps(result))
