"""The PostgreSQL connection's `options` (jit=off) and the options a council already sets.

sandwell_perf/settings.py now always passes libpq an `options` string ("-c jit=off") on
PostgreSQL. libpq reads the PGOPTIONS environment variable only when no `options` parameter
is given, so a council that sets its session settings the usual libpq way (PGOPTIONS, e.g. a
search_path for its own schema or a statement_timeout) silently loses them when it upgrades,
and database_from_url drops an `options=` query string in DATABASE_URL altogether. The app
then runs in the wrong schema (500s: relation does not exist) or without the council's timeout.

Fix suggested: pass DATABASE_URL's `options=` through, and never override PGOPTIONS: turn JIT
off outside the startup packet (see the pooler test below), or append " -c jit=off" to the
council's own string (URL `options=`, else PGOPTIONS) rather than setdefault.
"""

from __future__ import annotations

import runpy
from pathlib import Path

SETTINGS = Path(__file__).resolve().parents[2] / "sandwell_perf" / "settings.py"


def _database(monkeypatch, url: str, **env: str) -> dict:
    monkeypatch.setenv("DATABASE_URL", url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))["DATABASES"]["default"]


def test_a_councils_pgoptions_still_reach_the_connection(monkeypatch):
    """PGOPTIONS="-c search_path=sandwell": with OPTIONS["options"] set to "-c jit=off" libpq
    ignores PGOPTIONS, so the search_path must be carried in the options the app passes."""
    db = _database(
        monkeypatch,
        "postgresql://app:pw@db.example/plans?sslmode=require",
        PGOPTIONS="-c search_path=sandwell",
    )
    options = db["OPTIONS"].get("options")
    # Either the app leaves `options` unset (libpq then reads PGOPTIONS), or it carries it.
    assert options is None or "search_path=sandwell" in options, options
    assert db["OPTIONS"]["sslmode"] == "require"


def test_an_options_string_in_database_url_is_kept(monkeypatch):
    """DATABASE_URL=...?options=-c%20search_path%3Dsandwell: the council's string is dropped
    by database_from_url, so the app connects to the public schema."""
    db = _database(
        monkeypatch,
        "postgresql://app:pw@db.example/plans?sslmode=verify-full"
        "&options=-c%20search_path%3Dsandwell",
    )
    options = db["OPTIONS"].get("options", "")
    assert "search_path=sandwell" in options, db["OPTIONS"]
    assert db["OPTIONS"]["sslmode"] == "verify-full"


def test_jit_off_is_not_sent_as_a_startup_parameter_a_pooler_refuses(monkeypatch):
    """What the user sees: a council that runs PgBouncer (or a managed pooler: Azure, Neon,
    Supabase) between its app servers and PostgreSQL upgrades and every page is a 500:
    PgBouncer before 1.20 answers "FATAL: unsupported startup parameter: options", and 1.20+
    "unsupported startup parameter in options: jit" unless its ignore_startup_parameters is
    changed (pgbouncer/pgbouncer#875, #907). Nothing in the README mentions it and no setting
    turns it off. Fix: do not send jit in the startup packet; either document
    `ALTER ROLE <app> SET jit = off` (or ALTER DATABASE) in the deploy section, or run
    `SET jit = off` from a connection_created receiver, with an env switch to skip it."""
    db = _database(monkeypatch, "postgresql://app:pw@pgbouncer.council.internal:6432/plans")
    assert "options" not in db["OPTIONS"], db["OPTIONS"]
