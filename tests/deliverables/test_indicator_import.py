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
    assert birth["changed"] == []
    # Q3 is closed and already has 97.9: left unless closed quarters may change. Q4 is open:
    # the owner's submitted 93 goes through approval, never round it.
    assert [(i["label"], i["reason"]) for i in birth["left"]] == [
        (
            "Q3 2023/24",
            "Q3 2023/24 is closed and already has 97.9: import with the option to change "
            "closed quarters to replace it",
        ),
        ("Q4 2023/24", "Q4 2023/24 is open: its owner enters it on My updates"),
    ]
    assert birth["unchanged"] == 1  # Q2 96.0
    assert birth["targets"] == []  # 95 already
    checks = _entry(summary, "CHECKS")
    assert [i["label"] for i in checks["added"]] == ["Q1 2023/24", "Q2 2023/24"]
    # The officer's Q4 draft was entered in the service: never overwritten. The new target
    # would re-rate closed Q3: left.
    assert [(i["label"], i["reason"]) for i in checks["left"]] == [
        ("Q4 2023/24", "entered in the service: a file never overwrites it"),
        (
            "Target 2023/24",
            "Q3 2023/24 is closed and rated against 6000: import with the option to change "
            "closed quarters to set it",
        ),
    ]
    assert checks["targets"] == []
    assert [(s["row"], s["text"]) for s in summary["unknown"]] == [(4, "LIBRARY Library visits")]
    assert IndicatorValue.objects.count() == 7  # the preview wrote nothing


def test_confirm_writes_exactly_the_preview(kpis, users):
    before = _values(kpis.birth), _values(kpis.checks)
    record = _preview(kpis, users, WIDE_QUARTERS_CSV, overwrite_closed=True)
    indicators_apply(users["admin"], record)
    birth, checks = _values(kpis.birth), _values(kpis.checks)
    # Q4 is open: the submitted 93 stays, waiting for its approver.
    assert birth == {**before[0], "2023-1": Decimal("95.5"), "2023-3": Decimal("98.1")}
    assert checks == {**before[1], "2023-1": Decimal("450"), "2023-2": Decimal("900")}
    assert len(record.summary["writes"]) == 4
    q3 = IndicatorValue.objects.get(indicator=kpis.birth, year=2023, point=3)
    assert (q3.state, q3.source, q3.version, q3.approved_by) == (
        "approved",
        "imported",
        2,
        users["admin"],
    )
    assert q3.history.first().history_change_reason == "Imported from kpis.csv"
    assert q3.history.count() == 2  # the value it replaced is kept in its history
    q4 = IndicatorValue.objects.get(indicator=kpis.birth, year=2023, point=4)
    assert (q4.value, q4.state) == (Decimal("93"), "submitted")
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
    assert [(i["label"], "closed" in i["reason"]) for i in birth["left"]] == [
        ("Target 2023/24", True)
    ]
    smoking = _entry(summary, "SMOKING")
    # 2023/24's annual value is entered in Q4, which is open: left. Its first target rated
    # nothing reported yet (no 2023/24 value in a closed quarter), so it is set.
    assert [(i["label"], i["reason"]) for i in smoking["left"]] == [
        ("2023/24", "Q4 2023/24 is open: its owner enters it on My updates"),
    ]
    assert smoking["added"] == []
    assert [(w["indicator"], w["year"]) for w in summary["target_writes"]] == [
        (kpis.smoking.pk, 2023)
    ]
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
    assert "3 added, 0 changed, 4 left" in out.getvalue()
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
    assert "Q4 2023/24 is open: its owner enters it on My updates" in page
    assert "Library visits" in page and "Closed quarter" not in page
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
    """Eight queries whatever the file's size: the importer's permissions (two), then the
    indicators, their values, the plan's quarters, the targets and the years whose targets
    closed quarters reported against, each read once, and the record saved."""
    more = WIDE_QUARTERS_CSV + "".join(f"LIB{i},Library {i},,,1,2,3,4\n" for i in range(30))
    with django_assert_num_queries(8):
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


def test_out_of_range_figures_are_unreadable_and_never_written(kpis, users):
    """A figure the database cannot hold is listed, never written (one bad cell must not
    break the plan's pages): a value, one worked out from a fraction, and a target."""
    data = (
        "KPI Code,Period,Actual,Numerator,Denominator,Target 2022/23\n"
        "BIRTH,Q1 2022/23,123456789012345678901,,,\n"
        "BIRTH,Q2 2022/23,,99999999999999,0.001,\n"
        "BIRTH,Q3 2022/23,90,,,1e30\n"
    )
    record = _preview(kpis, users, data, overwrite_closed=True)
    reasons = {s["row"]: s["reason"] for s in record.summary["unreadable"]}
    assert "too large" in reasons[2] and "14 digits" in reasons[2]
    assert "too large" in reasons[3]  # 99999999999999 / 0.001 x 100
    assert "too large" in reasons[4]  # the target
    assert [w["point"] for w in record.summary["writes"]] == [3]
    assert record.summary["target_writes"] == []
    indicators_apply(users["admin"], record)
    assert _values(kpis.birth)["2022-3"] == Decimal("90")
    assert not IndicatorTarget.objects.filter(indicator=kpis.birth, year=2022).exists()


