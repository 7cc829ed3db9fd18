"""Progress display for long-running commands, on a terminal only."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm


@contextmanager
def progress(
    total: int | None, desc: str, unit: str = "行", stream: TextIO | None = None
) -> Iterator[tqdm]:
    """Yield a progress bar that draws only when the stream is a terminal."""
    out = stream or sys.stderr
    bar = tqdm(total=total, desc=desc, unit=unit, file=out, disable=not out.isatty(), leave=False)
    try:
        yield bar
    finally:
        bar.close()
