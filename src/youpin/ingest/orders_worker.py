"""The parsing process of a large order import: `python -m youpin.ingest.orders_worker`.

Reads a SourceSpec frame on stdin, writes one frame per item of `produce(spec)` and an
end frame on stdout (see orders_source.py). Pure: no Django, no database. When the
loading process is gone (killed), the next write fails and the worker exits quietly.
"""

from __future__ import annotations

import gc
import os
import sys

from youpin.ingest.orders_source import _END, produce, read_frame, spec_from, to_wire, write_frame

# Parsing allocates millions of short-lived objects and few cycles: collect less often.
GC_THRESHOLDS = (50_000, 50, 1_000)


def main() -> int:
    """Run one parse; 0 on success or when the reader went away, 1 on an error."""
    gc.set_threshold(*GC_THRESHOLDS)
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # a stray print must not corrupt the frames
    try:
        spec = spec_from(read_frame(sys.stdin.buffer))
        for item in produce(spec):
            write_frame(out, to_wire(item))
        write_frame(out, _END)
    except BrokenPipeError:
        os._exit(0)  # the loader is gone: nothing to report to
    return 0


if __name__ == "__main__":
    sys.exit(main())
