"""Fixtures shared by the whole suite."""

from __future__ import annotations

import datetime as dt
import io
import os
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from deliverables.services import actions_refresh_completion
from plans import second_factor
from tests import factories

# Single sign-on: a real OpenID provider on 127.0.0.1, and the service set up to use it.
from tests.oidc_provider.fixtures import provider, sso  # noqa: F401

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from such a thread unless told otherwise. Set here, for the test process only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Hashed static names need `collectstatic`; tests and the live server use plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # Background tasks run inside the request that queues them, so a page test sees its file
    # made; the task tests use the database queue and a worker run in the test instead
    # (the `task_worker` fixture below).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def task_worker(settings, monkeypatch):
    """Tasks queued in the database, as in production; call the fixture to run the worker
    (django-tasks-db's own) in the test until no task is ready. It returns the worker."""
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RETRY_SECONDS = 0  # a retry is ready at once, so one run sees every attempt
    # The worker closes stale connections between tasks; in a test that would end the test's
    # own transaction (a test marked transaction=True has none, and keeps the real call).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run(worker_id: str = "test-worker", max_tasks: int | None = None):
        worker = db_worker.Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.run()
        return worker

    return run


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 is slow by design; tests hash dozens of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """`client.force_login` stands for a whole sign-in, second factor included, so tests of
    other pages need no authenticator app. Tests of the second factor sign in through the
    forms (tests/security/test_second_factor.py)."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[second_factor.PASSED] = user.pk
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def directorates(db):
    return factories.directorates()


@pytest.fixture
def small_plan(db, directorates):
    """A plan with two outcomes, three deliverables, four actions and one closed quarter."""
    return factories.small_plan(directorates)


@pytest.fixture
def users(db, directorates):
    """One user per role; `officer` and `approver` in Children & Education."""
    return factories.role_users(directorates)


@pytest.fixture
def admin_client(client, users):
    """Signed in as the demo Administrator (the role, not a Django superuser): imports,
    layouts and the task records. Replaces pytest-django's superuser fixture of this name."""
    client.force_login(users["admin"])
    return client


@pytest.fixture
def sandwell(db):
    """Sandwell's real plans, loaded the way `make run` loads them."""
    call_command("load_sandwell", "--demo-users", "--not-production", stdout=io.StringIO())


@pytest.fixture
def sandwell_data(db):
    """Sandwell's plans without the demo users, for tests that bring their own."""
    call_command("load_sandwell", stdout=io.StringIO())


@pytest.fixture
def cycle(small_plan, users):
    """Q3 closed (CH6 On Track, CH5 Delayed, PH5 Complete, F1 none); Q4 open, due in 10 days.

    `officer` leads CH6 and CH5 and `approver` approves them (both in Children & Education).
    """
    plan = small_plan.plan
    ch6, ch5, ph5, f1 = small_plan.actions[:4]
    for action in (ch6, ch5):
        action.lead_officer = users["officer"]
        action.approver = users["approver"]
        action.save()
    ph5.lead_officer = users["other_officer"]
    ph5.save()
    q4 = factories.period(plan, "2023-24-Q4", state="open")
    q4.due_on = timezone.localdate() + dt.timedelta(days=10)
    q4.save()
    actions_refresh_completion(a.pk for a in small_plan.actions)
    for action in (ch6, ch5, ph5, f1):
        action.refresh_from_db()
    return SimpleNamespace(
        plan=plan, q3=small_plan.period, q4=q4, ch6=ch6, ch5=ch5, ph5=ph5, f1=f1, **users
    )


