"""The import's mapping step, its questions, and saved layouts: changing what a column means
re-previews the file, a named mapping is saved as a layout and applied by itself to the next
file with the same headers, and the preview's questions are answered from the page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from deliverables.models import Action, ImportLayout, ImportRecord, QuarterlyUpdate
from deliverables.tracker import services, views
from deliverables.tracker.meanings import ColumnGuess, Mapping, fold
from deliverables.tracker.revise import tracker_answer, tracker_remap
from deliverables.tracker.services import PreviewChanged, tracker_apply, tracker_preview
from plans.models import StrategicOutcome
from plans.workbook import TrackerFileError
from tests import factories

pytestmark = pytest.mark.django_db

HOUSING = (
    b"Ref,Action,RAG Status,Where we are\n"
    b"H1,Build new council homes,On Track,Forty homes finished in the quarter\n"
    b"H2,Retrofit tower blocks,Delayed,Cladding contractor went into administration\n"
)
# The same headers in another order, with other rows.
HOUSING_LATER = (
    b"Ref,Where we are,Action,RAG Status\n"
    b"H3,Twelve homes back in use,Empty homes brought back into use,On Track\n"
)
OTHER_HEADERS = b"Action Ref,Action,RAG Status,Commentary\nA1,First action,On Track,Fine\n"


@pytest.fixture
def plan(db):
    return factories.plan("housing")


@pytest.fixture
def reads(monkeypatch) -> list:
    """Every read of a file, with the mapping it was read with.

    A stand-in until the reader of issue 19 is merged: where a read has no `header_keys` or
    `columns` yet, they are made from the headers the reader recognised. With the reader
    merged, the reads are its own."""
    real = services.read_tracker
    calls: list = []

    def read(workbook, mapping=None):
        result = real(workbook, mapping)
        calls.append(mapping)
        if not hasattr(result, "columns"):
            result.columns = [
                ColumnGuess(sheet, index, chr(65 + index), text, fold(text), role, "header")
                for sheet, layouts in result.layouts.items()
                for layout in layouts
                for role, index in layout.columns.items()
                if (text := layout.headers.get(role))
            ]
        if not hasattr(result, "header_keys"):
            result.header_keys = [column.key for column in result.columns]
        return result

    monkeypatch.setattr(services, "read_tracker", read)
    return calls


def preview(user, plan, data: bytes = HOUSING, name: str = "housing.csv", **options):
    return tracker_preview(user, plan, "2023-24-Q3", data, name, **options)


def mapping_data(record: ImportRecord, meanings: dict | None = None, **fields) -> dict:
    """The mapping form as the page shows it, with the meanings of the columns named in
    `meanings` (header -> meaning) changed, and any other fields given."""
    form = views._mapping_form(record)
    data = {name: form[name].value() or "" for name in form.fields}
    for index, group in enumerate(form.groups):
        if meanings and group.header in meanings:
            data[f"column-{index}"] = meanings[group.header]
    return {**data, **fields}


def with_columns(record: ImportRecord, *columns: tuple[str, str]) -> ImportRecord:
    """The record's summary listing these (header, meaning) columns, as the importer lists
    them: for the pages' tests, which need not wait for the reader."""
    record.summary["columns"] = [
        ColumnGuess("housing", i, chr(65 + i), header, fold(header), meaning, "header").as_json()
        for i, (header, meaning) in enumerate(columns)
    ]
    record.save(update_fields=["summary"])
    return record


def mapping_url(record) -> str:
    return reverse("deliverables:import_mapping", args=[record.pk])


def answers_url(record) -> str:
    return reverse("deliverables:import_answers", args=[record.pk])


# -- the mapping step -----------------------------------------------------------------------


def test_the_import_page_lists_each_column_with_its_meaning_preset(admin_client, users, plan):
    record = with_columns(
        preview(users["admin"], plan),
        ("Ref", "action_ref"),
        ("Action", "action"),
        ("RAG Status", "status"),
        ("Where we are", "ignore"),
    )
    record.summary["columns"][3]["samples"] = ["Forty homes finished", "Cladding contractor"]
    record.summary["columns"][3]["confidence"] = "low"
    record.save(update_fields=["summary"])
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "What each column means" in page
    assert page.index("What each column means") < page.index("What importing would do")
    assert "Where we are" in page and "Forty homes finished" in page and "Low" in page
    assert '<option value="status" selected>Status</option>' in page
    assert '<option value="ignore" selected>Ignore this column</option>' in page
    assert "Save as a layout named" in page and "Update the preview" in page
    assert "Section headings are used" in page and "Sheet names are used" in page


