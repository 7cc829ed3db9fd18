"""`youpin import orders FILE`, `import tracking FILE`, `import rejects BATCH`, `import worker`,
`import check`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from youpin.ingest import cli_check, cli_orders, cli_tracking


class Command(BaseCommand):
    """Import files into Youpin; each kind of data has its subcommand."""

    help = "Import order exports (`import orders FILE`) or tracking files (`import tracking FILE`)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare one subcommand per kind of data."""
        kinds = parser.add_subparsers(dest="kind", required=True)
        cli_orders.add_arguments(kinds.add_parser("orders", help="order exports of any platform"))
        cli_tracking.add_arguments(kinds.add_parser("tracking", help="tracking files or pushes"))
        cli_orders.add_rejects_arguments(
            kinds.add_parser("rejects", help="write a batch's rejected rows as a CSV")
        )
        cli_orders.add_worker_arguments(
            kinds.add_parser("worker", help="run uploaded (pending) order imports")
        )
        cli_check.add_check_arguments(
            kinds.add_parser("check", help="find references to rows that do not exist")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the chosen import."""
        runners = {
            "orders": cli_orders.run,
            "tracking": cli_tracking.run,
            "rejects": cli_orders.rejects_run,
            "worker": cli_orders.worker_run,
            "check": cli_check.check_run,
        }
        runners[options["kind"]](options, stdout=self.stdout, stderr=self.stderr)