@pytest.fixture
def numbered(cycle):
    """The cycle with three more of the officer's actions under B3, added in the order CH10,
    one with no reference, CH2; each submitted for Q4, as is CH5. Read naturally, by
    reference: CH2, CH5, CH6, CH10, then the one with no reference."""
    b3 = cycle.ch6.placements.get().deliverable
    added = {}
    for ref, title in [
        ("CH10", "Tenth: school transport"),
        ("", "Unnumbered: family hubs"),
        ("CH2", "Second: early years places"),
    ]:
        action = factories.action(
            cycle.plan, ref, title, deliverable=b3, directorate=cycle.ch6.directorate
        )
        action.lead_officer, action.approver = cycle.officer, cycle.approver
        action.save()
        added[ref or "none"] = action
    for action in [cycle.ch5, *added.values()]:
        factories.update(action, cycle.q4, "On Track", "", state="submitted", source="entered")
    return SimpleNamespace(cycle=cycle, ch10=added["CH10"], none=added["none"], ch2=added["CH2"])


@pytest.fixture
def kpis(cycle):
    """Indicators on the cycle's plan (Q3 2023/24 closed, Q4 open):

    - BIRTH (% new birth visits within 14 days): quarterly snapshot, higher is better, target
      95% with 5% tolerance, owned by `officer` (Children & Education), evidences CH6 and the
      first outcome. Q2 96.0 and Q3 97.9 approved (green, improving); Q4 93.0
      submitted (amber for those who see it, awaiting approval for everyone else).
    - CHECKS (health checks delivered): quarterly, cumulative, target 6,000 a year, absolute
      tolerance 300, owned by `other_officer` (Public Health). Q3 1,796 approved: the Q3
      target is 4,500, so red. Q4 a draft of 2,500 that counts for no one.
    - SMOKING (smoking prevalence): annual, lower is better, target 13, no owner. 2022/23: 21
      approved (red).
    - CONTACTS (contacts a month): monthly, monitoring only. December 2023 1,807 approved.
    """
    from tests.factories import indicator, indicator_value

    plan = cycle.plan
    outcome = cycle.ch6.placements.get().outcome
    birth = indicator(
        plan,
        "BIRTH",
        "New birth visits within 14 days",
        target=95,
        unit="percent",
        decimals=1,
        polarity="higher",
        frequency="quarterly",
        tolerance_kind="percent",
        tolerance=5,
        owner=cycle.officer,
        directorate=cycle.ch6.directorate,
        order=1,
    )
    birth.actions.add(cycle.ch6)
    birth.outcomes.add(outcome)
    indicator_value(birth, 2023, 2, "96.0", "Q2 visits")
    indicator_value(birth, 2023, 3, "97.9", "97.9% against a national average of 97.6")
    indicator_value(birth, 2023, 4, "93.0", "Q4 dip, submitted", state="submitted")
    checks = indicator(
        plan,
        "CHECKS",
        "Health checks delivered",
        target=6000,
        cumulative=True,
        polarity="higher",
        frequency="quarterly",
        tolerance_kind="absolute",
        tolerance=300,
        owner=cycle.other_officer,
        directorate=cycle.ph5.directorate,
        order=2,
    )
    checks.actions.add(cycle.ph5)
    indicator_value(checks, 2023, 3, "1796", "1,796 health checks, 30% of the year's target")
    indicator_value(checks, 2023, 4, "2500", "draft", state="draft", source="entered")
    smoking = indicator(
        plan,
        "SMOKING",
        "Smoking prevalence",
        target=13,
        year=2022,
        unit="percent",
        polarity="lower",
        frequency="annual",
        order=3,
    )
    indicator_value(smoking, 2022, 1, "21", "21% against 13% regionally")
    contacts = indicator(
        plan, "CONTACTS", "Contacts a month", polarity="monitor", frequency="monthly", order=4
    )
    indicator_value(contacts, 2023, 9, "1807", "1,807 contacts in December")
    return SimpleNamespace(
        cycle=cycle, birth=birth, checks=checks, smoking=smoking, contacts=contacts
    )


def in_order(page: str, *texts: str) -> bool:
    """Whether each text appears in `page`, each after the one before."""
    positions = [page.find(text) for text in texts]
    return -1 not in positions and positions == sorted(positions)
