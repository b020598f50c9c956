"""Files holding password hashes are readable by their owner only (0600), whatever the umask:
backups, and the SQLite database from the moment it is created."""

from __future__ import annotations

import io
import os
import stat

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def usual_umask():
    """The umask most servers run with, under which new files are 0644."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["backup.json", "backup.json.gz", "backup.json.xz"])
def test_a_backup_is_readable_by_its_owner_only(usual_umask, tmp_path, users, name):
    call_command("backup", str(tmp_path / name), stdout=io.StringIO())
    assert mode(tmp_path / name) == 0o600


def open_sqlite(path, blocker, *statements: str) -> None:
    """Connect to a SQLite file the way migrate first does (creating it if need be), run the
    statements, close."""
    settings_dict = {
        **connection.settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {},
    }
    database = DatabaseWrapper(settings_dict, alias="file-mode-check")
    with blocker.unblock():
        try:
            database.ensure_connection()
            with database.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            database.close()


def test_the_sqlite_database_is_created_readable_by_its_owner_only(
    usual_umask, tmp_path, django_db_blocker
):
    path = tmp_path / "db.sqlite3"
    open_sqlite(path, django_db_blocker, "CREATE TABLE t (x integer)", "INSERT INTO t VALUES (1)")
    assert mode(path) == 0o600


def test_an_existing_world_readable_database_is_made_owner_only(
    usual_umask, tmp_path, django_db_blocker
):
    path = tmp_path / "db.sqlite3"
    path.touch(mode=0o644)
    journal = tmp_path / "db.sqlite3-journal"
    journal.touch(mode=0o644)
    open_sqlite(path, django_db_blocker)
    assert (mode(path), mode(journal)) == (0o600, 0o600)
