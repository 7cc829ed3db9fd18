"""The `youpin` console command: Django's management commands under one name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. `youpin geo resolve "…" --json`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "youpin.config.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["youpin", *args])


if __name__ == "__main__":
    main()
