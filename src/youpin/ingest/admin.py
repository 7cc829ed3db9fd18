"""Back office for import batches, rejected rows and pushes."""

from django.contrib import admin

from youpin.ingest.models import ImportBatch, InboundPush, RejectedRow


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Batches with their counts."""

    list_display = (
        "id",
        "kind",
        "source",
        "format",
        "file_name",
        "status",
        "rows_read",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "created_at",
    )
    list_filter = ("kind", "source", "status")
    search_fields = ("file_name", "file_sha256")
    raw_id_fields = ("created_by", "merchant")


@admin.register(RejectedRow)
class RejectedRowAdmin(admin.ModelAdmin):
    """Rejected rows and why."""

    list_display = ("batch", "row_number", "code", "reason")
    list_filter = ("code",)
    raw_id_fields = ("batch",)


@admin.register(InboundPush)
class InboundPushAdmin(admin.ModelAdmin):
    """Received pushes, replayable."""

    list_display = ("provider", "received_at", "status", "signature_ok", "events", "reason")
    list_filter = ("provider", "status", "signature_ok")
    raw_id_fields = ("batch",)
