"""What machine and load a bench figure was measured on: a figure without them compares
nothing (the shared build machine ran a third slower one week than the last)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from django.db import connection


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _database_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return f"SQLite {sqlite3.sqlite_version}"


def machine(load_before: tuple[float, float, float]) -> dict:
    """The machine and its load (1-minute load average before and after the run)."""
    return {
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "database_version": _database_version(),
        "sqlite_version": sqlite3.sqlite_version,
        "load_before": round(load_before[0], 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def machine_line(info: dict) -> str:
    return (
        f"Machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['memory_gb']} GB, "
        f"Python {info['python']}, {info['database_version']}; "
        f"load average {info['load_before']} before, {info['load_after']} after."
    )
