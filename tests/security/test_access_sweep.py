"""Every URL the project defines, from the resolver: who may use it, and who is refused.

A new URL pattern fails `test_every_url_is_classified` until it is added to ACCESS below,
saying who counts as an outsider for it. Anonymous visitors are sent to sign in everywhere
except the allow-list; outsiders get 403 or 404 for GET and POST alike.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from deliverables import services
from deliverables.models import ImportLayout, ImportRecord, QuarterlyUpdate, Recommendation
from plans.models import Plan
from reports.services import report_start
from tests import factories

# Reached without signing in: the sign-in page itself, status colours and the icon (no data).
PUBLIC = {"login", "plans:status_css", "favicon"}
# Single sign-on's start and return (404 unless configured; tests/security/test_oidc.py).
PUBLIC |= {"oidc_authentication_init", "oidc_authentication_callback"}
# The public pages of plans opened to the public (tests/public/test_pages.py: 404 for
# anything unpublished, GET only).
PUBLIC |= {"public:index", "public:plan", "public:period", "public:outcome"}
# Open data, its dictionary, the feeds and published reports (tests/public: 404 unless public).
PUBLIC |= {
    "public:data_dictionary", "public:feed", "public:plan_feed", "public:data_csv",
    "public:data_json", "public:indicators_csv", "public:report", "public:report_pdf",
    "public:report_css",
}  # fmt: skip
# The read-only API: a token, never a sign-in, opens it; without one every endpoint answers 401
# itself (tests/api/test_auth.py), and its description holds no data.
API_ENDPOINTS = {
    f"api:v1:{name}"
    for name in (
        "openapi-json",
        "api-root",
        "plans",
        "plan_detail",
        "periods",
        "outcomes",
        "themes",
        "deliverables",
        "actions",
        "updates",
        "reports",
        "report_detail",
        "indicators",
    )
}
PUBLIC |= API_ENDPOINTS | {"api:not_found"}
DENIED = {403, 404}


def walk(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from walk(
                pattern.url_patterns, f"{namespace}:{inner}".strip(":") if inner else namespace
            )
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}".strip(":"), pattern


@pytest.fixture
def world(db, directorates, users):
    """A plan with an open quarter, a submitted update, a delegate, a draft report and an
    import; and a retired plan, whose pages only plan managers may read."""
    small = factories.small_plan(directorates)
    plan = small.plan
    ch6 = small.actions[0]
    ch6.lead_officer = users["officer"]
    ch6.save(update_fields=["lead_officer"])
    q4 = factories.period(plan, "2023-24-Q4", state="open")
    q4.due_on = timezone.localdate() + dt.timedelta(days=7)
    q4.save()
    submitted = factories.update(ch6, q4, "On Track", "Words", state="submitted", source="entered")
    colleague = factories.user("colleague", "Lead officer", [directorates["CH"]])
    services.action_delegate(users["officer"], ch6, colleague)
    ph_approver = factories.user("ph-approver", "Approver", [directorates["PH"]])
    draft = report_start(users["performance"], small.period)
    record = ImportRecord.objects.create(
        plan=plan,
        period_code="2023-24-Q3",
        file_name="t.xlsx",
        file_sha256="0",
        file_size=1,
        status="previewed",
        content=b"x",
    )
    layout = ImportLayout.objects.create(name="Housing", signature="0" * 64, headers=["Ref"])
    indicator = factories.indicator(
        plan,
        "BIRTH",
        "New birth visits",
        target=95,
        owner=users["officer"],
        directorate=directorates["CH"],
    )
    indicator_value = factories.indicator_value(
        indicator, 2023, 4, "93", "Words", state="submitted", source="entered"
    )
    retired = factories.small_plan(directorates, slug="retired-plan")
    Plan.objects.filter(pk=retired.plan.pk).update(is_active=False)
    recommendation = Recommendation.objects.create(plan=plan, body="CIPFA", reference="1.5")
    recommendation.actions.add(ch6)
    return SimpleNamespace(
        recommendation=recommendation,
        plan=plan,
        small=small,
        ch6=ch6,
        q4=q4,
        update=submitted,
        colleague=colleague,
        ph_approver=ph_approver,
        report=draft,
        record=record,
        layout=layout,
        indicator=indicator,
        indicator_value=indicator_value,
        retired=retired,
        **users,
    )


def _api_token(w):
    from api.models import ApiToken, hash_token

    token = ApiToken.objects.first()
    return token or ApiToken.objects.create(
        name="Sweep", user=w.viewer, key_hash=hash_token("spt_sweep"), key_prefix="spt_sweep"
    )


def _report_file(w):
    from reports.models import FileState, ReportFile

    file, _ = ReportFile.objects.get_or_create(
        report=w.report, fmt="pdf", defaults={"state": FileState.FAILED, "message": "x"}
    )
    return {"pk": w.report.pk, "file_id": file.pk}


def _plan(w):
    return {"slug": w.plan.slug}


def _retired(w):
    return {"slug": w.retired.plan.slug}


def _milestone(w, action=None):
    """A milestone of CH6 (or `action`), made on first use."""
    from deliverables.models import Milestone

    return Milestone.objects.get_or_create(action=action or w.ch6, title="Phase 1 Engagement")[0]


def _theme(w, small=None):
    from plans.models import Theme

    outcome = (small or w.small).outcomes[0]
    return Theme.objects.get_or_create(outcome=outcome, name="First 1000 days")[0]


def _milestone_url(w):
    return {**_plan(w), "pk": w.ch6.pk, "milestone_pk": _milestone(w).pk}


def _public_outcome(w):
    """An outcome of a plan open to the public, in its published quarter, made on first use."""
    plan = Plan.objects.filter(slug="open-plan").first()
    if plan is None:
        small = factories.small_plan(factories.directorates(), slug="open-plan")
        Plan.objects.filter(pk=small.plan.pk).update(public=True)
        small.period.state = "published"
        small.period.save()
        plan = small.plan
    return {"slug": plan.slug, "code": "2023-24-Q3", "pk": plan.outcomes.first().pk}


# Milestones are changed by the performance team, never in an archived plan, and a milestone
# is reached only through its own action.
MILESTONE_OUTSIDERS = [
    "other_officer",
    "viewer",
    "officer",
    "approver",
    (
        "performance",
        lambda w: {
            **_retired(w),
            "pk": w.retired.actions[0].pk,
            "milestone_pk": _milestone(w, w.retired.actions[0]).pk,
        },
    ),
    (
        "performance",
        lambda w: {**_milestone_url(w), "pk": w.small.actions[1].pk},
    ),
]


# name -> (kwargs for the URL, methods the view serves, outsiders: (user, kwargs maker)).
ACCESS = {
    "deliverables:milestones": (
        lambda w: {**_plan(w), "pk": w.ch6.pk},
        ("GET",),
        [
            *MILESTONE_OUTSIDERS[:4],
            ("performance", lambda w: {**_retired(w), "pk": w.retired.actions[0].pk}),
        ],
    ),
    "deliverables:milestone_add": (
        lambda w: {**_plan(w), "pk": w.ch6.pk},
        ("GET", "POST"),
        [
            *MILESTONE_OUTSIDERS[:4],
            ("performance", lambda w: {**_retired(w), "pk": w.retired.actions[0].pk}),
        ],
    ),
    "deliverables:milestone_edit": (_milestone_url, ("GET", "POST"), MILESTONE_OUTSIDERS),
    "deliverables:milestone_delete": (_milestone_url, ("GET", "POST"), MILESTONE_OUTSIDERS),
    "deliverables:milestone_move": (_milestone_url, ("POST",), MILESTONE_OUTSIDERS),
    "deliverables:outcome_timeline": (
        lambda w: {**_plan(w), "pk": w.small.outcomes[0].pk},
        ("GET",),
        [
            ("viewer", lambda w: {**_retired(w), "pk": w.retired.outcomes[0].pk}),
            ("viewer", lambda w: {**_plan(w), "pk": w.retired.outcomes[0].pk}),
        ],
    ),
    "deliverables:theme_timeline": (
        lambda w: {**_plan(w), "pk": _theme(w).pk},
        ("GET",),
        [
            ("viewer", lambda w: {**_retired(w), "pk": _theme(w, w.retired).pk}),
            ("viewer", lambda w: {**_plan(w), "pk": _theme(w, w.retired).pk}),
        ],
    ),
    "home": (lambda w: {}, ("GET",), []),
    "counting": (lambda w: {}, ("GET",), []),
    "account": (lambda w: {}, ("GET", "POST"), []),
    "password_change": (lambda w: {}, ("GET", "POST"), []),
    # The user's own second factor: nobody else's is ever named in a URL.
    "second_factor_setup": (lambda w: {}, ("GET", "POST"), []),
    "second_factor_qr": (lambda w: {}, ("GET",), []),
    "second_factor_reset": (lambda w: {}, ("GET", "POST"), []),
    "second_factor_verify": (lambda w: {}, ("GET", "POST"), []),
    "recovery_codes": (lambda w: {}, ("GET", "POST"), []),
    "logout": (lambda w: {}, ("POST",), []),
    "deliverables:quarters_index": (lambda w: {}, ("GET",), ["viewer", "officer", "approver"]),
    "deliverables:plan": (_plan, ("GET",), [("viewer", _retired)]),
    "deliverables:outcome": (
        lambda w: {**_plan(w), "pk": w.small.outcomes[0].pk},
        ("GET",),
        [
            ("viewer", lambda w: {**_retired(w), "pk": w.retired.outcomes[0].pk}),
            ("viewer", lambda w: {**_plan(w), "pk": w.retired.outcomes[0].pk}),
        ],
    ),
    "deliverables:quarters": (_plan, ("GET",), ["viewer", "officer", "approver"]),
    "deliverables:quarter_create": (_plan, ("POST",), ["viewer", "officer", "approver"]),
    "deliverables:quarter": (
        lambda w: {**_plan(w), "code": w.q4.code},
        ("GET",),
        ["viewer", "officer"],
    ),
    "deliverables:quarter_transition": (
        lambda w: {**_plan(w), "code": w.q4.code, "transition": "extend"},
        ("POST",),
        ["viewer", "officer", "approver"],
    ),
    "deliverables:quarter_close": (
        lambda w: {**_plan(w), "code": w.q4.code},
        ("GET", "POST"),
        ["viewer", "officer", "approver"],
    ),
    "deliverables:quarter_chase": (
        lambda w: {**_plan(w), "code": w.q4.code},
        ("GET", "POST"),
        ["viewer", "officer", "approver"],
    ),
    "deliverables:reassign": (_plan, ("GET", "POST"), ["viewer", "officer", "approver"]),
    "deliverables:people": (_plan, ("GET", "POST"), ["viewer", "officer", "approver"]),
    "deliverables:people_confirm": (_plan, ("POST",), ["viewer", "officer", "approver"]),
    "deliverables:landing": (lambda w: {}, ("GET",), []),
    "deliverables:my_updates": (lambda w: {}, ("GET",), []),
    "deliverables:review_index": (lambda w: {}, ("GET",), ["viewer", "officer"]),
    "deliverables:action": (
        lambda w: {**_plan(w), "pk": w.ch6.pk},
        ("GET",),
        [
            ("viewer", lambda w: {**_retired(w), "pk": w.retired.actions[0].pk}),
            ("viewer", lambda w: {**_retired(w), "pk": w.ch6.pk}),
        ],
    ),
    "deliverables:delegate_add": (
        lambda w: {**_plan(w), "pk": w.ch6.pk},
        ("POST",),
        ["other_officer", "viewer", "colleague"],
    ),
    "deliverables:delegate_remove": (
        lambda w: {**_plan(w), "pk": w.ch6.pk, "user_pk": w.colleague.pk},
        ("POST",),
        ["other_officer", "viewer", "colleague"],
    ),
    "deliverables:action_reopen": (
        lambda w: {**_plan(w), "pk": w.ch6.pk},
        ("POST",),
        ["other_officer", "viewer", "officer"],
    ),
    "deliverables:action_withdraw": (
        lambda w: {**_plan(w), "pk": w.ch6.pk},
        ("POST",),
        ["other_officer", "viewer", "officer", "approver"],
    ),
    "deliverables:action_reinstate": (
        lambda w: {**_plan(w), "pk": w.ch6.pk},
        ("POST",),
        ["other_officer", "viewer", "officer", "approver"],
    ),
    # The golden thread: a deliverable's page is for every reader of its plan; linking an
    # action to another plan's deliverable is for the performance team, never in an archived plan.
    "deliverables:deliverable": (
        lambda w: {**_plan(w), "pk": w.small.deliverables[0].pk},
        ("GET",),
        [
            ("viewer", lambda w: {**_retired(w), "pk": w.retired.deliverables[0].pk}),
            ("viewer", lambda w: {**_plan(w), "pk": w.retired.deliverables[0].pk}),
        ],
    ),
    "deliverables:contribution_add": (
        lambda w: {**_plan(w), "pk": w.ch6.pk},
        ("GET", "POST"),
        [
            "viewer",
            "officer",
            "approver",
            ("performance", lambda w: {**_retired(w), "pk": w.retired.actions[0].pk}),
        ],
    ),
    "deliverables:contribution_remove": (
        lambda w: {**_plan(w), "pk": w.ch6.pk, "deliverable_pk": w.retired.deliverables[0].pk},
        ("GET", "POST"),
        ["viewer", "officer", "approver"],
    ),
    "deliverables:update": (
        lambda w: {**_plan(w), "code": w.q4.code, "pk": w.ch6.pk},
        ("GET", "POST"),
        ["other_officer", "viewer", "approver", "performance"],
    ),
    "deliverables:review": (
        lambda w: {**_plan(w), "code": w.q4.code},
        ("GET",),
        ["viewer", "officer"],
    ),
    "deliverables:approve_many": (
        lambda w: {**_plan(w), "code": w.q4.code},
        ("POST",),
        ["viewer", "officer"],
    ),
    "deliverables:withdraw": (
        lambda w: {"pk": w.update.pk},
        ("POST",),
        ["other_officer", "viewer", "approver", "ph_approver", "performance"],
    ),
    "deliverables:approve": (
        lambda w: {"pk": w.update.pk},
        ("POST",),
        ["ph_approver", "officer", "viewer"],
    ),
    "deliverables:return": (
        lambda w: {"pk": w.update.pk},
        ("GET", "POST"),
        ["ph_approver", "officer", "viewer"],
    ),
    # Indicator values in the cycle: entered by the indicator's owner (`officer`), decided by
    # its directorate's approvers and the performance team, never the owner.
    "deliverables:indicator_entry": (
        lambda w: {**_plan(w), "indicator": w.indicator.code, "code": w.q4.code},
        ("GET", "POST"),
        ["other_officer", "viewer", "approver", "performance"],
    ),
    "deliverables:indicator_value_approve": (
        lambda w: {"pk": w.indicator_value.pk},
        ("POST",),
        ["ph_approver", "officer", "viewer"],
    ),
    "deliverables:indicator_value_return": (
        lambda w: {"pk": w.indicator_value.pk},
        ("GET", "POST"),
        ["ph_approver", "officer", "viewer"],
    ),
    "deliverables:indicator_value_withdraw": (
        lambda w: {"pk": w.indicator_value.pk},
        ("POST",),
        ["other_officer", "viewer", "approver", "ph_approver", "performance"],
    ),
    "deliverables:export_tracker": (
        lambda w: {**_plan(w), "code": "2023-24-Q3"},
        ("GET",),
        [("viewer", lambda w: {**_retired(w), "code": "2023-24-Q3"})],
    ),
    "deliverables:imports": (lambda w: {}, ("GET",), ["performance", "viewer", "officer"]),
    "deliverables:import_new": (
        lambda w: {},
        ("GET", "POST"),
        ["performance", "viewer", "officer"],
    ),
    "deliverables:import": (lambda w: {"pk": w.record.pk}, ("GET",), ["performance", "viewer"]),
    # A confirmed import written in the background: its progress page and status.
    "deliverables:import_progress": (
        lambda w: {"pk": w.record.pk},
        ("GET",),
        ["performance", "viewer", "officer"],
    ),
    "deliverables:import_progress_status": (
        lambda w: {"pk": w.record.pk},
        ("GET",),
        ["performance", "viewer", "officer"],
    ),
    "deliverables:import_apply": (
        lambda w: {"pk": w.record.pk},
        ("POST",),
        ["performance", "viewer"],
    ),
    "deliverables:import_cancel": (
        lambda w: {"pk": w.record.pk},
        ("POST",),
        ["performance", "viewer"],
    ),
    "deliverables:import_mapping": (
        lambda w: {"pk": w.record.pk},
        ("POST",),
        ["performance", "viewer"],
    ),
    "deliverables:import_answers": (
        lambda w: {"pk": w.record.pk},
        ("POST",),
        ["performance", "viewer"],
    ),
    "deliverables:import_layouts": (lambda w: {}, ("GET",), ["performance", "viewer", "officer"]),
    "deliverables:import_layout_delete": (
        lambda w: {"pk": w.layout.pk},
        ("GET", "POST"),
        ["performance", "viewer"],
    ),
    # Indicator history (administrators) and comparators (the performance team too).
    "deliverables:indicator_import": (
        lambda w: {},
        ("GET", "POST"),
        ["performance", "viewer", "officer"],
    ),
    "deliverables:comparators_import": (
        lambda w: {},
        ("GET", "POST"),
        ["viewer", "officer", "approver"],
    ),
    # Indicators: every reader of the plan reads them (work in progress as the rules say).
    "deliverables:indicators": (_plan, ("GET",), [("viewer", _retired)]),
    "deliverables:indicators_csv": (_plan, ("GET",), [("viewer", _retired)]),
    "deliverables:indicators_xlsx": (_plan, ("GET",), [("viewer", _retired)]),
    "deliverables:indicator": (
        lambda w: {**_plan(w), "code": w.indicator.code},
        ("GET",),
        [
            ("viewer", lambda w: {**_retired(w), "code": w.indicator.code}),
            ("viewer", lambda w: {**_plan(w), "code": "UNKNOWN"}),
        ],
    ),
    # Plan set-up (deliverables.setup_urls): the performance team only, archived plans too.
    "deliverables:setup_plans": (lambda w: {}, ("GET",), ["viewer", "officer", "approver"]),
    "deliverables:setup_plan_new": (
        lambda w: {},
        ("GET", "POST"),
        ["viewer", "officer", "approver"],
    ),
    "deliverables:setup_structure": (_plan, ("GET",), ["viewer", "officer", "approver"]),
    "deliverables:setup_plan_edit": (_plan, ("GET", "POST"), ["viewer", "officer", "approver"]),
    "deliverables:setup_plan_archive": (
        _plan,
        ("GET", "POST"),
        ["viewer", "officer", "approver", ("viewer", _retired)],
    ),
    "deliverables:setup_action_add": (
        _plan,
        ("GET", "POST"),
        ["viewer", "officer", "approver"],
    ),
    "deliverables:setup_add": (
        lambda w: {**_plan(w), "level": "outcome"},
        ("GET", "POST"),
        ["viewer", "officer", "approver"],
    ),
    "deliverables:setup_edit": (
        lambda w: {**_plan(w), "level": "outcome", "pk": w.small.outcomes[0].pk},
        ("GET", "POST"),
        ["viewer", "officer", "approver"],
    ),
    "deliverables:setup_move": (
        lambda w: {**_plan(w), "level": "outcome", "pk": w.small.outcomes[0].pk},
        ("POST",),
        ["viewer", "officer", "approver"],
    ),
    "deliverables:setup_delete": (
        lambda w: {**_plan(w), "level": "theme", "pk": w.small.outcomes[0].pk},
        ("GET", "POST"),
        ["viewer", "officer", "approver"],
    ),
    "deliverables:recommendations": (_plan, ("GET",), [("viewer", _retired)]),
    "deliverables:recommendation_create": (
        _plan,
        ("GET", "POST"),
        ["viewer", "officer", "approver", ("performance", _retired)],
    ),
    "deliverables:recommendation": (
        lambda w: {**_plan(w), "pk": w.recommendation.pk},
        ("GET",),
        [("viewer", lambda w: {**_retired(w), "pk": w.recommendation.pk})],
    ),
    "deliverables:recommendation_edit": (
        lambda w: {**_plan(w), "pk": w.recommendation.pk},
        ("GET", "POST"),
        ["viewer", "officer", "approver"],
    ),
    "reports:dashboard": (_plan, ("GET",), [("viewer", _retired)]),
    "reports:register": (_plan, ("GET",), [("viewer", _retired)]),
    "reports:register_choices": (_plan, ("GET",), [("viewer", _retired)]),
    "reports:register_csv": (_plan, ("GET",), [("viewer", _retired)]),
    "reports:register_xlsx": (_plan, ("GET",), [("viewer", _retired)]),
    "reports:reports": (_plan, ("GET",), [("viewer", _retired)]),
    "reports:report_new": (_plan, ("POST",), ["viewer", "officer", "approver"]),
    "reports:report": (lambda w: {"pk": w.report.pk}, ("GET",), ["viewer", "officer", "approver"]),
    "reports:report_edit": (lambda w: {"pk": w.report.pk}, ("GET", "POST"), ["viewer", "officer"]),
    "reports:report_publish": (lambda w: {"pk": w.report.pk}, ("POST",), ["viewer", "officer"]),
    "reports:report_correct": (lambda w: {"pk": w.report.pk}, ("POST",), ["viewer", "officer"]),
    "reports:report_css": (lambda w: {"pk": w.report.pk}, ("GET",), ["viewer", "officer"]),
    "reports:report_pdf": (lambda w: {"pk": w.report.pk}, ("GET",), ["viewer", "officer"]),
    "reports:report_docx": (lambda w: {"pk": w.report.pk}, ("GET",), ["viewer", "officer"]),
    "reports:report_xlsx": (lambda w: {"pk": w.report.pk}, ("GET",), ["viewer", "officer"]),
    "reports:report_summary": (lambda w: {"pk": w.report.pk}, ("GET",), ["viewer", "officer"]),
    # Public pages: no outsiders (everyone may read them); listed for the id sweep.
    "public:outcome": (_public_outcome, ("GET",), []),
    "public:manage": (_plan, ("GET", "POST"), ["viewer", "officer", "approver"]),
    # API tokens: administrators only.
    "api:tokens": (lambda w: {}, ("GET",), ["viewer", "officer", "approver", "performance"]),
    "api:token_new": (lambda w: {}, ("GET", "POST"), ["viewer", "approver", "performance"]),
    "api:token_revoke": (
        lambda w: {"pk": _api_token(w).pk},
        ("GET", "POST"),
        ["viewer", "officer", "performance"],
    ),
    # A draft report's file, made in the background: its progress page, status, download, retry.
    "reports:report_file": (_report_file, ("GET",), ["viewer", "officer"]),
    "reports:report_file_status": (_report_file, ("GET",), ["viewer", "officer"]),
    "reports:report_file_download": (_report_file, ("GET",), ["viewer", "officer"]),
    "reports:report_file_retry": (_report_file, ("POST",), ["viewer", "officer"]),
}


def url_for(name: str, kwargs: dict) -> str:
    return reverse(name, kwargs=kwargs)


def admin_url(pattern: URLPattern, name: str, world) -> str | None:
    """A concrete address for an admin pattern, filled with the first object it can name,
    or None for a pattern that takes arguments other than an app label or object id."""
    keys = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
    kwargs = {}
    if "app_label" in keys:
        kwargs["app_label"] = "plans"
    if "object_id" in keys:
        kwargs["object_id"] = str(world.plan.pk)
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def test_every_url_is_classified():
    names = {name for name, _ in walk(get_resolver().url_patterns) if not name.startswith("admin:")}
    unclassified = names - set(ACCESS) - PUBLIC
    assert not unclassified, f"Say who may use these URLs in ACCESS: {sorted(unclassified)}"
    assert not set(ACCESS) - names, "ACCESS names URLs that no longer exist"


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_everywhere(client, world):
    checked = 0
    for name, pattern in walk(get_resolver().url_patterns):
        if name in PUBLIC:
            continue
        if name.startswith("admin:"):
            url = admin_url(pattern, name, world)
            if url is None or name in {"admin:login", "admin:logout", "admin:jsi18n"}:
                continue
            response = client.get(url)
            assert response.status_code == 302, (name, url, response.status_code)
            location = response["Location"]
            assert location.startswith((reverse("admin:login"), reverse("login"))), (name, url)
        else:
            kwargs_for, _methods, _outsiders = ACCESS[name]
            url = url_for(name, kwargs_for(world))
            for method in ("GET", "POST"):
                response = getattr(client, method.lower())(url)
                assert response.status_code == 302, (name, method, response.status_code)
                assert response["Location"].startswith(reverse("login")), (name, method)
        checked += 1
    assert checked > 100  # the app's URLs and the admin's


@pytest.mark.django_db
def test_public_urls_are_only_the_sign_in_page_colours_and_icon(client, world):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("plans:status_css")).status_code == 200
    assert client.get(reverse("favicon")).status_code == 302  # to the static file


@pytest.mark.django_db
def test_outsiders_are_refused_on_every_object_url(client, world):
    refused = 0
    for name, (kwargs_for, methods, outsiders) in ACCESS.items():
        for outsider in outsiders:
            username, kwargs_maker = (
                outsider if isinstance(outsider, tuple) else (outsider, kwargs_for)
            )
            client.force_login(getattr(world, username))
            url = url_for(name, kwargs_maker(world))
            for method in ("GET", "POST"):
                status = getattr(client, method.lower())(url).status_code
                allowed = DENIED if method in methods else DENIED | {405}
                assert status in allowed, (name, username, method, status)
                refused += 1
    assert refused > 150
    # Nothing an outsider posted changed anything.
    world.update.refresh_from_db()
    world.q4.refresh_from_db()
    world.report.refresh_from_db()
    assert (world.update.state, world.q4.state, world.report.state) == (
        "submitted",
        "open",
        "draft",
    )
    assert world.ch6.delegations.count() == 1
    world.indicator_value.refresh_from_db()
    assert world.indicator_value.state == "submitted"
    assert ImportLayout.objects.filter(pk=world.layout.pk).exists()


@pytest.mark.django_db
def test_staff_pages_refuse_signed_in_users_without_staff_rights(client, world):
    client.force_login(world.viewer)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(world.officer)
    assert client.get(reverse("admin:plans_plan_changelist")).status_code == 302


@pytest.mark.django_db
def test_hidden_fields_posted_by_hand_are_ignored(client, world):
    """A hand-made POST cannot set the workflow state, the owner, the source or the plan."""
    ch5 = world.small.actions[1]
    ch5.lead_officer = world.officer
    ch5.save(update_fields=["lead_officer"])
    other_plan = factories.plan("elsewhere")
    client.force_login(world.officer)
    response = client.post(
        reverse("deliverables:update", args=[world.plan.slug, world.q4.code, ch5.pk]),
        {
            "intent": "draft",
            "status": factories.status(world.plan, "Delayed").pk,
            "commentary": "Mine",
            "version": 0,
            "state": "approved",
            "source": "imported",
            "updated_by": world.admin.pk,
            "approved_by": world.admin.pk,
            "plan": other_plan.pk,
            "action": world.ch6.pk,
            "period": world.small.period.pk,
        },
    )
    assert response.status_code == 302
    update = QuarterlyUpdate.objects.get(action=ch5, period=world.q4)
    assert (update.state, update.source, update.updated_by, update.approved_by) == (
        "draft",
        "entered",
        world.officer,
        None,
    )
    assert QuarterlyUpdate.objects.filter(action=world.ch6).count() == 2  # untouched
    # A version from the future is refused, not trusted.
    response = client.post(
        reverse("deliverables:update", args=[world.plan.slug, world.q4.code, ch5.pk]),
        {"intent": "draft", "commentary": "Later", "version": 99},
    )
    assert "after you opened it" in response.content.decode()
    update.refresh_from_db()
    assert update.commentary == "Mine"


HUGE_ID = 10**30 - 1  # 30 digits: more than either database's integers hold


@pytest.mark.django_db
def test_an_id_too_large_for_the_database_is_not_found_anywhere(client, world):
    """Every whole-number part of every address, given 30 digits, is a 404, not a 500."""
    client.raise_request_exception = False
    client.force_login(world.admin)  # sees every object: nothing else could refuse first
    checked = 0
    for name, pattern in walk(get_resolver().url_patterns):
        if name.startswith("admin:") or name in PUBLIC:  # public and API: tests/public, tests/api
            continue
        numbers = [key for key, c in pattern.pattern.converters.items() if c.regex == "[0-9]+"]
        for key in numbers:
            kwargs_for, methods, _outsiders = ACCESS[name]
            url = url_for(name, {**kwargs_for(world), key: HUGE_ID})
            for method in methods:
                assert getattr(client, method.lower())(url).status_code == 404, (name, key, method)
                checked += 1
    assert checked >= 20


def test_every_id_in_an_address_is_bounded():
    """Django's own `int` converter takes any length; the project's `id` is used instead."""
    from django.urls.converters import IntConverter

    for name, pattern in walk(get_resolver().url_patterns):
        if not name.startswith("admin:"):
            converters = pattern.pattern.converters.values()
            assert not any(isinstance(c, IntConverter) for c in converters), name
