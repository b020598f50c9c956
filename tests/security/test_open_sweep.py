"""Nothing unpublished leaves through the open doors: every public URL and every API endpoint.

The world: a public plan whose Q3 is published with an approved, a submitted, a draft and a
returned update, a closed-but-unpublished Q2 before it and Q4 after it, and an open quarter,
all three with approved text; a
plan whose public pages are off; named officers and a named publisher. Every public URL the
resolver knows is fetched anonymously with every plan, period, outcome and report it could be
given, and its text (HTML, CSV, JSON, Atom, the PDF's words) searched for anything the public
may not read. Every API endpoint is fetched with a token for each role, and its JSON searched
for any commentary that role may not read on the pages (the counting rules' readable_q). Tokens
are refused once revoked, and every write method is refused everywhere.
"""

from __future__ import annotations

import io
import itertools
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from pypdf import PdfReader

from api.models import ApiToken, hash_token, new_token
from deliverables.models import QuarterlyUpdate
from deliverables.rules import readable_q
from plans.models import ReportingPeriod
from reports.models import ExceptionReport
from reports.services import report_publish, report_start
from tests import factories

SUBMITTED = "SECRET-SUBMITTED-CH5"
DRAFT = "SECRET-DRAFT-PH5"
RETURNED = "SECRET-RETURNED-F1"
UNPUBLISHED = "SECRET-UNPUBLISHED-Q4"
EARLIER = "SECRET-UNPUBLISHED-Q2"
OPEN = "SECRET-OPEN-Q1"
PRIVATE = "SECRET-PRIVATE-PLAN"
PUBLISHED = "PUBLIC-Q3-CH6"
# Surnames of people: the lead officer, the approver and the person who published the report.
NAMES = ["Quillfeather", "Thistlewood", "Marchbanks"]
EVERY_SECRET = [SUBMITTED, DRAFT, RETURNED, UNPUBLISHED, EARLIER, OPEN, PRIVATE]


def _set(update: QuarterlyUpdate, commentary: str, state: str, source: str = "entered"):
    update.commentary, update.state, update.source = commentary, state, source
    update.save()


@pytest.fixture
def open_world(db, directorates, users):
    small = factories.small_plan(directorates)
    plan, q3 = small.plan, small.period
    ch6, ch5, ph5, f1 = small.actions
    for action in (ch6, ch5):
        action.lead_officer, action.approver = users["officer"], users["approver"]
        action.save()
    ph5.lead_officer = users["other_officer"]
    ph5.save()
    for key, surname in [("officer", "Quillfeather"), ("approver", "Thistlewood")]:
        users[key].last_name = surname
        users[key].save()
    performance = users["performance"]
    performance.first_name, performance.last_name = "Pat", "Marchbanks"
    performance.save()
    _set(ch6.updates.get(period=q3), PUBLISHED, "approved")
    _set(ch5.updates.get(period=q3), SUBMITTED, "submitted")
    _set(ph5.updates.get(period=q3), DRAFT, "draft")
    factories.update(f1, q3, "On Track", RETURNED, state="returned", source="entered")
    # The quarter before the published one is closed but never published.
    q2 = factories.period(plan, "2023-24-Q2", state="closed")
    factories.update(ch6, q2, "Delayed", EARLIER)
    report_publish(performance, report_start(performance, q3))  # publishes Q3 too
    q4 = factories.period(plan, "2023-24-Q4", state="closed")
    factories.update(ch6, q4, "Delayed", UNPUBLISHED)
    q1 = factories.period(plan, "2024-25-Q1", state="open")
    factories.update(ch6, q1, "On Track", OPEN)
    plan.public = True
    plan.save()

    private = factories.small_plan(directorates, slug="private-plan")
    private.plan.name = "A plan kept private"
    private.plan.save()
    first = private.actions[0]
    _set(first.updates.get(period=private.period), PRIVATE, "approved", "imported")
    report_publish(performance, report_start(performance, private.period))

    q3.refresh_from_db()
    assert q3.state == "published"
    return SimpleNamespace(plan=plan, private=private.plan, q2=q2, q3=q3, q4=q4, q1=q1, **users)


