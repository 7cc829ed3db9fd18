"""Tracking ingest: canonical events from every provider into parcels and timelines.

* `service.tracking_ingest` — apply events set-based (staging table, insert-or-ignore,
  parcel states derived from all events);
* `files.tracking_file_import` — a file (CSV/XLSX or a saved JSON push) as one batch;
* `pushes.push_receive` / `pushes.push_replay` — provider pushes: stored first,
  verified, parsed, applied, answered; replayed later from what was stored.
"""

from youpin.ingest.tracking.service import TrackingIngestCounts, tracking_ingest

__all__ = ["TrackingIngestCounts", "tracking_ingest"]
