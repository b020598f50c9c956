from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("plans/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("plans/<slug:slug>/register/", views.register, name="register"),
    path(
        "plans/<slug:slug>/register.csv", views.register_export, {"fmt": "csv"}, name="register_csv"
    ),
    path(
        "plans/<slug:slug>/register.xlsx",
        views.register_export,
        {"fmt": "xlsx"},
        name="register_xlsx",
    ),
]
