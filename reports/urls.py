from django.urls import path

from reports import views, views_choices, views_files, views_report

app_name = "reports"

urlpatterns = [
    path("plans/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("plans/<slug:slug>/register/", views.register, name="register"),
    path(
        "plans/<slug:slug>/register/choices/",
        views_choices.register_choices,
        name="register_choices",
    ),
    path(
        "plans/<slug:slug>/register.csv", views.register_export, {"fmt": "csv"}, name="register_csv"
    ),
    path(
        "plans/<slug:slug>/register.xlsx",
        views.register_export,
        {"fmt": "xlsx"},
        name="register_xlsx",
    ),
    path("plans/<slug:slug>/reports/", views_report.report_list, name="reports"),
    path("plans/<slug:slug>/reports/new/", views_report.report_new, name="report_new"),
    path("reports/<id:pk>/", views_report.report_detail, name="report"),
    path("reports/<id:pk>/edit/", views_report.report_edit_view, name="report_edit"),
    path("reports/<id:pk>/publish/", views_report.report_publish_view, name="report_publish"),
    path("reports/<id:pk>/correct/", views_report.report_correct, name="report_correct"),
    path("reports/<id:pk>/statuses.css", views_report.report_css, name="report_css"),
    path(
        "reports/<id:pk>/report.pdf",
        views_report.report_download,
        {"fmt": "pdf"},
        name="report_pdf",
    ),
    path(
        "reports/<id:pk>/report.docx",
        views_report.report_download,
        {"fmt": "docx"},
        name="report_docx",
    ),
    path(
        "reports/<id:pk>/report.xlsx",
        views_report.report_download,
        {"fmt": "xlsx"},
        name="report_xlsx",
    ),
    # The summary layout (reports.summary): charts and counts, the Excel file its appendix.
    path(
        "reports/<id:pk>/summary.pdf",
        views_report.report_download,
        {"fmt": "sum"},
        name="report_summary",
    ),
    # A report file made in the background: its progress page, status, download and retry.
    path("reports/<id:pk>/files/<id:file_id>/", views_files.report_file, name="report_file"),
    path(
        "reports/<id:pk>/files/<id:file_id>/status.json",
        views_files.report_file_status,
        name="report_file_status",
    ),
    path(
        "reports/<id:pk>/files/<id:file_id>/download/",
        views_files.report_file_download,
        name="report_file_download",
    ),
    path(
        "reports/<id:pk>/files/<id:file_id>/retry/",
        views_files.report_file_retry,
        name="report_file_retry",
    ),
]
