from django.urls import include, path

from public import views, views_manage

app_name = "public"

# Everything in `urlpatterns` is served under /public/ (see the end of this module).
urlpatterns: list = []

# The public pages (no sign-in).
urlpatterns += [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.plan, name="plan"),
    path("<slug:slug>/<period:code>/", views.period, name="period"),
    path("<slug:slug>/<period:code>/outcomes/<id:pk>/", views.outcome, name="outcome"),
]

# One namespace for the public pages and the signed-in page that switches them on, which
# lives with the other management pages under /manage/: sandwell_perf/urls.py includes this
# module at the root, so the pages above are wrapped in /public/ here.
urlpatterns = [
    path("public/", include(urlpatterns)),
    path("manage/plans/<slug:slug>/public/", views_manage.manage, name="manage"),
]
