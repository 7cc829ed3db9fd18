"""`youpin import check`: the references the database does not enforce, checked set-based."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from youpin.ingest.integrity import dangling_references


def add_check_arguments(parser: ArgumentParser) -> None:
    """Declare the arguments of `import check`."""
    parser.add_argument("--json", action="store_true", dest="as_json", help="print a JSON report")


def check_run(options: dict[str, Any], *, stdout: OutputWrapper, stderr: OutputWrapper) -> None:
    """Count the rows whose unenforced reference points at nothing; fail when there are any."""
    found = dangling_references()
    bad = [d for d in found if d.count]
    if options.get("as_json"):
        report = {
            "checked": [d.label() for d in found],
            "dangling": {d.label(): {"count": d.count, "sample": d.sample} for d in bad},
        }
        stdout.write(json.dumps(report, ensure_ascii=False, default=str, indent=2))
    else:
        for item in found:
            shown = f"{item.count} 行悬空（如 {item.sample}）" if item.count else "完好"
            stdout.write(f"{item.label()}: {shown}")
    if bad:
        raise CommandError(f"{sum(d.count for d in bad)} 行引用了不存在的记录")
