"""Load without loss: simulated officers saving their updates near the deadline.

    make loadtest                      # 50 officers, 60 s, gunicorn on a throwaway PostgreSQL
    manage.py loadtest --allow-writes --officers 50 --seconds 60

Each simulated officer signs in through the sign-in page, opens their updates, and keeps
opening an update and saving it, with a moment's thought in between. Officers work in
groups of five who share one action as delegates, so several of them save the same update
at nearly the same moment: the service must accept one and tell the others their copy was
out of date, and they reload and save again, as a person would.

The app is served by gunicorn on 127.0.0.1 (started and stopped here), or by a server
given with --url, which must be on this machine. The run is bounded by --seconds and
--max-requests and stops by itself. Afterwards the database is checked directly: every
accepted save is in the update's history, no refused save is, no update was lost or
written twice, and each update holds the last accepted save.

It writes: it makes the load officers and hands them actions of the open quarter. Run it
on a database made for it (the Make target uses a throwaway cluster), never on live data.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from deliverables.models import Action, ActionDelegate, QuarterlyUpdate
from plans import roles
from plans.models import Plan, ReportingPeriod, User

PASSWORD = "load-test-officer-2026"  # noqa: S105 - simulated officers on a throwaway database
USERNAME = "load.officer.{:03d}"
GROUP_SIZE = 5
OWN_ACTIONS = 3
CONFLICT_TEXT = "after you opened it"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')
STATUS_INPUT = re.compile(r'name="status" type="radio" value="(\d+)"')


@dataclass
class Sample:
    kind: str
    seconds: float
    outcome: str  # ok, conflict, error


@dataclass
class Save:
    action_pk: int
    token: str
    accepted: bool


@dataclass
class Run:
    """What every officer thread shares: the budget, the clock and the results."""

    host: str
    port: int
    deadline: float
    max_requests: int
    think: float
    plan_slug: str
    period_code: str
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    samples: list[Sample] = field(default_factory=list)
    saves: list[Save] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def take(self) -> bool:
        """One more request, if the run's time and request budget allow it."""
        with self.lock:
            if time.monotonic() >= self.deadline or self.requests >= self.max_requests:
                return False
            self.requests += 1
            return True

    def record(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class OutOfBudget(Exception):
    pass


class Browser:
    """One officer's browser: its own connection and cookies, no redirects followed."""

    def __init__(self, run: Run):
        self.run = run
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, kind: str, method: str, path: str, form: dict | None = None):
        if not self.run.take():
            raise OutOfBudget
        headers = {"Referer": f"http://{self.run.host}:{self.run.port}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.run.host, self.run.port, timeout=60
                )
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self.run.record(Sample(kind, time.perf_counter() - started, "error"))
            self.run.error(f"{kind} {method} {path}: {error!r}")
            return None, "", "", 0.0
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, response.getheader("Location", ""), text, elapsed

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def officer(run: Run, index: int, own: list[int], shared: int, start: threading.Barrier) -> None:
    browser = Browser(run)
    rng = random.Random(index)  # noqa: S311 - think time, not a secret
    login = reverse("login")
    with contextlib.suppress(threading.BrokenBarrierError):
        start.wait(timeout=120)  # everyone signs in at once: the morning of the deadline
    try:
        result = browser.request("sign-in page", "GET", login)
        if not result[0]:
            return
        status, _, page, elapsed = result
        token = CSRF_INPUT.search(page)
        run.record(Sample("sign-in page", elapsed, "ok" if status == 200 and token else "error"))
        if status != 200 or not token:
            run.error(f"officer {index}: sign-in page answered {status}")
            return
        result = browser.request(
            "sign in",
            "POST",
            login,
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": USERNAME.format(index),
                "password": PASSWORD,
            },
        )
        if not result[0]:
            return
        status, location, _, elapsed = result
        signed_in = status == 302 and "sessionid" in browser.cookies
        run.record(Sample("sign in", elapsed, "ok" if signed_in else "error"))
        if not signed_in:
            run.error(f"officer {index}: sign-in answered {status} {location}")
            return
        targets = [*own, shared]
        retry: int | None = None
        turn = 0
        while True:
            if retry is None:
                result = browser.request("my updates", "GET", reverse("deliverables:my_updates"))
                if not result[0]:
                    continue
                status, _, _, elapsed = result
                run.record(Sample("my updates", elapsed, "ok" if status == 200 else "error"))
                if status != 200:
                    run.error(f"officer {index}: my updates answered {status}")
                # Every other save is on the shared action, where the collisions are.
                action_pk = shared if turn % 2 else targets[(turn // 2) % len(targets)]
                turn += 1
            else:
                action_pk = retry
            retry = save_once(run, browser, rng, index, action_pk)
    except OutOfBudget:
        pass
    finally:
        browser.close()


def save_once(run: Run, browser: Browser, rng: random.Random, index: int, action_pk: int):
    """Open an update, think, save it. Returns the action to retry after a conflict."""
    url = reverse("deliverables:update", args=[run.plan_slug, run.period_code, action_pk])
    result = browser.request("open update", "GET", url)
    if not result[0]:
        return None
    status, _, page, elapsed = result
    token, version, statuses = (
        CSRF_INPUT.search(page),
        VERSION_INPUT.search(page),
        STATUS_INPUT.findall(page),
    )
    if status != 200 or not (token and version and statuses):
        run.record(Sample("open update", elapsed, "error"))
        run.error(f"officer {index}: opening {url} answered {status}")
        return None
    run.record(Sample("open update", elapsed, "ok"))
    time.sleep(rng.uniform(0, run.think))
    marker = f"load officer {index} save {time.time_ns()}"
    result = browser.request(
        "save",
        "POST",
        url,
        {
            "csrfmiddlewaretoken": token.group(1),
            "version": version.group(1),
            "status": rng.choice(statuses),
            "commentary": f"Progress as of today. [{marker}]",
            "intent": "draft",
        },
    )
    if not result[0]:
        with run.lock:
            run.saves.append(Save(action_pk, marker, accepted=False))
        return None
    status, location, page, elapsed = result
    if status == 302:
        run.record(Sample("save", elapsed, "ok"))
        with run.lock:
            run.saves.append(Save(action_pk, marker, accepted=True))
        return None
    conflict = status == 200 and CONFLICT_TEXT in page
    run.record(Sample("save", elapsed, "conflict" if conflict else "error"))
    with run.lock:
        run.saves.append(Save(action_pk, marker, accepted=False))
    if not conflict:
        run.error(f"officer {index}: saving {url} answered {status} {location}")
        return None
    return action_pk  # reload and save again, as the message asks


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


class Command(BaseCommand):
    help = (
        "Simulated officers sign in and save their updates at once against gunicorn on "
        "127.0.0.1, then the database is checked for lost or duplicated saves."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--officers", type=int, default=50)
        parser.add_argument("--seconds", type=float, default=60.0)
        parser.add_argument("--max-requests", type=int, default=50_000)
        parser.add_argument(
            "--think", type=float, default=0.5, help="most seconds between opening and saving"
        )
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
        parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
        parser.add_argument(
            "--url", help="use a server already running on this machine instead of gunicorn"
        )
        parser.add_argument(
            "--sign-in-burst",
            action="store_true",
            help="only sign the officers in, all at the same moment, and state the hasher's cost",
        )
        parser.add_argument(
            "--allow-writes",
            action="store_true",
            help="confirm this database is made for the test: officers and updates are written",
        )

    def handle(self, *args, **options) -> None:
        if not options["allow_writes"]:
            raise CommandError(
                "The load test writes officers and updates. Run it on a database made for it "
                "(`make loadtest` uses a throwaway one) and pass --allow-writes."
            )
        if not 1 <= options["officers"] <= 500:
            raise CommandError("--officers must be between 1 and 500.")
        if not 0 < options["seconds"] <= 3600:
            raise CommandError("--seconds must be more than 0 and at most 3600.")
        host, port = "127.0.0.1", options["port"]
        if options["url"]:
            parts = urlsplit(options["url"])
            host, port = parts.hostname or "", parts.port or 80
            if not is_loopback(host):
                raise CommandError("The load test only drives a server on this machine.")

        if options["sign_in_burst"]:
            self.sign_in_burst(host, port, options)
            return
        period, own, shared = self.prepare(options["officers"])
        server = None
        if not options["url"]:
            server = self.start_gunicorn(port, options["workers"], options["threads"])
        try:
            run = Run(
                host=host,
                port=port,
                deadline=0,
                max_requests=options["max_requests"],
                think=options["think"],
                plan_slug=period.plan.slug,
                period_code=period.code,
            )
            started_at = timezone.now()
            wall = self.drive(run, options["officers"], own, shared, options["seconds"])
        finally:
            if server is not None:
                self.stop(server)
        self.report(run, wall, options, period, server is not None)
        lost = self.verify(run, period, started_at)
        failures = len(run.errors) + lost
        if failures:
            raise CommandError(f"{len(run.errors)} errors and {lost} lost or phantom saves.")
        self.stdout.write(
            self.style.SUCCESS("No errors besides the intended conflicts; nothing lost.")
        )

    def sign_in_burst(self, host: str, port: int, options) -> None:
        """Officers made (or reset) with the load password, then all signing in at once."""
        from devtools import signin_burst

        count = options["officers"]
        facts = signin_burst.hasher_facts()
        password = make_password(PASSWORD)  # the default hasher at its default cost
        role = Group.objects.get(name=roles.LEAD_OFFICER)
        names = [USERNAME.format(index) for index in range(1, count + 1)]
        with transaction.atomic():
            for name in names:
                user, _ = User.objects.update_or_create(
                    username=name,
                    defaults={"password": password, "is_active": True, "first_name": "Load"},
                )
                user.groups.add(role)
        server = None if options["url"] else self.start_gunicorn(port, options["workers"], 1)
        try:
            run = Run(host=host, port=port, deadline=time.monotonic() + 600,
                      max_requests=10 * count, think=0, plan_slug="", period_code="")  # fmt: skip
            timings = signin_burst.burst(run, Browser, names, PASSWORD, CSRF_INPUT)
        finally:
            if server is not None:
                self.stop(server)
        workers = f"gunicorn ({options['workers']} workers)" if server else options["url"]
        for line in signin_burst.report(facts, timings, workers):
            self.stdout.write(line)
        # Why sign-ins failed (a worker killed at gunicorn's timeout resets its connection).
        for message in run.errors[:5]:
            self.stdout.write(self.style.ERROR(f"  {message}"))

    # -- set-up ----------------------------------------------------------------------------

    def prepare(self, count: int) -> tuple[ReportingPeriod, dict[int, list[int]], dict[int, int]]:
        """Sandwell's plans (loaded if missing), `count` officers, and their actions."""
        if not Plan.objects.filter(slug="corporate-plan-2021-25").exists():
            self.stdout.write("Loading Sandwell's plans…")
            call_command("load_sandwell", "--demo-users", "--not-production", stdout=self.stdout)
        period = (
            ReportingPeriod.objects.select_related("plan")
            .filter(plan__slug="corporate-plan-2021-25", state="open")
            .first()
        )
        if period is None:
            raise CommandError("The Corporate Plan has no open quarter to save updates in.")
        actions = list(Action.objects.in_scope_for(period).by_ref().values_list("pk", flat=True))
        groups = (count + GROUP_SIZE - 1) // GROUP_SIZE
        needed = groups + count * OWN_ACTIONS
        per_officer = OWN_ACTIONS if needed <= len(actions) else 0
        if groups > len(actions):
            raise CommandError(f"The open quarter has only {len(actions)} actions.")
        shared_actions, rest = actions[:groups], actions[groups:]
        with transaction.atomic():
            role = Group.objects.get(name=roles.LEAD_OFFICER)
            password = make_password(PASSWORD)
            own: dict[int, list[int]] = {}
            shared: dict[int, int] = {}
            officers = []
            for index in range(1, count + 1):
                user, _ = User.objects.update_or_create(
                    username=USERNAME.format(index),
                    defaults={"password": password, "is_active": True, "first_name": "Load"},
                )
                user.groups.add(role)
                officers.append(user)
            # Start clean: no updates in the open quarter, no earlier delegations.
            QuarterlyUpdate.objects.filter(period=period).delete()
            ActionDelegate.objects.filter(user__in=officers).delete()
            for index, user in enumerate(officers, start=1):
                mine = rest[(index - 1) * per_officer : index * per_officer]
                Action.objects.filter(pk__in=mine).update(lead_officer=user)
                own[index] = mine
                shared[index] = shared_actions[(index - 1) // GROUP_SIZE]
                ActionDelegate.objects.create(action_id=shared[index], user=user)
            Action.objects.filter(pk__in=shared_actions).update(lead_officer=None)
        self.stdout.write(
            f"{count} officers in {groups} groups of up to {GROUP_SIZE}, each with "
            f"{per_officer} actions of their own and one shared; {period.plan} {period.label}."
        )
        return period, own, shared

    def start_gunicorn(self, port: int, workers: int, threads: int) -> subprocess.Popen:
        call_command("collectstatic", interactive=False, verbosity=0)
        command = [
            sys.executable, "-m", "gunicorn", "sandwell_perf.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", str(threads),
            "--log-level", "warning", "--graceful-timeout", "10",
        ]  # fmt: skip
        # Quiet workers: the audit log's line per sign-in would bury the figures.
        env = {
            **os.environ,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_LOG_LEVEL": "ERROR",
        }
        server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603
        connection.close()  # the server's workers open their own
        for _ in range(300):
            if server.poll() is not None:
                raise CommandError("gunicorn stopped as it started; see its output above.")
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", reverse("login"))
                if probe.getresponse().status == 200:
                    probe.close()
                    break
            except OSError:
                time.sleep(0.1)
        else:
            self.stop(server)
            raise CommandError(f"gunicorn did not answer on 127.0.0.1:{port} within 30 s.")
        self.stdout.write(
            f"gunicorn: {workers} workers x {threads} threads on 127.0.0.1:{port}, "
            f"database {connection.vendor}."
        )
        return server

    def stop(self, server: subprocess.Popen) -> None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    # -- the run ---------------------------------------------------------------------------

    def drive(self, run: Run, count: int, own, shared, seconds: float) -> float:
        start = threading.Barrier(count)
        threads = [
            threading.Thread(
                target=officer, args=(run, index, own[index], shared[index], start), daemon=True
            )
            for index in range(1, count + 1)
        ]
        began = time.monotonic()
        run.deadline = began + seconds
        for thread in threads:
            thread.start()
        for thread in threads:
            # Each request has a 60 s timeout; nothing runs on past the deadline by more.
            thread.join(timeout=max(0.0, run.deadline - time.monotonic()) + 70)
        still = sum(thread.is_alive() for thread in threads)
        if still:
            run.error(f"{still} officer(s) still waiting on the server after the deadline")
        return time.monotonic() - began

    # -- results ---------------------------------------------------------------------------

    def report(self, run: Run, wall: float, options, period, gunicorn: bool) -> None:
        samples = run.samples
        conflicts = sum(s.outcome == "conflict" for s in samples)
        errors = sum(s.outcome == "error" for s in samples)
        server = (
            f"gunicorn ({options['workers']} workers x {options['threads']} threads)"
            if gunicorn
            else options["url"]
        )
        self.stdout.write(
            f"\n{options['officers']} officers for {wall:.0f} s against {server} on "
            f"{connection.vendor}: {len(samples):,} requests ({len(samples) / wall:.1f}/s), "
            f"{errors} errors, {conflicts} conflicts (the same update saved by two officers)."
        )
        self.stdout.write(f"{'':14}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
        kinds = ["sign-in page", "sign in", "my updates", "open update", "save"]
        by_kind = defaultdict(list)
        for sample in samples:
            by_kind[sample.kind].append(sample.seconds * 1000)
        for kind in [*kinds, "all"]:
            values = sorted([s.seconds * 1000 for s in samples] if kind == "all" else by_kind[kind])
            if not values:
                continue
            self.stdout.write(
                f"{kind:14}{len(values):>8,}{percentile(values, 0.50):>9.0f}"
                f"{percentile(values, 0.95):>9.0f}{values[-1]:>9.0f}"
            )
        for message in run.errors[:20]:
            self.stdout.write(self.style.ERROR(f"  {message}"))

    def verify(self, run: Run, period: ReportingPeriod, since) -> int:
        """The database against what the officers were told. Returns the problems found."""
        history = QuarterlyUpdate.history.model.objects.filter(
            period=period, history_date__gte=since
        ).order_by("history_date", "history_id")
        written: dict[int, list[str]] = defaultdict(list)
        for row in history.values("action_id", "commentary"):
            written[row["action_id"]].append(row["commentary"])
        accepted: dict[int, set[str]] = defaultdict(set)
        refused: dict[int, set[str]] = defaultdict(set)
        for save in run.saves:
            (accepted if save.accepted else refused)[save.action_pk].add(save.token)
        problems = 0
        current = {u.action_id: u.commentary for u in QuarterlyUpdate.objects.filter(period=period)}
        touched = set(accepted) | set(refused) | set(written)
        for action_pk in sorted(touched):
            markers = [marker_of(text) for text in written.get(action_pk, [])]
            missing = accepted[action_pk] - set(markers)
            phantom = [m for m in markers if m not in accepted[action_pk]]
            duplicated = len(markers) - len(set(markers))
            leaked = refused[action_pk] & set(markers)
            last_ok = not markers or marker_of(current.get(action_pk, "")) == markers[-1]
            if missing or phantom or duplicated or leaked or not last_ok:
                problems += 1
                self.stdout.write(
                    self.style.ERROR(
                        f"  action {action_pk}: {len(missing)} accepted saves missing, "
                        f"{len(phantom)} unexplained, {duplicated} duplicated, {len(leaked)} "
                        f"refused saves written, last save kept: {last_ok}"
                    )
                )
        rows = QuarterlyUpdate.objects.filter(period=period).count()
        accepted_count = sum(len(v) for v in accepted.values())
        refused_count = sum(len(v) for v in refused.values())
        self.stdout.write(
            f"\nDatabase check: {accepted_count:,} accepted saves, every one in the history; "
            f"{refused_count:,} refused saves, none written; {rows} updates for "
            f"{len(touched)} actions, one each; each holds its last accepted save. "
            f"Problems: {problems}."
            if not problems
            else f"\nDatabase check: {problems} action(s) with lost, phantom or duplicated saves."
        )
        distinct = QuarterlyUpdate.objects.filter(period=period).values("action_id").distinct()
        if rows != distinct.count():
            problems += 1
            self.stdout.write(self.style.ERROR("  an action has two updates for the quarter"))
        return problems


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name other than localhost could point anywhere


def marker_of(text: str) -> str:
    found = re.search(r"\[(load officer \d+ save \d+)\]", text or "")
    return found.group(1) if found else ""
