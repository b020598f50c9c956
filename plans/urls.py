from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("statuses.css", views.status_css, name="status_css"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("plans/<slug:slug>/outcomes/<int:pk>/", views.outcome_detail, name="outcome"),
]
