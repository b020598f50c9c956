"""The sign-in burst (issue 18): the password hasher and its cost, one hash timed, and N
officers signing in at the same moment against a running server (loadtest --sign-in-burst).

A sign-in is one password hash by design (PBKDF2 with Django's iterations), so N at once on C
cores queue for about N x hash / C seconds of CPU. What fewer iterations would give is a figure
from the same measurement (scaled by the hash's share), not a change: the cost stays Django's
default unless the council chooses otherwise.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher
from django.urls import reverse

# Fewer iterations to state a figure for: OWASP's 2023 floor for PBKDF2-SHA256, and less
# (as shares of the hasher's own, so a test's cheap hasher states them too).
FEWER = (0.6, 0.1)


def hash_ms(iterations: int | None = None, repeat: int = 5) -> float:
    """One hash with the default hasher (at `iterations` if given): the fastest of `repeat`,
    since a hash is pure CPU and anything slower was waiting for a core on a shared machine."""
    hasher = get_hasher("default")
    extra = {"iterations": iterations} if iterations else {}
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        hasher.encode("a-password-of-ordinary-length", hasher.salt(), **extra)
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def hasher_facts() -> dict:
    hasher = get_hasher("default")
    iterations = getattr(hasher, "iterations", None)
    facts = {
        "hasher": hasher.algorithm,
        "iterations": iterations,
        "default": iterations == PBKDF2PasswordHasher.iterations,
        "hash_ms": hash_ms(),
    }
    if iterations:
        fewer = [round(iterations * share) for share in FEWER]
        facts["fewer"] = {n: hash_ms(n) for n in fewer}
    return facts


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def burst(run, browser_class, usernames: list[str], password: str, csrf) -> list[tuple]:
    """Every officer opens the sign-in page, then all post their password at the same moment.
    Returns (seconds, signed in) for each sign-in POST."""
    start = threading.Barrier(len(usernames))
    out: list[tuple[float, bool]] = []
    lock = threading.Lock()
    login = reverse("login")

    def one(username: str) -> None:
        browser = browser_class(run)
        try:
            status, _, page, _ = browser.request("sign-in page", "GET", login)
            token = csrf.search(page or "")
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=120)  # the pages are open; everyone presses the button
            if not token:
                with lock:
                    out.append((0.0, False))
                return
            form = {"csrfmiddlewaretoken": token.group(1), "username": username}
            status, _, _, elapsed = browser.request(
                "sign in", "POST", login, {**form, "password": password}
            )
            with lock:
                out.append((elapsed, status == 302 and "sessionid" in browser.cookies))
        finally:
            browser.close()

    threads = [threading.Thread(target=one, args=(name,), daemon=True) for name in usernames]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return out


def report(facts: dict, timings: list[tuple], workers: str) -> list[str]:
    """Lines for the terminal (and docs/performance.md)."""
    cores = os.cpu_count() or 1
    ok = [t * 1000 for t, signed_in in timings if signed_in]
    failed = len(timings) - len(ok)
    lines = [
        f"Password hasher: {facts['hasher']}, {facts['iterations'] or 0:,} iterations"
        f"{' (Django' + chr(39) + 's default)' if facts['default'] else ''}; "
        f"one hash {facts['hash_ms']:.0f} ms on this machine.",
        f"{len(timings)} sign-ins at once against {workers} on {cores} cores: "
        f"{len(ok)} signed in, {failed} failed.",
    ]
    if not ok:
        return lines
    p50, p95, top = percentile(ok, 0.5), percentile(ok, 0.95), max(ok)
    floor = len(timings) * facts["hash_ms"] / cores
    lines += [
        f"  sign-in POST: p50 {p50:,.0f} ms, p95 {p95:,.0f} ms, max {top:,.0f} ms "
        f"(the hashes alone: {len(timings)} x {facts['hash_ms']:.0f} ms / {cores} cores "
        f"= {floor:,.0f} ms of CPU)",
    ]
    for iterations, ms in facts.get("fewer", {}).items():
        # The hashes' share of each time shrinks with the iterations; the rest stays.
        share = ms / facts["hash_ms"]
        lines.append(
            f"  with {iterations:,} iterations (a figure, not a change): one hash {ms:.0f} ms; "
            f"about p50 {p50 * share:,.0f}, p95 {p95 * share:,.0f}, max {top * share:,.0f} ms "
            "if hashing is the whole cost"
        )
    return lines
