"""`youpin kpi retail …` and `youpin kpi express …`: the plan's headline statistics."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from youpin.commerce import statistics_cli as retail_cli
from youpin.logistics import statistics_cli as express_cli
from youpin.stations import statistics_cli as stations_cli


class Command(BaseCommand):
    """Print a statistic of the plan: online retail sales or express volume."""

    help = "Online retail sales (`kpi retail --year 2025`) or express volume (`kpi express`)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare one subcommand per statistic."""
        stats = parser.add_subparsers(dest="statistic", required=True)
        retail_cli.add_arguments(stats.add_parser("retail", help="网络零售额 online retail sales"))
        express_cli.add_arguments(stats.add_parser("express", help="快递业务量 express volume"))
        stations_cli.add_arguments(
            stats.add_parser("stations", help="站点网络与行政村覆盖 stations and coverage")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Compute and print the chosen statistic."""
        runners = {
            "retail": retail_cli.run,
            "express": express_cli.run,
            "stations": stations_cli.run,
        }
        runner = runners[options["statistic"]]
        runner(options, stdout=self.stdout)
