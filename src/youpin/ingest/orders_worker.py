"""The parsing worker of a large import: both ends of the pipe.

`order_chunks(spec, parallel=True)` starts `python -m youpin.ingest.orders_worker`, a
plain child process (nothing of the parent's database connections, threads or
`__main__` is carried over), sends it the spec on stdin and reads the items of
`produce(spec)` from its stdout, in the frames of orders_wire.py. A reader thread
decodes up to FRAMES_AHEAD frames ahead, so that the worker parses the next chunks,
and decoding overlaps the database's work, while the loader writes the current one;
the queue bounds the memory. When the loader is killed, the worker's next write fails
and it exits.
"""

from __future__ import annotations

import contextlib
import gc
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from typing import IO

from youpin.ingest.collector import BULK_THRESHOLDS
from youpin.ingest.orders_source import Item, SourceSpec, produce
from youpin.ingest.orders_wire import (
    END,
    from_wire,
    read_frame,
    spec_from,
    spec_wire,
    to_wire,
    write_frame,
)

GC_THRESHOLDS = BULK_THRESHOLDS  # parsing allocates much and makes few cycles (collector.py)
FRAMES_AHEAD = 2  # decoded chunks waiting for the loader


class WorkerError(RuntimeError):
    """The parsing process failed or vanished."""


_DONE = object()


def _read_ahead(stream: IO[bytes], items: queue.Queue[object]) -> None:
    """Reader thread: decode the worker's frames into the queue; _DONE or the error last."""
    try:
        while True:
            data = read_frame(stream)
            if data == END:
                items.put(_DONE)
                return
            items.put(from_wire(data))
    except EOFError:
        items.put(None)  # the worker ended without its end frame
    except Exception as exc:  # a decoding error must reach the loader, not vanish with the thread
        items.put(exc)


def order_chunks(spec: SourceSpec, *, parallel: bool) -> Iterator[Item]:
    """The items of `produce(spec)`, computed in this process or in a worker process."""
    if not parallel:
        yield from produce(spec)
        return
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "youpin.ingest.orders_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert process.stdin is not None
        assert process.stdout is not None
        items: queue.Queue[object] = queue.Queue(maxsize=FRAMES_AHEAD)
        reader = threading.Thread(
            target=_read_ahead, args=(process.stdout, items), name="import-reader", daemon=True
        )
        try:
            write_frame(process.stdin, spec_wire(spec))
            process.stdin.close()
            reader.start()
            while True:
                item = items.get()
                if item is _DONE:
                    return
                if item is None or isinstance(item, Exception):
                    process.wait()
                    errors.seek(0)
                    lines = errors.read().decode("utf-8", "replace").strip().splitlines()
                    detail = lines[-1] if lines else item or process.returncode
                    raise WorkerError(f"解析进程意外退出：{detail}")
                yield item  # type: ignore[misc]
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            while reader.is_alive():  # unblock a reader waiting for room in the queue
                with contextlib.suppress(queue.Empty):
                    items.get_nowait()
                reader.join(timeout=0.05)
            process.stdout.close()


def main() -> int:
    """The worker process: one parse; 0 on success or when the reader went away."""
    gc.set_threshold(*GC_THRESHOLDS)
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr  # a stray print must not corrupt the frames
    try:
        spec = spec_from(read_frame(sys.stdin.buffer))
        for item in produce(spec):
            write_frame(out, to_wire(item))
        write_frame(out, END)
    except BrokenPipeError:
        os._exit(0)  # the loader is gone: nothing to report to
    return 0


if __name__ == "__main__":
    sys.exit(main())
