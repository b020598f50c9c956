from django.urls import path, re_path, register_converter

from plans import views
from plans.converters import PeriodCodeConverter

register_converter(PeriodCodeConverter, "period")

app_name = "plans"

urlpatterns = [
    path("statuses.css", views.status_css, name="status_css"),
    path("quarters/", views.quarters_index, name="quarters_index"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("plans/<slug:slug>/outcomes/<int:pk>/", views.outcome_detail, name="outcome"),
    path("plans/<slug:slug>/quarters/", views.quarters, name="quarters"),
    path("plans/<slug:slug>/quarters/new/", views.quarter_create, name="quarter_create"),
    path("plans/<slug:slug>/quarters/<period:code>/", views.quarter_detail, name="quarter"),
    re_path(
        r"^plans/(?P<slug>[-\w]+)/quarters/(?P<code>[0-9]{4}-[0-9]{2}-Q[1-4])/"
        r"(?P<transition>open|extend|close|reopen|publish)/$",
        views.quarter_transition,
        name="quarter_transition",
    ),
    path("plans/<slug:slug>/reassign/", views.reassign, name="reassign"),
]
