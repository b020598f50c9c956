from django.urls import path, register_converter

from plans import views
from plans.converters import IdConverter, PeriodCodeConverter

register_converter(PeriodCodeConverter, "period")
# Every id in the project's URLs: a bounded whole number (plans.converters.IdConverter).
register_converter(IdConverter, "id")

app_name = "plans"

urlpatterns = [
    path("statuses.css", views.status_css, name="status_css"),
]
