"""URL map: the site, the API and the back office."""

from django.contrib import admin
from django.urls import include, path

from youpin.config.api import api

admin.site.site_header = "中卫优品 管理后台"
admin.site.site_title = "中卫优品"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("push/", include("youpin.logistics.push_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("counter/", include("youpin.counter.urls")),
    path("stations/", include("youpin.stations.urls")),
    path("trust/", include("youpin.trust.urls")),
    path("delivery/", include("youpin.delivery.urls")),
    path("cockpit/", include("youpin.cockpit.urls")),
    path("reports/", include("youpin.reports.urls")),
    path("", include("youpin.portal.urls")),
]

handler400 = "youpin.portal.views.bad_request"
handler403 = "youpin.portal.views.permission_denied"
handler404 = "youpin.portal.views.page_not_found"
handler500 = "youpin.portal.views.server_error"
