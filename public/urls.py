from django.urls import path

from public import feeds, views_data, views_reports

app_name = "public"

urlpatterns: list = []

# Open data, the data dictionary, the feeds and published reports (issue 17). Listed before
# the pages' "<slug>/" patterns, so "data" and "feed.atom" are never read as a plan's slug.
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
