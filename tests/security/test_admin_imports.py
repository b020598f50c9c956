"""The admin's import-export checks files and rows as the rest of the service does: the same
upload checks and bounded reading as a tracker, and each row's model validation."""

from __future__ import annotations

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans.admin_imports import IMPORT_FORMATS
from plans.models import AuditEvent, AuditKind, Status
from tests import factories
from tests.security.test_bounded_files import DIMENSION_BOMB, MERGE_BOMB, tracker_csv

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"  # positions in IMPORT_FORMATS


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def import_statuses(client, data: bytes, name: str, format_: str = CSV):
    return client.post(
        reverse("admin:plans_status_import"),
        {"format": format_, "import_file": SimpleUploadedFile(name, data)},
    )


def status_row(status: Status, colour: str) -> bytes:
    return (
        "scale,label,colour,rag,order,is_exception,closes_action,means_no_update,spellings\n"
        f"{status.scale_id},{status.label},{colour},{status.rag},{status.order},0,0,0,\n"
    ).encode()


def test_only_csv_and_xlsx_are_offered(admin_client):
    assert [f().get_title() for f in IMPORT_FORMATS] == ["csv", "xlsx"]
    page = admin_client.get(reverse("admin:plans_status_import")).content.decode()
    assert ">csv<" in page and ">xlsx<" in page
    assert ">json<" not in page and ">yaml<" not in page and ">xls<" not in page


def test_a_row_failing_model_validation_is_refused(admin_client):
    status = factories.status(factories.plan("county"), "On Track")
    response = import_statuses(admin_client, status_row(status, "zzzzzzz"), "statuses.csv")
    page = response.content.decode()
    assert "Enter a colour as #RRGGBB" in page
    assert 'name="import_file_name"' not in page  # no confirm form
    status.refresh_from_db()
    assert status.colour != "zzzzzzz"


def test_a_valid_row_still_imports(admin_client):
    status = factories.status(factories.plan("county"), "On Track")
    response = import_statuses(admin_client, status_row(status, "#123456"), "statuses.csv")
    page = response.content.decode()
    confirm = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert "import_file_name" in confirm
    admin_client.post(reverse("admin:plans_status_process_import"), confirm)
    status.refresh_from_db()
    assert status.colour == "#123456"


@pytest.mark.parametrize(
    "data, reason", [(DIMENSION_BOMB, "16,384 columns"), (MERGE_BOMB, "reaching XFD1048576")]
)
def test_a_hostile_workbook_is_refused_quickly_and_audited(admin_client, data, reason):
    started = time.monotonic()
    response = import_statuses(admin_client, data, "statuses.xlsx", XLSX)
    assert time.monotonic() - started < 5
    assert reason in response.content.decode()
    event = AuditEvent.objects.get(kind=AuditKind.IMPORT)
    assert "statuses.xlsx" in event.message and reason in event.message


def test_a_csv_past_the_caps_is_refused(admin_client, settings):
    settings.IMPORT_MAX_ROWS = 20
    response = import_statuses(admin_client, tracker_csv(30), "statuses.csv")
    assert "more than 20 rows" in response.content.decode()
    assert AuditEvent.objects.filter(kind=AuditKind.IMPORT).count() == 1


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(admin_client, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = import_statuses(admin_client, tracker_csv(30), "statuses.csv")
    assert "the limit is 0.0 MB" in response.content.decode()


def test_a_workbook_named_csv_is_refused(admin_client):
    response = import_statuses(admin_client, MERGE_BOMB, "statuses.csv")
    assert "is an .xlsx workbook but is named .csv" in response.content.decode()


def test_the_status_stylesheet_survives_a_bad_colour_already_stored(client):
    plan = factories.plan("county")
    Status.objects.filter(pk=factories.status(plan, "On Track").pk).update(colour="zzzzzzz")
    response = client.get(reverse("plans:status_css"))
    assert response.status_code == 200
    css = response.content.decode()
    assert "zzzzzzz" not in css
    assert f".app-status--{factories.status(plan, 'Complete').pk}{{" in css


def test_a_file_refused_when_the_import_is_confirmed_is_a_message_not_an_error(
    admin_client, monkeypatch
):
    """The confirm reads the file again: past the reading budget then (a busier server), the
    admin says nothing was imported and the refusal is audited, instead of a 500."""
    from plans import admin_imports
    from plans.workbook import TrackerFileError

    status = factories.status(factories.plan("county"), "On Track")
    page = import_statuses(admin_client, status_row(status, "#123456"), "statuses.csv")
    confirm = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.content.decode())
    )

    def too_slow(self, in_stream):
        raise TrackerFileError("statuses.csv took more than 4 seconds to read.")

    monkeypatch.setattr(admin_imports.CheckedCSV, "create_dataset", too_slow)
    response = admin_client.post(reverse("admin:plans_status_process_import"), confirm, follow=True)
    assert response.status_code == 200
    assert (
        "Nothing was imported: statuses.csv took more than 4 seconds" in response.content.decode()
    )
    status.refresh_from_db()
    assert status.colour != "#123456"
    assert AuditEvent.objects.filter(
        kind=AuditKind.IMPORT, message__contains="confirmation"
    ).exists()