def test_changing_a_meaning_previews_the_file_again_with_it(admin_client, users, plan, reads):
    record = with_columns(
        preview(users["admin"], plan),
        ("Ref", "action_ref"),
        ("Action", "action"),
        ("RAG Status", "status"),
        ("Where we are", "ignore"),
    )
    response = admin_client.post(
        mapping_url(record),
        mapping_data(record, {"Where we are": "commentary"}, headings="theme"),
        follow=True,
    )
    assert response.status_code == 200
    assert "The preview was updated with these meanings." in response.content.decode()
    record.refresh_from_db()
    # Only what was changed is a choice; the rest stay the importer's guesses.
    assert record.mapping == {
        "columns": {"where we are": "commentary"},
        "headings": "theme",
        "sheet_names": "match",
        "origin": "you",
    }
    assert reads[-1] == Mapping.from_json(record.mapping)  # the file read again with it
    assert record.layout is None and not ImportLayout.objects.exists()
    assert record.status == "previewed" and not Action.objects.exists()


def test_a_column_mapped_to_commentary_is_imported_as_commentary(admin_client, users, plan):
    record = preview(users["admin"], plan)
    assert "where we are" in {c["key"] for c in record.summary["unused_columns"]}
    admin_client.post(mapping_url(record), mapping_data(record, {"Where we are": "commentary"}))
    record.refresh_from_db()
    assert "where we are" not in {c["key"] for c in record.summary["unused_columns"]}
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "your choice" in page
    # The file names no outcome for its new actions: the preview asks, and is answered.
    StrategicOutcome.objects.create(plan=plan, name="Homes for all", order=1)
    record = tracker_remap(users["admin"], record, Mapping.from_json(record.mapping))
    [asked] = [q for q in record.summary["questions"] if q["key"].startswith("outcome:")]
    [chosen] = [value for value, label in asked["choices"] if label == "Homes for all"]
    record = tracker_answer(users["admin"], record, {asked["key"]: chosen})
    admin_client.post(reverse("deliverables:import_apply", args=[record.pk]))
    assert set(QuarterlyUpdate.objects.values_list("commentary", flat=True)) == {
        "Forty homes finished in the quarter",
        "Cladding contractor went into administration",
    }


