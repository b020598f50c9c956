"""Indicator history imported from spreadsheets: wide (a column per period) and long (a row per
value) layouts, CSV and XLSX; what is added, changed, left and unread; closed quarters and
entered values; the preview being exactly what is written; the page's access rules."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from deliverables.indicators.load.services import indicators_apply, indicators_preview
from deliverables.models import IndicatorImport, IndicatorTarget, IndicatorValue
from tests.deliverables.indicator_layouts import LONG_CSV, WIDE_QUARTERS_CSV

URL = "deliverables:indicator_import"


def _preview(kpis, users, data, name="kpis.csv", **options):
    data = data.encode() if isinstance(data, str) else data
    return indicators_preview(users["admin"], kpis.cycle.plan, data, name, kind="values", **options)


def _entry(summary: dict, code: str) -> dict:
    return next(e for e in summary["indicators"] if e["code"] == code)


def _values(indicator) -> dict[str, Decimal]:
    return {
        f"{v.year}-{v.point}": v.value for v in IndicatorValue.objects.filter(indicator=indicator)
    }


def test_wide_quarterly_report(kpis, users):
    record = _preview(kpis, users, WIDE_QUARTERS_CSV)
    summary = record.summary
    assert summary["layout"] == "wide"
    birth = _entry(summary, "BIRTH")
    assert [(i["label"], i["value"], i["closed"]) for i in birth["added"]] == [
        ("Q1 2023/24", "95.5", False)
    ]
    assert [(i["label"], i["old"], i["value"]) for i in birth["changed"]] == [
        ("Q4 2023/24", "93", "94")
    ]
    # Q3 is closed and already has 97.9: left unless closed quarters may change.
    assert [(i["label"], "closed" in i["reason"]) for i in birth["left"]] == [("Q3 2023/24", True)]
    assert birth["unchanged"] == 1  # Q2 96.0
    assert birth["targets"] == []  # 95 already
    checks = _entry(summary, "CHECKS")
    assert [i["label"] for i in checks["added"]] == ["Q1 2023/24", "Q2 2023/24"]
    # The officer's Q4 draft was entered in the service: never overwritten.
    assert [(i["label"], "entered" in i["reason"]) for i in checks["left"]] == [
        ("Q4 2023/24", True)
    ]
    assert [(t["year"], t["old"], t["new"]) for t in checks["targets"]] == [
        ("2023/24", "6000", "6500")
    ]
    assert [(s["row"], s["text"]) for s in summary["unknown"]] == [(4, "LIBRARY Library visits")]
    assert IndicatorValue.objects.count() == 7  # the preview wrote nothing


def test_confirm_writes_exactly_the_preview(kpis, users):
    before = _values(kpis.birth), _values(kpis.checks)
    record = _preview(kpis, users, WIDE_QUARTERS_CSV)
    indicators_apply(users["admin"], record)
    birth, checks = _values(kpis.birth), _values(kpis.checks)
    assert birth == {**before[0], "2023-1": Decimal("95.5"), "2023-4": Decimal("94")}
    assert checks == {**before[1], "2023-1": Decimal("450"), "2023-2": Decimal("900")}
    assert len(record.summary["writes"]) == 4
    q4 = IndicatorValue.objects.get(indicator=kpis.birth, year=2023, point=4)
    assert (q4.state, q4.source, q4.version, q4.approved_by) == (
        "approved",
        "imported",
        2,
        users["admin"],
    )
    assert q4.history.first().history_change_reason == "Imported from kpis.csv"
    assert q4.history.count() == 2  # the submitted value is kept in its history
    assert IndicatorTarget.objects.get(indicator=kpis.checks, year=2023, point=0).value == 6500
    record.refresh_from_db()
    assert record.status == "applied"


def test_closed_quarter_changes_only_when_asked(kpis, users):
    record = _preview(kpis, users, WIDE_QUARTERS_CSV, overwrite_closed=True)
    birth = _entry(record.summary, "BIRTH")
    assert ("Q3 2023/24", "97.9", "98.1", True) in [
        (i["label"], i["old"], i["value"], i["closed"]) for i in birth["changed"]
    ]
    indicators_apply(users["admin"], record)
    assert _values(kpis.birth)["2023-3"] == Decimal("98.1")


def test_long_layout_with_fraction_commentary_target_and_unreadable_cells(kpis, users):
    record = _preview(kpis, users, LONG_CSV)
    summary = record.summary
    assert summary["layout"] == "long"
    birth = _entry(summary, "BIRTH")
    assert [(i["label"], i["value"]) for i in birth["added"]] == [("Q1 2023/24", "95.5")]
    assert [(t["year"], t["old"], t["new"]) for t in birth["targets"]] == [("2023/24", "95", "96")]
    smoking = _entry(summary, "SMOKING")
    assert [(i["label"], i["value"]) for i in smoking["added"]] == [("2023/24", "19.5")]
    assert [(t["year"], t["old"], t["new"]) for t in smoking["targets"]] == [("2023/24", "", "12")]
    unreadable = {s["row"]: s["reason"] for s in summary["unreadable"]}
    assert unreadable[4] == "no figure (suppressed)"  # "n/a"
    assert "calendar year" in unreadable[6]
    indicators_apply(users["admin"], record)
    q1 = IndicatorValue.objects.get(indicator=kpis.birth, year=2023, point=1)
    assert (q1.value, q1.numerator, q1.denominator, q1.commentary) == (
        Decimal("95.5"),
        Decimal("191"),
        Decimal("200"),
        "191 of 200 visits on time",
    )
    assert _values(kpis.contacts)["2023-1"] == Decimal("1700")


def test_wide_monthly_workbook_with_date_headers(kpis, users):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Monthly KPIs 2023/24"])  # a title row above the header
    sheet.append(["Code", "Indicator", dt.datetime(2023, 4, 1), dt.datetime(2023, 5, 1)])
    sheet.append(["CONTACTS", "Contacts a month", 1700, "1,650"])
    buffer = io.BytesIO()
    book.save(buffer)
    record = _preview(kpis, users, buffer.getvalue(), "monthly.xlsx")
    contacts = _entry(record.summary, "CONTACTS")
    assert [(i["label"], i["value"]) for i in contacts["added"]] == [
        ("April 2023", "1700"),
        ("May 2023", "1650"),
    ]


def test_a_preview_that_changed_is_not_written(kpis, users):
    from deliverables.indicators.load.services import PreviewChanged

    record = _preview(kpis, users, WIDE_QUARTERS_CSV)
    IndicatorValue.objects.filter(indicator=kpis.checks, year=2023, point=4).delete()
    with pytest.raises(PreviewChanged):
        indicators_apply(users["admin"], record)
    assert not IndicatorValue.objects.filter(indicator=kpis.birth, year=2023, point=1).exists()


def test_command(kpis, tmp_path):
    path = tmp_path / "kpis.csv"
    path.write_text(WIDE_QUARTERS_CSV)
    out = io.StringIO()
    slug = kpis.cycle.plan.slug
    call_command("import_indicators", "--plan", slug, str(path), "--dry-run", stdout=out)
    assert "3 added, 1 changed, 2 left" in out.getvalue()
    assert IndicatorValue.objects.count() == 7
    call_command("import_indicators", "--plan", slug, str(path), stdout=io.StringIO())
    assert IndicatorValue.objects.count() == 10


def _upload(data, name="kpis.csv"):
    data = data.encode() if isinstance(data, str) else data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_page_previews_then_confirms(client, kpis, users):
    client.force_login(users["admin"])
    assert client.get(reverse(URL)).status_code == 200
    response = client.post(
        reverse(URL), {"plan": kpis.cycle.plan.pk, "file": _upload(WIDE_QUARTERS_CSV)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Changed from 93" in page and "Library visits" in page and "Closed quarter" not in page
    assert IndicatorValue.objects.count() == 7
    record = IndicatorImport.objects.get()
    response = client.post(reverse(URL), {"confirm": record.pk, "seen": response.context["seen"]})
    assert response.status_code == 302
    assert IndicatorValue.objects.count() == 10
    # Confirming twice writes nothing more.
    response = client.post(reverse(URL), {"confirm": record.pk, "seen": "x"}, follow=True)
    assert "imported" in response.content.decode().lower()
    assert IndicatorValue.objects.count() == 10


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("kpis.docx", b"PK\x03\x04junk", "damaged"),
        ("kpis.pdf", b"%PDF-1.4", "not a spreadsheet"),
        ("kpis.csv", b"", "empty"),
        ("kpis.csv", b"a,b\n1,2\n", "no header row"),
    ],
)
def test_bad_files_write_nothing(client, kpis, users, name, data, message):
    client.force_login(users["admin"])
    response = client.post(reverse(URL), {"plan": kpis.cycle.plan.pk, "file": _upload(data, name)})
    assert response.status_code == 400 and message in response.content.decode()
    assert IndicatorValue.objects.count() == 7


def test_huge_file_is_refused(client, kpis, users, settings):
    settings.IMPORT_MAX_BYTES = 50
    client.force_login(users["admin"])
    response = client.post(
        reverse(URL), {"plan": kpis.cycle.plan.pk, "file": _upload(WIDE_QUARTERS_CSV)}
    )
    assert response.status_code == 400 and "limit" in response.content.decode()
    assert IndicatorValue.objects.count() == 7


def test_invalid_form(client, kpis, users):
    client.force_login(users["admin"])
    response = client.post(reverse(URL), {"file": _upload(WIDE_QUARTERS_CSV)})
    assert response.status_code == 400 and "Choose the plan" in response.content.decode()


def test_outsiders_and_wrong_method(client, kpis, users):
    for name in ("performance", "viewer", "officer", "approver"):
        client.force_login(users[name])
        assert client.get(reverse(URL)).status_code == 403
        upload = {"plan": kpis.cycle.plan.pk, "file": _upload(WIDE_QUARTERS_CSV)}
        assert client.post(reverse(URL), upload).status_code == 403
    client.force_login(users["admin"])
    assert client.delete(reverse(URL)).status_code == 405
    assert IndicatorValue.objects.count() == 7 and not IndicatorImport.objects.exists()


def test_imports_page_links_both(client, users):
    client.force_login(users["admin"])
    page = client.get(reverse("deliverables:imports")).content.decode()
    assert reverse(URL) in page and reverse("deliverables:comparators_import") in page


@pytest.mark.parametrize(
    ("text", "frequency", "point"),
    [
        ("2023 Q1", "quarterly", (2022, 4)),  # a calendar quarter: January to March 2023
        ("Q3 2023", "quarterly", (2023, 2)),
        ("Q1 2023/24", "quarterly", (2023, 1)),
        ("2022/23", "annual", (2022, 1)),
        ("Apr 2023", "monthly", (2023, 1)),
        ("Apr-23", "monthly", (2023, 1)),
    ],
)
def test_published_periods(text, frequency, point):
    from deliverables.indicators.points import parse_point

    assert parse_point(text, frequency) == point


@pytest.mark.parametrize(
    ("text", "reason"), [("2022", "calendar year"), ("2020 - 22", "range of years")]
)
def test_periods_never_guessed(text, reason):
    from deliverables.indicators.points import parse_point

    with pytest.raises(ValueError, match=reason):
        parse_point(text, "annual")


def test_a_cell_that_is_not_a_figure_is_listed(kpis, users):
    record = _preview(kpis, users, "Ref,Q1 2023/24\nBIRTH,TBC\n")
    assert [(s["text"], s["reason"]) for s in record.summary["unreadable"]] == [
        ("Q1 2023/24: TBC", "not a number")
    ]
    assert record.summary["writes"] == []


def test_preview_queries_do_not_grow_with_rows(kpis, users, django_assert_num_queries):
    """Seven queries whatever the file's size: the importer's permissions (two), then the
    indicators, their values, the plan's quarters and targets each read once, and the
    record saved."""
    more = WIDE_QUARTERS_CSV + "".join(f"LIB{i},Library {i},,,1,2,3,4\n" for i in range(30))
    with django_assert_num_queries(7):
        _preview(kpis, users, more)


def test_unconfirmed_previews_expire_with_tracker_previews(kpis, users):
    from django.utils import timezone

    record = _preview(kpis, users, WIDE_QUARTERS_CSV)
    IndicatorImport.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    call_command("expire_imports", stdout=io.StringIO())
    record.refresh_from_db()
    assert (record.status, record.content) == ("cancelled", None)