def _patterns(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from _patterns(
                pattern.url_patterns, f"{namespace}:{inner}".strip(":") if inner else namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}".strip(":"), pattern


def _values(world) -> dict[str, list]:
    """Every value an address of the open doors could be given, for every plan."""
    plans = [world.plan, world.private]
    periods = ReportingPeriod.objects.filter(plan__in=plans)
    ids = [o.pk for p in plans for o in p.outcomes.all()]
    ids += list(ExceptionReport.objects.filter(plan__in=plans).values_list("pk", flat=True))
    reports = list(ExceptionReport.objects.filter(plan__in=plans).values_list("pk", flat=True))
    return {
        "slug": [p.slug for p in plans],
        "code": sorted({p.code for p in periods}),
        "pk": ids,
        "id": ids,
        "report_id": reports,
    }


def _addresses(name: str, pattern: URLPattern, world) -> list[str]:
    names = list(pattern.pattern.converters)
    values = _values(world)
    if any(name not in values for name in names):
        return []  # a catch-all (the API's own 404 for any other address)
    found = []
    for combination in itertools.product(*(values[n] for n in names)):
        try:
            found.append(reverse(name, kwargs=dict(zip(names, combination, strict=True))))
        except Exception:  # noqa: S112 - a value of the wrong shape for this converter
            continue
    return found


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8", errors="replace")


def public_addresses(world) -> list[str]:
    return [
        address
        for name, pattern in _patterns(get_resolver().url_patterns)
        if name.startswith("public:") and name != "public:manage"
        for address in _addresses(name, pattern, world)
    ]


def test_no_public_address_shows_anything_unpublished(client, open_world):
    shown = {}
    for address in public_addresses(open_world):
        response = client.get(address)
        assert response.status_code in (200, 404), address
        if response.status_code == 200:
            shown[address] = _text(response)
    # The sweep reached the published quarter's pages, files, feed and report.
    assert any(PUBLISHED in text for text in shown.values())
    assert len(shown) >= 8, sorted(shown)
    for address, text in shown.items():
        for secret in [*EVERY_SECRET, *NAMES]:
            assert secret not in text, f"{secret} at {address}"
    # The PDFs read above are the stored public copies (public.files), every one made once.
    pdfs = [address for address in shown if address.endswith(".pdf")]
    assert pdfs, sorted(shown)
    from reports.models import ReportFile

    assert ReportFile.objects.filter(public=True, state="done").count() == len(pdfs)
    # Only the published quarter of the public plan is reached, never another period or plan.
    for address in shown:
        assert open_world.private.slug not in address
        for period in (open_world.q4, open_world.q1, open_world.q2):
            assert period.code not in address


# -- the API, with each role's token ----------------------------------------------------------

ROLES = ["viewer", "officer", "other_officer", "approver", "performance", "admin"]
WRITES = ["post", "put", "patch", "delete"]


def token_for(user, name: str = "sweep") -> tuple[ApiToken, str]:
    token = new_token()
    made = ApiToken.objects.create(
        name=name, user=user, key_hash=hash_token(token), key_prefix=token[:8]
    )
    return made, token


def api_addresses(world) -> list[str]:
    """Every API address, each with every plan and period it could be filtered by."""
    values = _values(world)
    found = []
    for name, pattern in _patterns(get_resolver().url_patterns):
        if not name.startswith("api:") or name.startswith(("api:token", "api:tokens")):
            continue
        for address in _addresses(name, pattern, world):
            found.append(address)
            for slug in values["slug"]:
                found.append(f"{address}?plan={slug}&limit=100")
                found += [
                    f"{address}?plan={slug}&period={code}&limit=100" for code in values["code"]
                ]
    return found


def readable_commentary(user) -> set[str]:
    """The commentary `user` may read on the pages: the counting rules' own answer."""
    return set(
        QuarterlyUpdate.objects.filter(readable_q(user, "", "action__")).values_list(
            "commentary", flat=True
        )
    )


def test_no_api_answer_shows_a_role_what_its_pages_would_not(client, open_world):
    addresses = api_addresses(open_world)
    assert addresses
    reached = set()
    for role in ROLES:
        user = getattr(open_world, role)
        _, token = token_for(user, role)
        allowed = readable_commentary(user)
        forbidden = [s for s in [*EVERY_SECRET, PUBLISHED] if s not in allowed]
        for address in addresses:
            response = client.get(address, headers={"authorization": f"Bearer {token}"})
            assert response.status_code in (200, 400, 404, 422), (role, address)
            if response.status_code != 200:
                continue
            text = _text(response)
            reached.update(s for s in [*EVERY_SECRET, PUBLISHED] if s in text)
            for secret in forbidden:
                assert secret not in text, f"{role} read {secret} at {address}"
    # The sweep reached work in progress for those who may see it (so it can fail).
    assert {PUBLISHED, SUBMITTED, DRAFT, UNPUBLISHED, PRIVATE} <= reached


def test_the_api_is_closed_without_a_live_token(client, open_world):
    made, token = token_for(open_world.viewer)
    plans = reverse("api:v1:plans") if _has_name("api:v1:plans") else "/api/plans"
    assert client.get(plans).status_code == 401
    assert client.get(plans, headers={"authorization": "Bearer spt_wrong"}).status_code == 401
    # A signed-in browser is no way in: the API answers to tokens only.
    client.force_login(open_world.viewer)
    assert client.get(plans).status_code == 401
    client.logout()
    good = {"authorization": f"Bearer {token}"}
    assert client.get(plans, headers=good).status_code == 200
    assert client.get(f"{plans}?token={token}").status_code == 401
    made.revoked_at, made.revoked_by = timezone.now(), open_world.admin
    made.save()
    assert client.get(plans, headers=good).status_code == 401


def test_every_write_method_is_refused_on_every_api_address(client, open_world):
    _, token = token_for(open_world.admin)
    before = QuarterlyUpdate.objects.count(), ExceptionReport.objects.count()
    addresses = [a for a in api_addresses(open_world) if "?" not in a]
    assert len(addresses) >= 10
    for address in addresses:
        for method in WRITES:
            response = getattr(client, method)(
                address, data="{}", content_type="application/json",
                headers={"authorization": f"Bearer {token}"},
            )  # fmt: skip
            assert response.status_code in (401, 403, 404, 405), (method, address)
    assert (QuarterlyUpdate.objects.count(), ExceptionReport.objects.count()) == before


def _has_name(name: str) -> bool:
    try:
        reverse(name)
    except Exception:
        return False
    return True
