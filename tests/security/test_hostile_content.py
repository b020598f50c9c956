"""Hostile text in, nothing harmful out.

The classic cross-site scripting payloads go in through every way text gets in (the update
form, a return reason, a report narrative, a tracker import, the admin) and then every page,
PDF, Word file and export that shows that text is read back: no payload survives anywhere.
The words around each payload do arrive, so the test knows it looked at the right text.
Markup that reached the database some other way is shown as text, never run.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from deliverables.models import Action, Deliverable, QuarterlyUpdate
from deliverables.tracker.services import tracker_import
from reports.services import report_start
from tests import factories

PAYLOADS = [
    "<script>alert('xss-script')</script>",
    "<img src=x onerror=alert('xss-img')>",
    "<svg/onload=alert('xss-svg')>",
    '"><script>alert("xss-attr")</script>',
    "<a href=\"javascript:alert('xss-link')\">click</a>",
    "&lt;script&gt;alert('xss-entity')&lt;/script&gt;",
    "<iframe src=\"javascript:alert('xss-frame')\"></iframe>",
    "<body onload=alert('xss-body')>",
    "<<script>alert('xss-nested')//<</script>",
    "<style>@import 'http://evil/xss-style.css';</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-mxss')></style></math>",
]
HOSTILE = " ".join(PAYLOADS)
MARKER = re.compile(r"xss-", re.I)
# Escaped markup is fine in a page; markup that would run is not.
LIVE_MARKUP = re.compile(r"<[^<>]*(xss-|javascript:|\bon(error|load)\s*=)", re.I)


def hostile(word: str) -> str:
    return f"{word} before. {HOSTILE} {word} after."


def admin_form_data(response) -> dict:
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


@pytest.fixture
def hostile_plan(db, directorates, users, cycle, tmp_path, client):
    """The small plan after hostile text arrived by every route."""
    for user in ("admin",):
        users[user].is_superuser = True
        users[user].save()
    # 1. The update form: the officer submits CH6 as Delayed.
    client.force_login(users["officer"])
    response = client.post(
        reverse("deliverables:update", args=[cycle.plan.slug, cycle.q4.code, cycle.ch6.pk]),
        {
            "intent": "submit",
            "status": factories.status(cycle.plan, "Delayed").pk,
            "commentary": hostile("Formword"),
            "version": 0,
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("deliverables:update", args=[cycle.plan.slug, cycle.q4.code, cycle.ch5.pk]),
        {
            "intent": "submit",
            "status": factories.status(cycle.plan, "On Track").pk,
            "commentary": "Fine",
            "version": 0,
        },
    )
    # 2. A return reason: the approver sends CH5 back.
    client.force_login(users["approver"])
    ch5_update = QuarterlyUpdate.objects.get(action=cycle.ch5, period=cycle.q4)
    response = client.post(
        reverse("deliverables:return", args=[ch5_update.pk]),
        {"reason": hostile("Returnword"), "version": ch5_update.version},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # ... and approves CH6, so its commentary reaches everyone, the report included.
    ch6_update = QuarterlyUpdate.objects.get(action=cycle.ch6, period=cycle.q4)
    response = client.post(
        reverse("deliverables:approve", args=[ch6_update.pk]), {"version": ch6_update.version}
    )
    assert response.status_code == 302
    # 3. A tracker import: a new deliverable and action, and commentary, for Q2.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Best start in life"
    sheet.append(
        [
            "CP Ref",
            "Deliverable",
            "BP Ref.",
            "Key deliverables (Directorate Action)",
            "RAG",
            "Commentary",
        ]
    )
    sheet.append(
        [
            "B9",
            hostile("Importdeliverable"),
            "CH99",
            hostile("Importaction"),
            "Delayed",
            hostile("Importword"),
        ]
    )
    sheet.append(
        [
            "B3",
            None,
            "CH6",
            "Every child has a good school place",
            "Delayed",
            hostile("Importcommentary"),
        ]
    )
    path = tmp_path / "hostile.xlsx"
    book.save(path)
    record = tracker_import(users["admin"], cycle.plan, "2023-24-Q2", path.read_bytes(), "h.xlsx")
    assert record.status == "applied", record.summary
    assert not record.summary["errors"], record.summary
    # 4. The admin: an administrator retitles deliverable B4.
    client.force_login(users["admin"])
    b4 = Deliverable.objects.get(outcome__plan=cycle.plan, ref="B4")
    url = reverse("admin:deliverables_deliverable_change", args=[b4.pk])
    data = admin_form_data(client.get(url))
    data["title"] = hostile("Adminword")
    response = client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:3000]
    # 5. A report narrative and introduction, by the performance team.
    client.force_login(users["performance"])
    report = report_start(users["performance"], cycle.q4)
    outcome = cycle.plan.outcomes.order_by("order").first()
    response = client.post(
        reverse("reports:report_edit", args=[report.pk]),
        {
            "introduction": hostile("Introword"),
            f"narrative_{outcome.pk}": hostile("Narrativeword"),
        },
    )
    assert response.status_code == 302
    client.logout()
    return cycle, report


def read_pdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def read_docx(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def read_xlsx(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def read_csv(data: bytes) -> str:
    return "\n".join(",".join(row) for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_payloads_through_every_route_appear_nowhere(client, hostile_plan, users):
    cycle, report = hostile_plan
    plan = cycle.plan
    ch99 = Action.objects.get(plan=plan, ref="CH99")
    b9 = Deliverable.objects.get(outcome__plan=plan, ref="B9")
    seen: dict[str, str] = {}

    def page(user: str, url: str) -> str:
        client.force_login(users[user])
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = response.content.decode()
        return seen[url]

    def download(user: str, url: str, reader) -> str:
        client.force_login(users[user])
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = reader(content)
        return seen[url]

    slug = plan.slug
    for code in ("2023-24-Q2", "2023-24-Q4"):
        page("performance", reverse("reports:register", args=[slug]) + f"?period={code}")
        page("performance", reverse("reports:dashboard", args=[slug]) + f"?period={code}")
        download(
            "performance",
            reverse("reports:register_csv", args=[slug]) + f"?period={code}",
            read_csv,
        )
        download(
            "performance",
            reverse("reports:register_xlsx", args=[slug]) + f"?period={code}",
            read_xlsx,
        )
        download(
            "performance", reverse("deliverables:export_tracker", args=[slug, code]), read_xlsx
        )
    page("performance", reverse("reports:register", args=[slug]) + "?q=script")
    page("viewer", reverse("deliverables:plan", args=[slug]))
    for outcome in plan.outcomes.all():
        page("viewer", outcome.get_absolute_url())
    for action in (cycle.ch6, cycle.ch5, ch99):
        page("viewer", action.get_absolute_url())
    page("officer", reverse("deliverables:my_updates"))
    page("officer", reverse("deliverables:update", args=[slug, cycle.q4.code, cycle.ch5.pk]))
    page("approver", reverse("deliverables:review", args=[slug, cycle.q4.code]))
    page("performance", reverse("deliverables:quarter", args=[slug, cycle.q4.code]))
    page("performance", reverse("reports:report", args=[report.pk]))
    page("performance", reverse("reports:report_edit", args=[report.pk]))
    download("performance", reverse("reports:report_pdf", args=[report.pk]), read_pdf)
    download("performance", reverse("reports:report_docx", args=[report.pk]), read_docx)
    download("performance", reverse("reports:report_xlsx", args=[report.pk]), read_xlsx)
    page("admin", reverse("deliverables:imports"))
    page("admin", reverse("admin:deliverables_deliverable_changelist"))
    page("admin", reverse("admin:deliverables_deliverable_change", args=[b9.pk]))
    page("admin", reverse("admin:deliverables_action_change", args=[ch99.pk]))
    page("admin", reverse("admin:deliverables_quarterlyupdate_changelist"))

    for url, text in seen.items():
        assert not MARKER.search(text), (url, MARKER.search(text))
        assert not LIVE_MARKUP.search(text), url

    # The words around the payloads made it through, so the right text was looked at.
    everything = "\n".join(seen.values())
    for word in (
        "Formword",
        "Returnword",
        "Importdeliverable",
        "Importaction",
        "Importword",
        "Importcommentary",
        "Adminword",
        "Introword",
        "Narrativeword",
    ):
        assert f"{word} before." in everything and f"{word} after." in everything, word
    report_pdf = seen[reverse("reports:report_pdf", args=[report.pk])]
    assert "Formword before." in report_pdf and "Narrativeword after." in report_pdf


@pytest.mark.django_db
def test_markup_that_reached_the_database_directly_is_shown_as_text(client, cycle, users):
    """A row written outside the service (a restore, a SQL fix) is escaped on every page."""
    raw = "<script>alert('xss-raw')</script><img src=x onerror=alert('xss-raw')>"
    QuarterlyUpdate.objects.filter(action=cycle.ch6, period=cycle.q3).update(commentary=raw)
    Action.objects.filter(pk=cycle.ch6.pk).update(title=f"Title {raw}")
    client.force_login(users["performance"])
    urls = [
        cycle.ch6.get_absolute_url(),
        reverse("reports:register", args=[cycle.plan.slug]) + "?period=2023-24-Q3",
        cycle.plan.outcomes.order_by("order").first().get_absolute_url(),
    ]
    for url in urls:
        page = client.get(url).content.decode()
        assert "&lt;script&gt;alert(&#x27;xss-raw&#x27;)&lt;/script&gt;" in page, url
        assert not LIVE_MARKUP.search(page), url


TEMPLATE_DIRS = ["templates", "plans", "deliverables", "reports", "sandwell_perf"]
UNSAFE = re.compile(
    r"\|\s*safe\b|\bmark_safe\b|\{%\s*autoescape\s+off|\bSafeString\b|format_html\("
)


def test_no_template_or_code_marks_text_as_safe():
    """Nothing is trusted as markup: a `|safe`, `mark_safe` or `autoescape off` fails this test
    until the reason is written beside it as `# markup-reviewed: <reason>` (Python) or
    `{# markup-reviewed: <reason> #}` on the line (templates)."""
    base = Path(settings.BASE_DIR)
    offences = []
    for folder in TEMPLATE_DIRS:
        for path in (base / folder).rglob("*"):
            if (
                path.suffix not in {".html", ".py", ".txt", ".xml", ".css"}
                or "migrations" in path.parts
            ):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if UNSAFE.search(line) and "markup-reviewed:" not in line:
                    offences.append(f"{path.relative_to(base)}:{number}: {line.strip()}")
    assert not offences, "\n".join(offences)
