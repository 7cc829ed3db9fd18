"""The upload form of the imports page."""

from __future__ import annotations

from typing import Any

from django import forms

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.catalog.models import Merchant
from youpin.connectors.platforms import PLATFORM_FORMATS
from youpin.connectors.platforms.detect import FORMATS

PLATFORM_LABELS = {
    "auto": "自动识别",
    "taobao": "淘宝/天猫",
    "pinduoduo": "拼多多",
    "douyin": "抖店",
    "jd": "京东",
}


def platform_choices() -> list[tuple[str, str]]:
    """The platform choices: auto, each platform, then each format by its label."""
    choices = [(name, PLATFORM_LABELS.get(name, name)) for name in ("auto", *PLATFORM_FORMATS)]
    choices += [(name, connector.label) for name, connector in FORMATS.items()]
    return choices


class UploadForm(forms.Form):
    """A file to import, its platform, and (for the operator) the merchant it belongs to."""

    file = forms.FileField(label="导出文件（CSV 或 XLSX）")
    platform = forms.ChoiceField(label="平台", choices=platform_choices, initial="auto")
    merchant = forms.ModelChoiceField(
        label="商户",
        queryset=Merchant.objects.order_by("name"),
        required=False,
        empty_label="（按文件中的店铺ID确定）",
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        """A merchant imports for itself: the merchant field is left out."""
        super().__init__(*args, **kwargs)
        self.scope = scope
        if scope.role != Role.OPERATOR:
            del self.fields["merchant"]

    def chosen_merchant(self) -> Merchant | None:
        """The merchant the import is for (the merchant's own, or the operator's choice)."""
        if self.scope.role == Role.MERCHANT and self.scope.merchant_id is not None:
            return Merchant.objects.get(pk=self.scope.merchant_id)
        return self.cleaned_data.get("merchant")
