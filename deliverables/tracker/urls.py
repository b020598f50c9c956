"""The tracker's pages: imports (upload, the columns' meanings, the questions, preview,
confirm, cancel, the record), the saved layouts, and a quarter downloaded as the council's
tracker workbook. Included in the deliverables namespace."""

from django.urls import path

from deliverables.tracker import views, views_progress

urlpatterns = [
    path(
        "plans/<slug:slug>/quarters/<period:code>/tracker.xlsx",
        views.export_tracker,
        name="export_tracker",
    ),
    path("imports/", views.import_list, name="imports"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/<id:pk>/", views.import_detail, name="import"),
    path("imports/<id:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("imports/<id:pk>/answers/", views.import_answers, name="import_answers"),
    path("imports/<id:pk>/apply/", views.import_apply, name="import_apply"),
    path("imports/<id:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("imports/layouts/", views.layout_list, name="import_layouts"),
    path(
        "imports/layouts/<id:pk>/delete/",
        views.layout_delete_confirm,
        name="import_layout_delete",
    ),
    # A confirmed import written in the background: its progress page and status.
    path("imports/<id:pk>/progress/", views_progress.import_progress, name="import_progress"),
    path(
        "imports/<id:pk>/progress.json",
        views_progress.import_progress_status,
        name="import_progress_status",
    ),
]