def test_an_unknown_meaning_is_refused_and_nothing_typed_is_lost(admin_client, users, plan):
    record = with_columns(
        preview(users["admin"], plan), ("Action", "action"), ("Where we are", "ignore")
    )
    summary_before = record.summary
    data = mapping_data(
        record, {"Action": "invented", "Where we are": "commentary"}, layout_name="Housing"
    )
    response = admin_client.post(mapping_url(record), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose what column &#x27;Action&#x27; means from the list of meanings." in page
    # What was chosen for the other column and the name typed are still there.
    assert '<option value="commentary" selected>Commentary</option>' in page
    assert 'value="Housing"' in page
    record.refresh_from_db()
    assert (record.mapping, record.summary) == ({}, summary_before)
    assert not ImportLayout.objects.exists()


def test_a_page_left_open_while_the_columns_changed_is_not_misread(admin_client, users, plan):
    record = with_columns(preview(users["admin"], plan), ("Where we are", "ignore"))
    data = mapping_data(record, {"Where we are": "commentary"})
    with_columns(record, ("Status", "status"), ("Where we are", "ignore"))
    response = admin_client.post(mapping_url(record), data, follow=True)
    page = response.content.decode()
    assert "The file&#x27;s columns changed since that page was shown" in page
    record.refresh_from_db()
    assert record.mapping == {}
    # The page is shown again with the columns as they are now, and can be sent.
    assert '<option value="status" selected>Status</option>' in page
    fresh = mapping_data(record, {"Where we are": "commentary"})
    assert f'name="seen" value="{fresh["seen"]}"' in page
    assert admin_client.post(mapping_url(record), fresh).status_code == 302
    record.refresh_from_db()
    assert record.mapping["columns"] == {"where we are": "commentary"}


def test_answers_to_questions_since_changed_are_not_misread(admin_client, users, plan):
    record = with_question(preview(users["admin"], plan))
    data = {"seen": views._answers_form(record)["seen"].value(), "answer-0": "H7"}
    record.summary["questions"] = [{**QUESTION, "key": "match:housing:4", "row": 4}]
    record.save(update_fields=["summary"])
    response = admin_client.post(answers_url(record), data, follow=True)
    assert "The preview&#x27;s questions changed since that page was shown" in (
        response.content.decode()
    )
    record.refresh_from_db()
    assert record.answers == {}


def test_a_mapping_the_importer_refuses_keeps_the_preview_before(
    admin_client, users, plan, reads, monkeypatch
):
    record = preview(users["admin"], plan)
    summary_before = record.summary

    def refuse(*args, **kwargs):
        raise TrackerFileError("The file's only quarter columns are Q1, but the import is Q3.")

    monkeypatch.setattr(services, "prepare_import", refuse)
    response = admin_client.post(mapping_url(record), mapping_data(record, layout_name="Q1 file"))
    assert response.status_code == 400
    assert "only quarter columns are Q1" in response.content.decode()
    record.refresh_from_db()
    assert (record.status, record.mapping, record.summary) == ("previewed", {}, summary_before)
    assert record.content is not None
    assert not ImportLayout.objects.exists()  # the layout saved with it was rolled back


def test_only_a_preview_can_be_remapped(admin_client, users, plan):
    record = preview(users["admin"], plan)
    tracker_apply(users["admin"], record)
    response = admin_client.post(mapping_url(record), mapping_data(record), follow=True)
    assert "only a preview can be, and this import is &#x27;Imported&#x27;" in (
        response.content.decode()
    )
    record.refresh_from_db()
    assert record.mapping == {}


# -- saved layouts --------------------------------------------------------------------------


def test_a_named_mapping_is_saved_and_applied_to_the_next_file_with_those_headers(
    admin_client, users, plan, reads
):
    record = with_columns(
        preview(users["admin"], plan), ("Ref", "action_ref"), ("Where we are", "ignore")
    )
    response = admin_client.post(
        mapping_url(record),
        mapping_data(record, {"Where we are": "commentary"}, layout_name="  Housing  tracker "),
        follow=True,
    )
    assert "saved as the layout &#x27;Housing tracker&#x27;" in response.content.decode()
    layout = ImportLayout.objects.get()
    record.refresh_from_db()
    assert record.layout == layout and layout.created_by == users["admin"]
    assert layout.name == "Housing tracker" and layout.last_used_at is not None
    # Saved, every column is kept, so the next file is read exactly so.
    assert layout.mapping["columns"] == {"ref": "action_ref", "where we are": "commentary"}
    assert layout.mapping == record.mapping
    assert "Ref" in layout.headers

    reads.clear()
    later = preview(users["admin"], plan, HOUSING_LATER, "housing-q4.csv")
    assert later.layout == layout
    assert later.mapping == Mapping.from_json(layout.mapping).from_layout().as_json()
    assert reads == [None, Mapping.from_json(layout.mapping).from_layout()]  # read twice, no more
    page = admin_client.get(later.get_absolute_url()).content.decode()
    assert "Layout 'Housing tracker' was applied: these columns are read as it says." in page

    reads.clear()
    other = preview(users["admin"], plan, OTHER_HEADERS, "other.csv")
    assert other.layout is None and other.mapping == {} and reads == [None]


def test_a_file_with_its_own_mapping_is_not_given_a_saved_layout(users, plan, reads):
    first = preview(users["admin"], plan)
    tracker_remap(users["admin"], first, Mapping(columns={"ref": "action_ref"}), "Housing")
    mine = Mapping(columns={"where we are": "commentary"})
    record = preview(users["admin"], plan, mapping=mine)
    assert record.layout is None and record.mapping == mine.as_json()


def test_saving_under_a_name_in_use_replaces_that_layout(users, plan, reads):
    record = preview(users["admin"], plan)
    tracker_remap(users["admin"], record, Mapping(headings="outcome"), "Housing")
    record = preview(users["admin"], plan, OTHER_HEADERS, "other.csv")
    tracker_remap(users["admin"], record, Mapping(headings="theme"), "Housing")
    layout = ImportLayout.objects.get()
    assert layout.mapping["headings"] == "theme"
    assert layout.signature == services.read_signature(reads_of(record))


def reads_of(record: ImportRecord):
    return services._read(bytes(record.content), record.file_name)


def test_a_file_without_header_keys_cannot_be_saved_as_a_layout(
    admin_client, users, plan, monkeypatch
):
    record = preview(users["admin"], plan)
    real = services.read_tracker

    def no_keys(workbook, mapping=None):
        result = real(workbook, mapping)
        result.header_keys = []
        return result

    monkeypatch.setattr(services, "read_tracker", no_keys)
    response = admin_client.post(mapping_url(record), mapping_data(record, layout_name="Any"))
    assert response.status_code == 400
    assert "cannot be saved as a layout" in response.content.decode()
    assert not ImportLayout.objects.exists()
    record.refresh_from_db()
    assert record.mapping == {}


def test_the_layouts_page_lists_and_deletes_layouts(admin_client, users, plan, reads):
    record = preview(users["admin"], plan)
    tracker_remap(users["admin"], record, Mapping(headings="outcome"), "Housing tracker")
    layout = ImportLayout.objects.get()
    page = admin_client.get(reverse("deliverables:import_layouts")).content.decode()
    assert "Housing tracker" in page and "administrator" in page
    assert (
        reverse("deliverables:import_layouts")
        in admin_client.get(reverse("deliverables:imports")).content.decode()
    )

    delete = reverse("deliverables:import_layout_delete", args=[layout.pk])
    page = admin_client.get(delete).content.decode()
    assert "Delete the layout 'Housing tracker'?" in page
    assert ImportLayout.objects.exists()  # asking deletes nothing
    response = admin_client.post(delete, follow=True)
    assert "The layout &#x27;Housing tracker&#x27; was deleted." in response.content.decode()
    assert not ImportLayout.objects.exists()
    record.refresh_from_db()  # the import keeps the meanings it was read with
    assert record.layout is None and record.mapping["headings"] == "outcome"
    assert admin_client.post(delete).status_code == 404


def test_the_layouts_page_query_count_is_fixed(admin_client, users, django_assert_num_queries):
    def add(n):
        start = ImportLayout.objects.count()
        for index in range(start, start + n):
            ImportLayout.objects.create(
                name=f"Layout {index}",
                signature=f"{index:064d}",
                headers=["Ref", "Action", "RAG"],
                created_by=users["admin"],
            )

    add(3)
    with django_assert_num_queries(5) as first:
        admin_client.get(reverse("deliverables:import_layouts"))
    add(20)
    with django_assert_num_queries(len(first.captured_queries)):
        page = admin_client.get(reverse("deliverables:import_layouts")).content.decode()
    assert page.count("Delete<span") == 23


# -- questions ------------------------------------------------------------------------------

QUESTION = {
    "key": "match:housing:3",
    "sheet": "housing",
    "row": 3,
    "text": "'Retrofit tower blocks' is like H7 'Retrofit the tower blocks' (92%).",
    "choices": [["new", "Create a new action"], ["H7", "It is H7"], ["skip", "Leave the row out"]],
    "default": "skip",
}


def with_question(record: ImportRecord) -> ImportRecord:
    record.summary["questions"] = [QUESTION]
    record.save(update_fields=["summary"])
    return record


def test_questions_are_shown_with_their_choices_and_default(admin_client, users, plan):
    record = with_question(preview(users["admin"], plan))
    page = admin_client.get(record.get_absolute_url()).content.decode()
    assert "Questions before importing (1)" in page
    assert "Sheet 'housing' row 3:" in page and "It is H7" in page
    assert 'value="skip" checked' in page and "(if you do not choose)" in page
    assert page.index("What each column means") < page.index("Questions before importing")
    assert page.index("Questions before importing") < page.index("What importing would do")


def test_an_answer_is_kept_and_the_file_previewed_with_it(admin_client, users, plan, monkeypatch):
    record = with_question(preview(users["admin"], plan))
    given = []
    real = services.prepare_import

    def prepare(*args, answers=None, **kwargs):
        given.append(answers)
        return real(*args, answers=answers, **kwargs)

    monkeypatch.setattr(services, "prepare_import", prepare)
    data = {"seen": views._answers_form(record)["seen"].value(), "answer-0": "H7"}
    response = admin_client.post(answers_url(record), data, follow=True)
    assert "Your answers were saved and the preview updated." in response.content.decode()
    record.refresh_from_db()
    assert record.answers == {"match:housing:3": "H7"}
    assert given == [{"match:housing:3": "H7"}]


def test_an_answer_not_among_the_choices_is_refused(admin_client, users, plan):
    record = with_question(preview(users["admin"], plan))
    data = {"seen": views._answers_form(record)["seen"].value(), "answer-0": "H99"}
    response = admin_client.post(answers_url(record), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose one of the answers offered for sheet &#x27;housing&#x27; row 3." in page
    record.refresh_from_db()
    assert record.answers == {}


def test_the_service_keeps_only_answers_to_questions_asked(users, plan):
    record = with_question(preview(users["admin"], plan))
    record.answers = {"match:old:9": "new"}  # an earlier answer stays
    tracker_answer(
        users["admin"],
        record,
        {"match:housing:3": "H7", "match:housing:4": "new", "unknown": "x"},
    )
    record.refresh_from_db()
    assert record.answers == {"match:old:9": "new", "match:housing:3": "H7"}
    with_question(record)
    tracker_answer(users["admin"], record, {"match:housing:3": "H99"})
    record.refresh_from_db()
    assert record.answers["match:housing:3"] == "H7"


# -- confirming exactly what was shown ------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("quarters", {"2023-24-Q3": {"label": "Q3 2023/24", "created": 9}}),
        ("answered", {"match:housing:3": "H7"}),
        ("structure", {"outcomes": [{"name": "Housing", "rows": [["housing", 2]]}]}),
    ],
)
def test_a_preview_that_differs_from_the_one_shown_is_not_confirmed(users, plan, key, shown):
    record = preview(users["admin"], plan)
    record.summary[key] = shown  # what the page showed, before something changed
    record.save(update_fields=["summary"])
    with pytest.raises(PreviewChanged):
        tracker_apply(users["admin"], record)
    assert not Action.objects.exists() and not QuarterlyUpdate.objects.exists()
    record.refresh_from_db()
    assert record.summary.get(key) != shown  # the page now shows the new preview


