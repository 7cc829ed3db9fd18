"""Reads of import batches, limited to what a scope may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.ingest.models import ImportBatch


def batches_visible(scope: Scope) -> QuerySet[ImportBatch]:
    """Batches a scope may see: the operator all, a merchant its own, others none."""
    qs = ImportBatch.objects.all()
    if scope.role == Role.OPERATOR:
        return qs
    if scope.role == Role.MERCHANT and scope.merchant_id is not None:
        return qs.filter(merchant_id=scope.merchant_id)
    return qs.none()


def batch_summary(batch: ImportBatch) -> dict[str, Any]:
    """A batch as a JSON-ready dict: identity, status, counts and its report."""
    return {
        "id": batch.pk,
        "kind": batch.kind,
        "source": batch.source,
        "status": batch.status,
        "format": batch.format,
        "file_name": batch.file_name,
        "file_sha256": batch.file_sha256,
        "file_size": batch.file_size,
        "merchant_id": batch.merchant_id,
        "created_at": batch.created_at.isoformat() if batch.created_at else None,
        "started_at": batch.started_at.isoformat() if batch.started_at else None,
        "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
        "rows_read": batch.rows_read,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "rejected": batch.rejected,
        "progress_rows": batch.progress_rows,
        "error": batch.error,
        "report": batch.report or {},
    }
