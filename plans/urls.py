from django.urls import path, register_converter

from plans import views
from plans.converters import PeriodCodeConverter

register_converter(PeriodCodeConverter, "period")

app_name = "plans"

urlpatterns = [
    path("statuses.css", views.status_css, name="status_css"),
]
