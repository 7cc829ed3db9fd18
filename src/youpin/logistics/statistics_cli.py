"""Command line of `youpin kpi express`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError, OutputWrapper


def add_arguments(parser: ArgumentParser) -> None:
    """Declare the arguments of `kpi express`."""
    parser.add_argument("--year", type=int, help="calendar year (Asia/Shanghai)")
    parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")


def run(options: dict[str, Any], *, stdout: OutputWrapper) -> None:
    """Compute the statistic and print it."""
    raise CommandError("kpi express is not available yet")
