"""Back office for the demo dataset record."""

from django.contrib import admin

from youpin.demo.models import DemoDataset


@admin.register(DemoDataset)
class DemoDatasetAdmin(admin.ModelAdmin):
    """The synthetic dataset loaded, if any."""

    list_display = ("seed", "scale", "generated_at")
    readonly_fields = ("seed", "scale", "generated_at", "summary")