def _workbook(*rows, percent: dict[tuple[int, int], str]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for (row, column), number_format in percent.items():
        sheet.cell(row, column).number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_percentage_formatted_cells_read_as_the_sheet_shows_them(kpis, users):
    """Excel keeps 95.5% as 0.955 with a "%" format: read as 95.5, as the CSV's "95.5%". A
    literal "%" in the format shows the value as it is."""
    data = _workbook(
        ["Ref", "Q1 2022/23", "Q2 2022/23", "Target 2022/23"],
        ["BIRTH", 0.955, 96.5, 0.9],
        percent={(2, 2): "0.0%", (2, 3): '0.0"%"', (2, 4): "0%"},
    )
    record = _preview(kpis, users, data, "kpis.xlsx")
    birth = _entry(record.summary, "BIRTH")
    assert [(i["label"], i["value"]) for i in birth["added"]] == [
        ("Q1 2022/23", "95.5"),
        ("Q2 2022/23", "96.5"),
    ]
    assert [(t["year"], t["new"]) for t in birth["targets"]] == [("2022/23", "90")]


def test_a_target_for_a_year_with_a_closed_quarter_needs_the_option(kpis, users):
    data = "Ref,Target 2023/24,Target 2024/25\nBIRTH,96,97\n"
    record = _preview(kpis, users, data)
    # 2024/25 has no closed quarter: set. 2023/24's Q3 is closed and rated against 95.
    assert record.summary["target_writes"] == [
        {"indicator": kpis.birth.pk, "year": 2024, "value": "97"}
    ]
    indicators_apply(users["admin"], record)
    assert IndicatorTarget.objects.get(indicator=kpis.birth, year=2023, point=0).value == 95
    record = _preview(kpis, users, data, overwrite_closed=True)
    birth = _entry(record.summary, "BIRTH")
    assert [(t["year"], t["old"], t["new"]) for t in birth["targets"]] == [("2023/24", "95", "96")]
    indicators_apply(users["admin"], record)
    assert IndicatorTarget.objects.get(indicator=kpis.birth, year=2023, point=0).value == 96


def test_open_and_upcoming_quarters_are_left_to_their_owners(kpis, users):
    """Even with the option to change closed quarters: an open or upcoming quarter's values
    are entered and approved in the service. Older history (no quarter in the plan) and
    closed quarters are imported as before."""
    from tests.factories import period

    period(kpis.cycle.plan, "2024-25-Q1", state="upcoming")
    data = "Ref,Q1 2022/23,Q3 2023/24,Q4 2023/24,Q1 2024/25\nBIRTH,90,98.1,94,95\n"
    record = _preview(kpis, users, data, overwrite_closed=True)
    birth = _entry(record.summary, "BIRTH")
    assert [i["label"] for i in birth["added"]] == ["Q1 2022/23"]
    assert [i["label"] for i in birth["changed"]] == ["Q3 2023/24"]
    assert [(i["label"], i["reason"]) for i in birth["left"]] == [
        ("Q4 2023/24", "Q4 2023/24 is open: its owner enters it on My updates"),
        (
            "Q1 2024/25",
            "Q1 2024/25 is not open yet: its owner enters it on My updates once it opens",
        ),
    ]
    indicators_apply(users["admin"], record)
    q4 = IndicatorValue.objects.get(indicator=kpis.birth, year=2023, point=4)
    assert (q4.value, q4.state) == (Decimal("93"), "submitted")
    assert not IndicatorValue.objects.filter(indicator=kpis.birth, year=2024).exists()


def test_fractions_follow_the_entry_forms_rule(kpis, users):
    data = (
        "KPI Code,Period,Actual,Numerator,Denominator\n"
        "BIRTH,Q1 2022/23,,191,0\n"
        "BIRTH,Q2 2022/23,,191,\n"
        "BIRTH,Q3 2022/23,90,191,200\n"
        "BIRTH,Q4 2022/23,33.3,1,3\n"
    )
    record = _preview(kpis, users, data)
    reasons = {s["row"]: s["reason"] for s in record.summary["unreadable"]}
    assert "is 0, so there is no value to work out" in reasons[2]
    assert reasons[3].startswith("Enter the ") and reasons[3].endswith(" too.")
    assert reasons[4] == "the value 90 is not the numerator over the denominator (95.5)"
    # A published value rounded to its places agrees; the fraction gives the stored value.
    assert [(w["point"], w["value"]) for w in record.summary["writes"]] == [(4, "33.3333")]


def test_a_value_without_a_fraction_clears_the_stored_one(kpis, users):
    from tests.factories import indicator_value

    stored = indicator_value(
        kpis.birth, 2022, 1, "95.5", "191 of 200", numerator=191, denominator=200
    )
    # No commentary column: the stored commentary stays.
    record = _preview(kpis, users, "Ref,Q1 2022/23\nBIRTH,96\n")
    indicators_apply(users["admin"], record)
    stored.refresh_from_db()
    assert (stored.value, stored.numerator, stored.denominator, stored.commentary) == (
        Decimal("96"),
        None,
        None,
        "191 of 200",
    )
    # A commentary column, even blank, says what the commentary is.
    record = _preview(kpis, users, "KPI Code,Period,Actual,Commentary\nBIRTH,Q1 2022/23,97,\n")
    indicators_apply(users["admin"], record)
    stored.refresh_from_db()
    assert (stored.value, stored.commentary) == (Decimal("97"), "")
