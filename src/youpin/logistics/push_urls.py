"""URLs of the tracking push endpoints, mounted at /push/."""

from django.urls import path

from youpin.logistics import push_views

app_name = "push"

urlpatterns = [
    path("kuaidi100/", push_views.kuaidi100_push, name="kuaidi100"),
    path("kdniao/", push_views.kdniao_push, name="kdniao"),
    path("wechat/", push_views.wechat_push, name="wechat"),
]
