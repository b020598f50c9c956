"""Files that hold password hashes (the SQLite database, backups) readable by their owner only.

Created under the usual umask they would be 0644, readable by every account on the server.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY = 0o600
# SQLite's journals take the database file's permissions, but one left from before may not.
SQLITE_COMPANIONS = ("", "-journal", "-wal", "-shm")


def create_private(path: Path) -> None:
    """An empty file only its owner can read, for a writer that opens it with "w" (which
    keeps the permissions of a file that exists). Refuses one that exists already."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))


def make_private(path: Path) -> None:
    if path.is_file() and stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(OWNER_ONLY)


def sqlite_file_private(sender, connection, **kwargs) -> None:
    """connection_created: on SQLite, the database file (just created, perhaps) is owner-only."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if connection.is_in_memory_db() or name.startswith("file:"):
        return
    for suffix in SQLITE_COMPANIONS:
        make_private(Path(name + suffix))
