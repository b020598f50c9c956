"""Comparators loaded from benchmarking files: each published layout, what is skipped and why,
the preview being exactly what is written, and the page's access rules."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from deliverables.indicators.load.comparators import kind_of, prepare_comparators
from deliverables.indicators.load.services import indicators_apply, indicators_preview
from deliverables.indicators.load.table import read_table
from deliverables.models import Comparator, IndicatorImport
from tests.deliverables.indicator_layouts import FINGERTIPS_CSV, LG_INFORM_CSV, OFLOG_CSV

URL = "deliverables:comparators_import"


@pytest.fixture
def kpis_ids(kpis):
    kpis.birth.external_id = "4021"
    kpis.birth.save()
    return kpis


def _preview(plan, text: str, name: str = "file.csv"):
    from deliverables.indicators.load.comparators import NEEDS

    return prepare_comparators(plan, read_table(text.encode(), name, needs=NEEDS))


def _skips(preview) -> dict[int, str]:
    return {s.row: s.reason for s in preview.skipped}


def test_lg_inform_download_by_metric_id(kpis_ids):
    preview = _preview(kpis_ids.cycle.plan, LG_INFORM_CSV)
    got = {(r.area, r.kind, r.label, r.value) for r in preview.added}
    assert got == {
        ("England", "national", "Q3 2023/24", "80.2"),
        ("West Midlands", "regional", "Q3 2023/24", "85.0"),
        ("Dudley", "council", "Q3 2023/24", "91.3"),
        ("CIPFA nearest neighbours average", "neighbours", "Q3 2023/24", "88.4"),
    }
    skips = _skips(preview)
    assert "this council" in skips[4]  # Sandwell's own row
    assert "suppressed" in skips[7]  # "*"
    assert "no indicator" in skips[8]


def test_fingertips_long_csv_skips_ranges_calendar_years_and_suppressed(kpis):
    preview = _preview(kpis.cycle.plan, FINGERTIPS_CSV)
    got = {(r.code, r.area, r.kind, r.label) for r in preview.added}
    assert got == {
        ("SMOKING", "England", "national", "2022/23"),
        ("SMOKING", "West Midlands region", "regional", "2022/23"),
        ("SMOKING", "Dudley", "council", "2022/23"),
    }
    skips = _skips(preview)
    assert "this council" in skips[4]
    assert "range of years" in skips[6]
    assert "calendar year" in skips[7]
    assert "suppressed" in skips[8]


def test_oflog_explorer_by_measure_name(kpis):
    preview = _preview(kpis.cycle.plan, OFLOG_CSV)
    assert [(r.area, r.kind, r.label) for r in preview.added] == [
        ("England", "national", "2023/24"),
        ("Dudley", "council", "2023/24"),
    ]


def test_kind_of_areas():
    assert kind_of("England", "") == "national"
    assert kind_of("North East", "") == "regional"
    assert kind_of("Anywhere", "Region") == "regional"
    assert kind_of("Statistical neighbours average", "") == "neighbours"
    assert kind_of("Dudley", "District") == "council"


def test_preview_is_what_confirming_writes_and_a_second_load_replaces(kpis_ids, users):
    plan = kpis_ids.cycle.plan
    record = indicators_preview(
        users["admin"], plan, LG_INFORM_CSV.encode(), "lg.csv", kind="comparators"
    )
    assert not Comparator.objects.exists()  # a preview writes nothing
    indicators_apply(users["admin"], record)
    written = {(c.area, c.kind, c.year, c.point, c.value) for c in Comparator.objects.all()}
    shown = {
        (r["area"], r["kind"], r["year"], r["point"], Decimal(r["value"]))
        for r in record.summary["added"]
    }
    assert written == shown and len(written) == 4
    changed = LG_INFORM_CSV.replace("England,Q3 2023/24,80.2", "England,Q3 2023/24,81.0")
    again = indicators_preview(users["admin"], plan, changed.encode(), "lg.csv", kind="comparators")
    # Q3 2023/24 is closed: replacing its England figure would change its reported quartiles.
    assert again.summary["replaced"] == []
    assert {s["row"]: s["reason"] for s in again.summary["skipped"]}[2] == (
        "changes a closed quarter: Q3 2023/24 is closed and already has 80.2: import with the "
        "option to change closed quarters to replace it"
    )
    indicators_apply(users["admin"], again)
    assert Comparator.objects.get(area="England").value == Decimal("80.2")
    again = indicators_preview(
        users["admin"], plan, changed.encode(), "lg.csv", kind="comparators", overwrite_closed=True
    )
    assert [(r["area"], r["old"], r["value"]) for r in again.summary["replaced"]] == [
        ("England", "80.2", "81.0")
    ]
    assert len(again.summary["unchanged"]) == 3
    indicators_apply(users["admin"], again)
    england = Comparator.objects.get(area="England")
    assert england.value == Decimal("81.0")
    assert Comparator.objects.count() == 4
    # Who loaded which figure from which file is kept, as comparators decide quartiles.
    assert [(h.value, h.history_user, h.history_change_reason) for h in england.history.all()] == [
        (Decimal("81.0"), users["admin"], "Loaded from lg.csv"),
        (Decimal("80.2"), users["admin"], "Loaded from lg.csv"),
    ]


def test_command_dry_run_writes_nothing_then_loads(kpis_ids, tmp_path):
    path = tmp_path / "lg.csv"
    path.write_text(LG_INFORM_CSV)
    out = io.StringIO()
    call_command(
        "load_comparators", "--plan", kpis_ids.cycle.plan.slug, str(path), "--dry-run", stdout=out
    )
    assert "4 added" in out.getvalue() and "Dry run" in out.getvalue()
    assert not Comparator.objects.exists()
    call_command(
        "load_comparators", "--plan", kpis_ids.cycle.plan.slug, str(path), stdout=io.StringIO()
    )
    assert Comparator.objects.count() == 4


def _upload(text: str | bytes, name: str = "lg.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_page_previews_then_confirms(client, kpis_ids, users):
    client.force_login(users["performance"])
    assert client.get(reverse(URL)).status_code == 200
    response = client.post(
        reverse(URL), {"plan": kpis_ids.cycle.plan.pk, "file": _upload(LG_INFORM_CSV)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "CIPFA nearest neighbours average" in page and "Load these comparators" in page
    assert "Sandwell is this council" in page
    assert not Comparator.objects.exists()
    record = IndicatorImport.objects.get()
    response = client.post(reverse(URL), {"confirm": record.pk, "seen": response.context["seen"]})
    assert response.status_code == 302
    assert Comparator.objects.count() == 4
    record.refresh_from_db()
    assert record.status == "applied" and record.content is None


def test_confirming_a_stale_preview_writes_nothing(client, kpis_ids, users):
    client.force_login(users["performance"])
    client.post(reverse(URL), {"plan": kpis_ids.cycle.plan.pk, "file": _upload(LG_INFORM_CSV)})
    record = IndicatorImport.objects.get()
    response = client.post(reverse(URL), {"confirm": record.pk, "seen": "0" * 16})
    assert response.status_code == 409
    assert "nothing was imported" in response.content.decode()
    assert not Comparator.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"hello", "not a spreadsheet"),
        ("lg.csv", b"just,some,words\n1,2,3\n", "no header row"),
        ("fake.xlsx", b"not a workbook", "not an Excel workbook"),
    ],
)
def test_bad_files_are_refused_and_nothing_written(client, kpis_ids, users, name, data, message):
    client.force_login(users["admin"])
    response = client.post(
        reverse(URL), {"plan": kpis_ids.cycle.plan.pk, "file": _upload(data, name)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comparator.objects.exists()
    assert IndicatorImport.objects.get().content is None


def test_huge_file_is_refused_unread(client, kpis_ids, users, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(users["admin"])
    response = client.post(
        reverse(URL), {"plan": kpis_ids.cycle.plan.pk, "file": _upload(LG_INFORM_CSV)}
    )
    assert response.status_code == 400 and "limit" in response.content.decode()
    assert not Comparator.objects.exists()


def test_invalid_form_and_empty_file(client, kpis_ids, users):
    client.force_login(users["admin"])
    response = client.post(reverse(URL), {"plan": kpis_ids.cycle.plan.pk})
    assert response.status_code == 400 and "Choose the file" in response.content.decode()
    response = client.post(reverse(URL), {"plan": kpis_ids.cycle.plan.pk, "file": _upload(b"")})
    assert response.status_code == 400 and "empty" in response.content.decode()


def test_outsiders_and_wrong_method(client, kpis_ids, users):
    for name in ("viewer", "officer", "approver"):
        client.force_login(users[name])
        assert client.get(reverse(URL)).status_code == 403
        assert client.post(reverse(URL), {"file": _upload(LG_INFORM_CSV)}).status_code == 403
    client.force_login(users["admin"])
    assert client.put(reverse(URL)).status_code == 405
    assert not Comparator.objects.exists()


def test_another_plans_import_cannot_be_confirmed_by_number(client, kpis_ids, users):
    client.force_login(users["performance"])
    assert client.post(reverse(URL), {"confirm": 999, "seen": "x"}).status_code == 404


def test_a_figure_too_large_to_store_is_skipped(kpis_ids):
    text = LG_INFORM_CSV.replace("Dudley,Q3 2023/24,91.3", "Dudley,Q3 2023/24,1e30")
    preview = _preview(kpis_ids.cycle.plan, text)
    assert "Dudley" not in {r.area for r in preview.added}
    assert "is too large" in _skips(preview)[5]


def test_percentage_formatted_cells_read_as_the_sheet_shows_them(kpis_ids):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["metric id", "area_name", "period", "value"])
    sheet.append(["4021", "England", "Q3 2023/24", 0.802])
    sheet.cell(2, 4).number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    from deliverables.indicators.load.comparators import NEEDS

    table = read_table(buffer.getvalue(), "lg.xlsx", needs=NEEDS)
    preview = prepare_comparators(kpis_ids.cycle.plan, table)
    assert [(r.area, r.value) for r in preview.added] == [("England", "80.2")]


def test_page_offers_the_closed_quarter_option(client, kpis_ids, users):
    Comparator.objects.create(
        indicator=kpis_ids.birth, kind="national", area="England", year=2023, point=3, value=79
    )
    client.force_login(users["performance"])
    assert "id_overwrite_closed" in client.get(reverse(URL)).content.decode()
    upload = {"plan": kpis_ids.cycle.plan.pk, "file": _upload(LG_INFORM_CSV)}
    page = client.post(reverse(URL), upload).content.decode()
    assert "changes a closed quarter" in page
    upload = {**upload, "file": _upload(LG_INFORM_CSV), "overwrite_closed": "on"}
    response = client.post(reverse(URL), upload)
    assert "Replaces 79" in response.content.decode()
    record = IndicatorImport.objects.latest("pk")
    client.post(reverse(URL), {"confirm": record.pk, "seen": response.context["seen"]})
    assert Comparator.objects.get(area="England").value == Decimal("80.2")
