"""The bench's other pages a user reaches at scale (issue 18): the plan page, its largest
outcome, the quarter page, the register's exports, and the exception report's files.

The report's files are made by the worker, not in a request: their making is timed as the
worker's work (the task run in this process), and what a request costs is timed apart: asking
for a draft's PDF (which queues it and answers with the progress page's address), the progress
page, and downloading the stored file. All of it inside a transaction that is rolled back.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.urls import reverse

from plans.models import StrategicOutcome

SHOWN = ("submitted", "approved")
# No worker runs beside the bench: a task run at once is the worker's work, timed in-process.
AT_ONCE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def browse_results(command, client, plan, period, repeat: int) -> list:
    """The plan page, its largest outcome's page, the quarter page, the register's CSV/XLSX."""
    from devtools.management.commands.bench import sql

    slug, code = plan.slug, period.code
    by_outcome = sql(
        "SELECT p.outcome_id, u.status_id, COUNT(DISTINCT a.id) FROM deliverables_action a "
        "JOIN deliverables_quarterlyupdate u ON u.action_id = a.id AND u.period_id = %s "
        "AND u.state IN (%s, %s) JOIN deliverables_actionplacement p ON p.action_id = a.id "
        "GROUP BY p.outcome_id, u.status_id",
        [period.pk, *SHOWN],
    )
    outcome = (
        StrategicOutcome.objects.filter(plan=plan)
        .annotate(n=Count("placements"))
        .order_by("-n", "pk")
        .first()
    )
    results = [
        command.page(
            client, "plan page", reverse("deliverables:plan", args=[slug]) + f"?period={code}",
            repeat, by_outcome,
        ),
    ]  # fmt: skip
    if outcome is not None:
        results.append(
            command.page(
                client, "outcome page",
                reverse("deliverables:outcome", args=[slug, outcome.pk]) + f"?period={code}",
                repeat,
                sql(
                    "SELECT a.id, a.ref, a.title, u.status_id FROM deliverables_actionplacement p "
                    "JOIN deliverables_action a ON a.id = p.action_id "
                    "LEFT JOIN deliverables_quarterlyupdate u ON u.action_id = a.id "
                    "AND u.period_id = %s AND u.state IN (%s, %s) WHERE p.outcome_id = %s",
                    [period.pk, *SHOWN, outcome.pk],
                ),
                note=f"{outcome.n:,} placements",
            )
        )  # fmt: skip
    every_row = sql(
        "SELECT a.id, a.ref, a.title, u.status_id, u.commentary FROM deliverables_action a "
        "LEFT JOIN deliverables_quarterlyupdate u ON u.action_id = a.id AND u.period_id = %s "
        "AND u.state IN (%s, %s) WHERE a.plan_id = %s",
        [period.pk, *SHOWN, plan.pk],
    )
    results += [
        command.page(
            client, "quarter page", reverse("deliverables:quarter", args=[slug, code]), repeat,
            sql(
                "SELECT a.directorate_id, u.state, COUNT(*) FROM deliverables_action a "
                "LEFT JOIN deliverables_quarterlyupdate u ON u.action_id = a.id "
                "AND u.period_id = %s WHERE a.plan_id = %s GROUP BY a.directorate_id, u.state",
                [period.pk, plan.pk],
            ),
        ),
        # The exports stream every row: their floor is every row's bare SQL.
        command.page(
            client, "register CSV",
            reverse("reports:register_csv", args=[slug]) + f"?period={code}",
            max(1, min(repeat, 3)), every_row,
        ),
        command.page(
            client, "register XLSX",
            reverse("reports:register_xlsx", args=[slug]) + f"?period={code}",
            max(1, min(repeat, 3)), every_row,
        ),
    ]  # fmt: skip
    return results


def file_results(command, client, user, report, repeat: int, floor) -> list:
    """The report's PDF as the worker makes it, and the requests around it: asking for it,
    its progress page, and downloading the stored file. Rolled back afterwards."""
    from reports.files import file_request

    results = []
    pdf = reverse("reports:report_pdf", args=[report.pk])
    with transaction.atomic():
        with override_settings(TASKS=AT_ONCE):
            made = {}

            def make() -> None:
                made["file"] = file_request(report, "pdf", user)
                if made["file"].state != "done":
                    raise RuntimeError(f"the PDF was not made: {made['file'].message}")

            results.append(
                command.work(
                    "exception report, PDF made by the worker", make, max(1, min(repeat, 3)),
                    floor, note=report.period.label,
                )
            )  # fmt: skip
        file = made["file"]
        download = reverse("reports:report_file_download", args=[report.pk, file.pk])
        progress = reverse("reports:report_file", args=[report.pk, file.pk])
        stored = _stored_floor(file.pk)
        results += [
            command.page(client, "report file, download", download, repeat, stored),
            command.page(client, "report file, progress page", progress, repeat, stored),
        ]
        with override_settings(TASKS=QUEUED):
            # A draft's PDF asked for: queued for the worker, the answer the progress page.
            results.append(
                command.page(client, "exception report, PDF asked for", pdf, repeat, floor,
                             status=302)
            )  # fmt: skip
        transaction.set_rollback(True)
    return results


def _stored_floor(file_id: int):
    from devtools.management.commands.bench import sql

    return sql("SELECT content FROM reports_reportfile WHERE id = %s", [file_id])
