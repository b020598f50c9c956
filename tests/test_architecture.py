"""The codebase's shape: each app imports only from the apps beneath it.

plans (plans, scales, periods, people) <- deliverables (deliverables, actions, updates, the
quarterly cycle, the tracker) <- reports (dashboards, register, exception reports) <- public
(public pages, open data, the feed) and api (the read-only API). devtools
and the project package sit on top. Every import is read, function-level ones included.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

LAYERS = {"plans": 0, "deliverables": 1, "reports": 2, "public": 3, "api": 3}
ROOT = Path(settings.BASE_DIR)


def product_modules():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def test_no_app_imports_from_an_app_above_it():
    upward = [
        f"{path.relative_to(ROOT)} imports {other}"
        for app, path in product_modules()
        for other in imported_apps(path)
        if other in LAYERS and LAYERS[other] > LAYERS[app]
    ]
    assert not upward, "\n".join(upward)


MAX_LINES = 400


def test_no_product_module_is_over_400_lines():
    """Past this a module holds more than one part of the cycle: split it by stage."""
    long = [
        f"{path.relative_to(ROOT)}: {count} lines"
        for _, path in product_modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not long, "\n".join(long)
