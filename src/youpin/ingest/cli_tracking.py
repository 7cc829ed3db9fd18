"""Command-line import of tracking (`youpin import tracking FILE`)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError, OutputWrapper


def add_arguments(parser: ArgumentParser) -> None:
    """Declare the arguments of `import tracking`."""
    parser.add_argument("file", help="the file to import")
    parser.add_argument("--json", action="store_true", dest="as_json", help="print a JSON report")


def run(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Import one file and report."""
    raise CommandError("import tracking is not available yet")
