"""Public addresses answer HEAD like GET (link checkers, uptime monitors, `curl -I`), and the feed
of every plan stays cacheable with many public plans (its key is hashed, never over the
database cache's 250 characters)."""

from __future__ import annotations

import warnings

import pytest
from django.core.cache import CacheKeyWarning
from django.urls import reverse

from plans.models import Plan
from tests import factories
from tests.public.test_pages import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name,args",
    [
        ("public:index", []),
        ("public:plan", ["slug"]),
        ("public:period", ["slug", "code"]),
        ("public:data_csv", ["slug", "code"]),
        ("public:feed", []),
    ],
)
def test_head_is_answered_like_get(client, world, name, args):  # noqa: F811
    values = {"slug": world.plan.slug, "code": world.q3.code}
    url = reverse(name, args=[values[a] for a in args])
    assert client.get(url).status_code == 200
    assert client.head(url).status_code == 200


def test_the_feed_of_every_plan_works_with_many_public_plans(client, world):  # noqa: F811
    for n in range(60):
        factories.plan(f"business-plan-{n:02d}", f"Business Plan {n}")
    Plan.objects.update(public=True)
    client.raise_request_exception = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CacheKeyWarning)
        response = client.get(reverse("public:feed"))
    assert response.status_code == 200
    assert not [w for w in caught if issubclass(w.category, CacheKeyWarning)]  # SQLite
