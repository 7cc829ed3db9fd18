"""The upload form of the imports page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from youpin.accounts.models import Role
from youpin.accounts.scoping import Scope
from youpin.catalog.models import Merchant
from youpin.connectors.platforms import PLATFORM_FORMATS
from youpin.connectors.platforms.detect import FORMATS

PLATFORM_LABELS = {
    "auto": gettext_noop("自动识别"),
    "taobao": gettext_noop("淘宝/天猫"),
    "pinduoduo": gettext_noop("拼多多"),
    "douyin": gettext_noop("抖店"),
    "jd": gettext_noop("京东"),
}

#: The connectors' format labels (`connectors.platforms.detect.FORMATS`), marked here for the
#: English catalogue; the connectors keep them Chinese (batch reports store them). A test
#: checks that every format's label is listed.
FORMAT_LABELS = (
    gettext_noop("淘宝/天猫 订单报表（ExportOrderList）"),
    gettext_noop("天猫/淘宝 子订单报表"),
    gettext_noop("拼多多 订单导出"),
    gettext_noop("拼多多 售后信息"),
    gettext_noop("抖店 订单导出"),
    gettext_noop("京东 POP 订单导出"),
)


def platform_choices() -> list[tuple[str, str]]:
    """The platform choices in the active language: auto, each platform, each format."""
    choices = [
        (name, gettext(PLATFORM_LABELS.get(name, name))) for name in ("auto", *PLATFORM_FORMATS)
    ]
    choices += [(name, gettext(connector.label)) for name, connector in FORMATS.items()]
    return choices


class UploadForm(forms.Form):
    """A file to import, its platform, and (for the operator) the merchant it belongs to."""

    file = forms.FileField(label=gettext_lazy("导出文件（CSV 或 XLSX）"))
    platform = forms.ChoiceField(
        label=gettext_lazy("平台"), choices=platform_choices, initial="auto"
    )
    merchant = forms.ModelChoiceField(
        label=gettext_lazy("商户"),
        queryset=Merchant.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("（按文件中的店铺ID确定）"),
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
