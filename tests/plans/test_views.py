"""The plan browser: home, plan, outcome pages; sign-in and sign-out."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse
from PIL import Image

from plans.models import Plan
from tests import factories


@pytest.fixture
def viewer_client(client, users):
    client.force_login(users["viewer"])
    return client


# -- sign in --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, small_plan):
    for url in [
        reverse("home"),
        small_plan.plan.get_absolute_url(),
        small_plan.outcomes[0].get_absolute_url(),
        small_plan.actions[0].get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


@pytest.mark.django_db
def test_sign_in_with_the_right_password_lands_on_the_plans(client, users, small_plan):
    response = client.post(
        reverse("login"), {"username": "viewer", "password": factories.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert small_plan.plan.name in response.content.decode()


@pytest.mark.django_db
def test_sign_in_with_a_wrong_password_says_so_and_keeps_the_user_name(client, users):
    response = client.post(reverse("login"), {"username": "viewer", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Please enter a correct username and password" in page
    assert 'value="viewer"' in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_is_a_post_and_ends_the_session(viewer_client):
    assert viewer_client.get(reverse("logout")).status_code == 405
    response = viewer_client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in viewer_client.session


# -- home -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_lists_plans_and_their_outcomes(viewer_client, small_plan):
    page = viewer_client.get(reverse("home")).content.decode()
    assert small_plan.plan.name in page
    for outcome in small_plan.outcomes:
        assert outcome.name in page
        assert outcome.get_absolute_url() in page


@pytest.mark.django_db
def test_home_hides_retired_plans_from_viewers_but_not_plan_managers(client, users, small_plan):
    Plan.objects.filter(pk=small_plan.plan.pk).update(is_active=False)
    client.force_login(users["viewer"])
    assert small_plan.plan.name not in client.get(reverse("home")).content.decode()
    client.force_login(users["performance"])
    assert small_plan.plan.name in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_home_with_no_plans_says_what_to_do(viewer_client):
    page = viewer_client.get(reverse("home")).content.decode()
    assert "There are no plans yet" in page


@pytest.mark.django_db
def test_home_refuses_post(viewer_client):
    assert viewer_client.post(reverse("home")).status_code == 405


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_plans(
    viewer_client, directorates, django_assert_num_queries
):
    for index in range(3):
        factories.small_plan(directorates, slug=f"plan-{index}")
    with django_assert_num_queries(6) as small:
        viewer_client.get(reverse("home"))
    for index in range(3, 7):
        factories.small_plan(directorates, slug=f"plan-{index}", extra_actions=5)
    with django_assert_num_queries(len(small.captured_queries)):
        response = viewer_client.get(reverse("home"))
    assert response.content.decode().count('class="govuk-heading-l"') == 7


# -- plan -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plan_page_counts_actions_by_status_for_the_quarter(viewer_client, small_plan):
    response = viewer_client.get(small_plan.plan.get_absolute_url())
    assert response.status_code == 200
    rows = {
        row["outcome"].name: row["status_counts"]
        for row in response.context["rows"]
        if row["outcome"]
    }
    first = {status.label: count for status, count in rows["Best start in life"]}
    # CH6 On Track, CH5 Delayed.
    assert first == {"On Track": 1, "Delayed": 1, "Complete": 0, "No Update": 0}
    second = {status.label: count for status, count in rows["Live well"]}
    # PH5 Complete; F1 has no update in a closed quarter, so it counts as No Update.
    assert second == {"On Track": 0, "Delayed": 0, "Complete": 1, "No Update": 1}


@pytest.mark.django_db
def test_plan_page_for_an_open_quarter_shows_missing_updates_as_not_yet_updated(
    viewer_client, small_plan
):
    small_plan.period.state = "open"
    small_plan.period.save()
    response = viewer_client.get(small_plan.plan.get_absolute_url())
    live_well = next(
        row
        for row in response.context["rows"]
        if row["outcome"] and row["outcome"].name == "Live well"
    )
    assert live_well["not_updated"] == 1


@pytest.mark.django_db
def test_plan_page_unknown_plan_or_quarter_is_not_found(viewer_client, small_plan):
    assert viewer_client.get(reverse("deliverables:plan", args=["no-such-plan"])).status_code == 404
    url = small_plan.plan.get_absolute_url()
    assert viewer_client.get(url, {"period": "2099-00-Q9"}).status_code == 404
    assert viewer_client.get(url, {"period": "2022-23-Q1"}).status_code == 404


@pytest.mark.django_db
def test_plan_page_of_a_retired_plan_is_not_found_for_viewers(viewer_client, small_plan):
    Plan.objects.filter(pk=small_plan.plan.pk).update(is_active=False)
    assert viewer_client.get(small_plan.plan.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_plan_page_refuses_post(viewer_client, small_plan):
    assert viewer_client.post(small_plan.plan.get_absolute_url()).status_code == 405


@pytest.mark.django_db
def test_plan_page_query_count_is_fixed(viewer_client, directorates, django_assert_num_queries):
    small = factories.small_plan(directorates, slug="small")
    big = factories.small_plan(directorates, slug="big", extra_actions=12)
    # One more than before: the plan total counts each action once (an outcome's row counts it
    # in each outcome it sits in).
    with django_assert_num_queries(12) as first:
        viewer_client.get(small.plan.get_absolute_url())
    with django_assert_num_queries(len(first.captured_queries)):
        viewer_client.get(big.plan.get_absolute_url())


# -- outcome --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_outcome_page_lists_deliverables_and_their_actions_with_status(viewer_client, small_plan):
    page = viewer_client.get(small_plan.outcomes[0].get_absolute_url()).content.decode()
    assert "We will provide good school places" in page
    assert "Every child has a good school place" in page
    assert small_plan.actions[0].get_absolute_url() in page
    assert "On Track" in page and "Delayed" in page


@pytest.mark.django_db
def test_outcome_page_shows_actions_listed_without_a_deliverable(viewer_client, small_plan):
    page = viewer_client.get(small_plan.outcomes[1].get_absolute_url()).content.decode()
    assert "Customer journey programme" in page
    assert "Actions listed without a deliverable" in page


@pytest.mark.django_db
def test_outcome_of_another_plan_is_not_found(viewer_client, directorates, small_plan):
    other = factories.small_plan(directorates, slug="other-plan")
    url = reverse("deliverables:outcome", args=[small_plan.plan.slug, other.outcomes[0].pk])
    assert viewer_client.get(url).status_code == 404


@pytest.mark.django_db
def test_outcome_page_refuses_post(viewer_client, small_plan):
    assert viewer_client.post(small_plan.outcomes[0].get_absolute_url()).status_code == 405


@pytest.mark.django_db
def test_outcome_page_query_count_is_fixed(viewer_client, directorates, django_assert_num_queries):
    small = factories.small_plan(directorates, slug="small")
    big = factories.small_plan(directorates, slug="big", extra_actions=15)
    # 14: one for the plan's indicators (none here) that the outcome's indicators are read from.
    # 15: and one asking whether the outcome has milestones (its timeline links).
    with django_assert_num_queries(15) as first:
        viewer_client.get(small.outcomes[0].get_absolute_url())
    with django_assert_num_queries(len(first.captured_queries)):
        response = viewer_client.get(big.outcomes[0].get_absolute_url())
    assert response.context["action_count"] > 10


# -- the status stylesheet ------------------------------------------------------------------


@pytest.mark.django_db
def test_status_colours_are_a_stylesheet_with_readable_text(client, small_plan):
    response = client.get(reverse("plans:status_css"))  # public: the sign-in page uses it
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    delayed = factories.status(small_plan.plan, "Delayed")
    assert f".app-status--{delayed.pk}{{background-color:#D4351C;color:#ffffff;}}" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_pages_link_the_icon_and_each_link_is_a_static_file(client):
    html = client.get(reverse("login")).content.decode()  # base.html, as every page
    for rel, name in [
        ("icon", "images/favicon.svg"),
        ("apple-touch-icon", "images/apple-touch-icon.png"),
    ]:
        assert f'<link rel="{rel}" href="{static(name)}"' in html
        assert finders.find(name), name


@pytest.mark.django_db
def test_favicon_ico_sends_anyone_to_the_icon(client):
    # Browsers ask for /favicon.ico whatever the page links, signed in or not.
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("images/favicon.ico")
    icon = Image.open(finders.find("images/favicon.ico"))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32)} <= icon.info["sizes"]
    assert client.post("/favicon.ico").status_code == 405


def test_status_text_colour_meets_contrast_on_bright_red():
    from plans.models import Status

    # White on #FF0000 is 4.0:1 and fails WCAG AA; black is 5.3:1.
    assert Status(colour="#FF0000").text_colour == "#0b0c0c"
    assert Status(colour="#595959").text_colour == "#ffffff"


@pytest.mark.django_db
def test_a_missing_page_says_so_in_the_service_style(viewer_client):
    response = viewer_client.get("/plans/no-such-plan/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Go to the list of plans" in response.content.decode()
