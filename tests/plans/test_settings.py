"""The settings module: safe defaults, production switched by environment variables only."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

from sandwell_perf.settings import database_from_url


def run_settings(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))
    }
    environment.update(env)
    code = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'sandwell_perf.settings');"
        f"from django.conf import settings; print({expression})"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_is_off_unless_asked():
    result = run_settings({"DJANGO_SECRET_KEY": "x" * 50}, "settings.DEBUG")
    assert result.stdout.strip() == "False"


def test_a_secret_key_is_required_when_debug_is_off():
    result = run_settings({}, "settings.SECRET_KEY")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_local_debug_runs_without_a_secret_key_and_on_sqlite():
    result = run_settings({"DJANGO_DEBUG": "1"}, "settings.DATABASES['default']['ENGINE']")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_sqlite_urls_resolve_to_files():
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"
    relative = database_from_url("sqlite:///data/app.sqlite3")["NAME"]
    assert relative == str(settings.BASE_DIR / "data" / "app.sqlite3")


def test_postgresql_urls_with_a_socket_directory_and_an_encoded_password():
    config = database_from_url("postgresql://perf:p%40ss%2Fword@/sandwell?host=/tmp/pg")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("sandwell", "perf", "p@ss/word")
    assert config["HOST"] == "/tmp/pg"
    tcp = database_from_url("postgres://perf:secret@db.internal:6432/sandwell?sslmode=require")
    assert (tcp["HOST"], tcp["PORT"], tcp["OPTIONS"]) == (
        "db.internal",
        "6432",
        {"sslmode": "require"},
    )
