"""Text search (deliverables.search): English full text on PostgreSQL, words as typed on SQLite,
and never a way to find commentary the reader may not read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from deliverables.models import Action, QuarterlyUpdate
from deliverables.search import action_search_q, full_text, text_q
from tests import factories


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def found(plan, words: str, **kwargs) -> list[str]:
    return sorted(
        Action.objects.filter(plan=plan)
        .filter(action_search_q(words, **kwargs))
        .values_list("ref", flat=True)
    )


@pytest.mark.django_db
def test_full_text_on_postgresql_and_words_as_typed_on_sqlite(small_plan):
    plan = small_plan.plan
    factories.action(plan, "CH9", "Improve the school attendance of looked-after children")
    assert full_text() is on_postgresql()
    if on_postgresql():
        # Stemmed English: other forms of a word find it, and stop words do not get in the way.
        assert found(plan, "improving") == ["CH9"]
        assert found(plan, "improvements to attendance") == ["CH9"]
        assert found(plan, "attending") == ["CH5", "CH9"]
    else:
        # SQLite has no stemmer: the words are matched as typed (the app's behaviour before).
        assert found(plan, "improving") == []
    # Both: part of a word or a reference still finds what it always did.
    assert found(plan, "improv") == ["CH9"]
    assert found(plan, "ch 9") == ["CH9"]
    assert found(plan, "ATTENDANCE") == ["CH5", "CH9"]
    assert found(plan, "zebra crossing") == []


@pytest.mark.django_db
def test_an_empty_search_matches_everything_and_odd_input_is_not_an_error(small_plan):
    plan = small_plan.plan
    everything = sorted(Action.objects.filter(plan=plan).values_list("ref", flat=True))
    assert found(plan, "   ") == everything
    assert Action.objects.filter(text_q("", ["title"])).count() == Action.objects.count()
    for odd in ('"unclosed', "a & b | !c", "or", "-", "'; DROP TABLE x; --", "%_"):
        found(plan, odd)  # websearch syntax and LIKE wildcards are data, never errors


@pytest.mark.django_db
def test_the_register_finds_stemmed_commentary_only_where_the_reader_may_read_it(
    client, users, small_plan
):
    plan, period = small_plan.plan, small_plan.period
    ch6 = small_plan.actions[0]
    QuarterlyUpdate.objects.filter(action=ch6, period=period).update(
        commentary="The contractor collapsed into administration", state="submitted"
    )
    register = reverse("reports:register", args=[plan.slug])
    words = "collapsing contractors" if on_postgresql() else "collapsed"
    client.force_login(users["viewer"])  # approved updates only: a submitted one is not read
    assert list(client.get(register, {"q": words}).context["page"]) == []
    client.force_login(users["performance"])  # the performance team reads submitted work
    assert [a.ref for a in client.get(register, {"q": words}).context["page"]] == ["CH6"]
    QuarterlyUpdate.objects.filter(action=ch6, period=period).update(state="approved")
    client.force_login(users["viewer"])
    assert [a.ref for a in client.get(register, {"q": words}).context["page"]] == ["CH6"]


@pytest.mark.django_db
def test_the_assign_people_page_searches_the_same_way(client, users, small_plan):
    factories.action(small_plan.plan, "CH9", "Improve the school attendance of children")
    client.force_login(users["performance"])
    page = client.get(
        reverse("deliverables:people", args=[small_plan.plan.slug]),
        {"q": "improving" if on_postgresql() else "improv"},
    )
    assert page.status_code == 200
    assert "Improve the school attendance" in page.content.decode()
    assert "Healthy Sandwell advice service" not in page.content.decode()


@pytest.mark.django_db
def test_the_search_index_exists_on_postgresql_only():
    with connection.cursor() as cursor:
        if on_postgresql():
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'deliverables_action_title_fts'"
            )
            [(definition,)] = cursor.fetchall()
            assert "gin" in definition and "to_tsvector('english'" in definition
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE '%title_fts%'")
            assert cursor.fetchall() == []
