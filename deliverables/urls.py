from django.urls import path

from deliverables import views

app_name = "deliverables"

urlpatterns = [
    path("plans/<slug:slug>/actions/<int:pk>/", views.action_detail, name="action"),
]
