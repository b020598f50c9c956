"""The measuring tools keep working: generated data, then `bench --json` over it."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from deliverables.models import Action, QuarterlyUpdate
from plans.models import Plan, User

ORDER = ("action__ref_normalised", "period__year", "period__quarter")


def generated(slug: str) -> list[tuple]:
    return list(
        QuarterlyUpdate.objects.filter(action__plan__slug=slug)
        .order_by(*ORDER)
        .values_list("action__ref", "status__label", "commentary")
    )


@pytest.mark.django_db
def test_generated_data_has_the_shape_asked_for_and_is_reproducible():
    call_command("generate_demo_data", "--actions", "90", "--years", "2", stdout=io.StringIO())
    plan = Plan.objects.get(slug="demo-90x2-1")
    assert Action.objects.filter(plan=plan).count() == 90
    assert plan.periods.count() == 8
    assert plan.periods.filter(state="open").count() == 1
    updates = QuarterlyUpdate.objects.filter(action__plan=plan)
    # Every action reports each quarter from its start until it completes.
    assert 90 * 4 < updates.count() <= 90 * 8
    assert updates.values("status__label").distinct().count() >= 4
    assert Action.objects.filter(plan=plan, placements__deliverable__isnull=False).exists()
    first = generated(plan.slug)
    updates.delete()  # updates protect their quarters and statuses
    plan.delete()
    User.objects.filter(username__startswith="demo-90x2-1.").delete()
    call_command("generate_demo_data", "--actions", "90", "--years", "2", stdout=io.StringIO())
    assert generated("demo-90x2-1") == first
    with pytest.raises(CommandError, match="exists already"):
        call_command("generate_demo_data", "--actions", "90", "--years", "2")


@pytest.mark.django_db
def test_bench_measures_every_page_against_its_floor():
    call_command("generate_demo_data", "--actions", "60", "--years", "2", stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "bench", "--json", "--repeat", "2", "--import-rows", "150",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    figures = json.loads(out.getvalue())
    names = [r["name"] for r in figures["results"]]
    assert names == [
        "dashboard", "register", "register, red only", "register, text search",
        "dashboard, viewer", "register, viewer", "dashboard, approver", "register, approver",
        "exception report, page", "exception report, PDF", "my updates", "action page",
        "save an update", "import 150 rows", "import 150 rows again",
    ]  # fmt: skip
    for result in figures["results"]:
        assert result["median_ms"] > 0 and result["floor_ms"] > 0, result
        assert result["ratio"] == pytest.approx(result["median_ms"] / result["floor_ms"])
    pages = [r for r in figures["results"] if not r["name"].startswith("import")]
    assert all(r["queries"] > 0 for r in pages)
    assert figures["actions"] == 60 and figures["database"]
    # The import was measured, then rolled back.
    assert not Plan.objects.filter(slug__startswith="bench-import").exists()


@pytest.mark.django_db
def test_bench_can_time_the_import_alone_first_and_again():
    call_command("generate_demo_data", "--actions", "20", "--years", "1", stdout=io.StringIO())
    out = io.StringIO()
    call_command("bench", "--import-only", "--import-rows", "120", stdout=out)
    lines = out.getvalue().splitlines()
    names = [line.split("  ")[0] for line in lines[2:]]
    assert names == ["import 120 rows", "import 120 rows again"]
    assert "rows/s; peak Python memory" in lines[2] and "nothing changes" in lines[3]
    assert not Plan.objects.filter(slug__startswith="bench-import").exists()
