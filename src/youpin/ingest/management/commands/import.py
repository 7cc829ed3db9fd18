"""`youpin import orders FILE …` and `youpin import tracking FILE …`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from youpin.ingest import cli_orders, cli_tracking


class Command(BaseCommand):
    """Import files into Youpin; each kind of data has its subcommand."""

    help = "Import order exports (`import orders FILE`) or tracking files (`import tracking FILE`)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare one subcommand per kind of data."""
        kinds = parser.add_subparsers(dest="kind", required=True)
        cli_orders.add_arguments(kinds.add_parser("orders", help="order exports of any platform"))
        cli_tracking.add_arguments(kinds.add_parser("tracking", help="tracking files or pushes"))

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the chosen import."""
        runner = cli_orders.run if options["kind"] == "orders" else cli_tracking.run
        runner(options, stdout=self.stdout, stderr=self.stderr)
