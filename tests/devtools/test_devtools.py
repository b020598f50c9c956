"""The measuring and demo tools are for developers: production's command list leaves them out."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

TOOLS = ("bench", "loadtest", "generate_demo_data", "make_tracker_workbook")


def commands(devtools: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEVTOOLS"}
    if devtools is not None:
        env["DJANGO_DEVTOOLS"] = devtools
    result = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.split()


def test_production_does_not_offer_the_measuring_tools():
    listed = commands(None)
    assert "import_tracker" in listed and "send_reminders" in listed
    assert not set(TOOLS) & set(listed)


def test_developers_switch_them_on():
    assert set(TOOLS) <= set(commands("1"))
