from django.urls import include, path

from public import feeds, views, views_data, views_manage, views_reports

app_name = "public"

# Everything in `urlpatterns` is served under /public/ (see the end of this module).
urlpatterns: list = []

# Open data, the data dictionary, the feeds and published reports. Listed before the pages'
# "<slug>/" patterns, so "data" and "feed.atom" are never read as a plan's slug.
urlpatterns += [
    path("data/", views_data.data_dictionary, name="data_dictionary"),
    path("feed.atom", feeds.feed, name="feed"),
    path("<slug:slug>/feed.atom", feeds.plan_feed, name="plan_feed"),
    path("<slug:slug>/<period:code>/data.csv", views_data.data_csv, name="data_csv"),
    path("<slug:slug>/<period:code>/data.json", views_data.data_json, name="data_json"),
    path(
        "<slug:slug>/<period:code>/indicators.csv",
        views_data.indicators_csv,
        name="indicators_csv",
    ),
    path("<slug:slug>/reports/<id:pk>/", views_reports.report, name="report"),
    path("<slug:slug>/reports/<id:pk>/report.pdf", views_reports.report_pdf, name="report_pdf"),
    path("<slug:slug>/reports/<id:pk>/report.css", views_reports.report_css, name="report_css"),
]

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