# -- who may, and how -----------------------------------------------------------------------


def test_only_administrators_change_mappings_answers_and_layouts(client, users, plan, reads):
    record = with_question(preview(users["admin"], plan))
    tracker_remap(users["admin"], record, Mapping(), "Housing")
    layout = ImportLayout.objects.get()
    urls = [
        ("post", mapping_url(record)),
        ("post", answers_url(record)),
        ("get", reverse("deliverables:import_layouts")),
        ("get", reverse("deliverables:import_layout_delete", args=[layout.pk])),
        ("post", reverse("deliverables:import_layout_delete", args=[layout.pk])),
    ]
    for name in ("performance", "officer", "viewer"):
        client.force_login(users[name])
        for method, url in urls:
            assert getattr(client, method)(url, mapping_data(record)).status_code == 403
    record.refresh_from_db()
    assert record.answers == {} and ImportLayout.objects.exists()


def test_the_new_pages_refuse_other_methods(admin_client, users, plan, reads):
    record = preview(users["admin"], plan)
    tracker_remap(users["admin"], record, Mapping(), "Housing")
    layout = ImportLayout.objects.get()
    assert admin_client.get(mapping_url(record)).status_code == 405
    assert admin_client.get(answers_url(record)).status_code == 405
    assert admin_client.post(reverse("deliverables:import_layouts")).status_code == 405
    delete = reverse("deliverables:import_layout_delete", args=[layout.pk])
    assert admin_client.put(delete).status_code == 405
    assert ImportLayout.objects.exists()


def test_a_preview_changed_in_another_tab_is_not_imported_from_the_first(admin_client, users, plan):
    record = preview(users["admin"], plan)
    page = admin_client.get(record.get_absolute_url()).content.decode()
    [shown] = re.findall(r'name="seen" value="([0-9a-f]{16})"', page.split("Import now")[0])[-1:]
    # Another tab maps "Where we are" as commentary: the preview now imports commentary.
    tracker_remap(users["admin"], record, Mapping(columns={"where we are": "commentary"}))
    response = admin_client.post(
        reverse("deliverables:import_apply", args=[record.pk]), {"seen": shown}, follow=True
    )
    assert "This preview changed after the page you confirmed from was shown" in (
        response.content.decode()
    )
    record.refresh_from_db()
    assert record.status == "previewed" and not QuarterlyUpdate.objects.exists()
    page = admin_client.get(record.get_absolute_url()).content.decode()
    [fresh] = re.findall(r'name="seen" value="([0-9a-f]{16})"', page.split("Import now")[0])[-1:]
    assert fresh != shown
    admin_client.post(reverse("deliverables:import_apply", args=[record.pk]), {"seen": fresh})
    record.refresh_from_db()
    assert record.status == "applied"
