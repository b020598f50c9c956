"""Background tasks of the reports app, run by the worker (`manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from reports.files import file_make


@task()
def make_report_file(file_id: int) -> str:
    """Render one report file and store it (reports.files.file_make)."""
    return file_make(file_id)
