"""An administrator tells the importer what a column it could not name means, saves that as a
layout, and sees the layout applied by itself to the next file with the same headers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from deliverables.models import QuarterlyUpdate
from plans.models import StrategicOutcome
from tests import factories

HEADERS = "Ref,Action,Outcome,RAG Status,Where we are\n"


@pytest.mark.django_db(transaction=True)
def test_map_a_column_save_the_layout_and_see_it_applied_to_the_next_file(
    page, live_server, sign_in, audit_both, tmp_path
):
    plan = factories.plan("housing", "Housing Plan")
    homes = StrategicOutcome.objects.create(plan=plan, name="Quality Homes", order=1)
    for ref, title in [
        ("H1", "Build new council homes"),
        ("H2", "Retrofit tower blocks"),
        ("H3", "Bring empty homes back into use"),
        ("H4", "Cut the housing waiting list"),
    ]:
        factories.action(plan, ref, title, outcome=homes)
    factories.user("admin", "Administrator", is_staff=True)
    first = tmp_path / "housing-q3.csv"
    first.write_text(
        HEADERS
        + "H1,Build new council homes,Quality Homes,On Track,Forty homes finished\n"
        + "H2,Retrofit tower blocks,Quality Homes,Delayed,Cladding contractor failed\n"
    )
    second = tmp_path / "housing-q3-more.csv"
    second.write_text(
        HEADERS
        + "H3,Bring empty homes back into use,Quality Homes,On Track,Twelve homes back\n"
        + "H4,Cut the housing waiting list,Quality Homes,On Track,Down by a tenth\n"
    )

    def upload(path) -> None:
        page.goto(f"{live_server.url}/imports/new/")
        page.get_by_label("Plan", exact=True).select_option(label="Housing Plan")
        page.get_by_label("Quarter the tracker reports").fill("Q3 2023/24")
        page.get_by_label("Tracker file").set_input_files(str(path))
        page.get_by_role("button", name="Preview the import").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Check before importing")

    sign_in(page, "admin", factories.PASSWORD)
    page.goto(f"{live_server.url}/imports/new/")
    audit_both(page)
    upload(first)
    meaning = page.get_by_label("Meaning of Where we are")
    expect(meaning).to_have_value("ignore")
    expect(page.get_by_role("region", name="Columns not imported")).to_contain_text("Where we are")
    audit_both(page)

    meaning.select_option("commentary")
    page.get_by_label("Save as a layout named").fill("Housing tracker")
    page.get_by_role("button", name="Update the preview", exact=True).click()
    expect(page.get_by_text("saved as the layout 'Housing tracker'")).to_be_visible()
    expect(page.get_by_label("Meaning of Where we are")).to_have_value("commentary")
    expect(page.get_by_role("region", name="Columns not imported")).to_have_count(0)
    audit_both(page)
    assert not QuarterlyUpdate.objects.exists()  # still only a preview

    page.get_by_role("button", name="Import now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported")
    audit_both(page)
    assert QuarterlyUpdate.objects.get(action__ref="H1").commentary == "Forty homes finished"

    # The next file with the same headers is read as the layout says, with nothing to change.
    upload(second)
    expect(
        page.get_by_text("Layout 'Housing tracker' was applied: these columns are read as it says.")
    ).to_be_visible()
    expect(page.get_by_label("Meaning of Where we are")).to_have_value("commentary")
    expect(page.get_by_role("region", name="Columns not imported")).to_have_count(0)
    figures = page.get_by_role("table", name="What importing would do")
    expect(figures.get_by_role("row", name="Updates")).to_contain_text("2")
    audit_both(page)
    page.get_by_role("button", name="Import now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported")
    assert QuarterlyUpdate.objects.get(action__ref="H3").commentary == "Twelve homes back"

    page.goto(f"{live_server.url}/imports/layouts/")
    expect(page.get_by_role("region", name="Saved layouts")).to_contain_text("Housing tracker")
    audit_both(page)


@pytest.mark.django_db(transaction=True)
def test_a_file_read_as_another_quarters_is_remapped_then_imported(
    page, live_server, sign_in, audit_both, tmp_path
):
    """A Q4 tracker whose commentary header names April (read as Q1's) is kept as a preview
    that cannot be imported; telling the importer its columns are Q4's makes it importable."""
    plan = factories.plan("housing", "Housing Plan")
    homes = StrategicOutcome.objects.create(plan=plan, name="Quality Homes", order=1)
    factories.action(plan, "H1", "Build new council homes", outcome=homes)
    factories.period(plan, "2023-24-Q4", state="open")
    factories.user("admin", "Administrator", is_staff=True)
    year_end = tmp_path / "housing-year-end.csv"
    year_end.write_text(
        "Ref,Action,RAG Status,April 2024 update\n"
        "H1,Build new council homes,On Track,Ninety homes in the year\n"
    )

    sign_in(page, "admin", factories.PASSWORD)
    page.goto(f"{live_server.url}/imports/new/")
    page.get_by_label("Plan", exact=True).select_option(label="Housing Plan")
    page.get_by_label("Quarter the tracker reports").fill("Q4 2023/24")
    page.get_by_label("Tracker file").set_input_files(str(year_end))
    page.get_by_role("button", name="Preview the import").click()
    banner = page.get_by_role("region", name="Cannot be imported as read")
    expect(banner).to_contain_text("'April 2024 update' were read as Q1's")
    expect(page.get_by_role("button", name="Import now")).to_have_count(0)
    audit_both(page)

    page.get_by_label("Meaning of RAG Status").select_option("q4_status")
    page.get_by_label("Meaning of April 2024 update").select_option("q4_commentary")
    page.get_by_role("button", name="Update the preview", exact=True).click()
    expect(page.get_by_role("region", name="Cannot be imported as read")).to_have_count(0)
    audit_both(page)
    page.get_by_role("button", name="Import now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported")
    update = QuarterlyUpdate.objects.get(action__ref="H1")
    assert (update.period.code, update.commentary) == ("2023-24-Q4", "Ninety homes in the year")
