"""bench across sizes: the same bench on several databases, and the tables for
docs/performance.md with each page's floor ratio at every size and its growth between sizes.

    manage.py bench --across sandwell=sqlite:////tmp/bench18/sandwell.sqlite3 \\
        --across county=sqlite:////tmp/bench18/county.sqlite3 \\
        --across large=sqlite:////tmp/bench18/large.sqlite3 --out /tmp/bench18/runs
    manage.py bench --tables /tmp/bench18/runs/*.json     # the tables again, from saved runs

Each size runs in its own process (`bench --json` with that DATABASE_URL), one after another,
so the sizes never share the machine with each other.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

TIMES, DASH = "\u00d7", "\u2013"  # the tables' multiplication sign and empty cell


def run_sizes(targets: list[str], passed: list[str], out: str | None) -> list[dict]:
    """`targets` are LABEL=DATABASE_URL; `passed` the bench options each run gets."""
    summaries = []
    for target in targets:
        label, sep, url = target.partition("=")
        if not sep or not label or not url:
            raise CommandError(f"--across wants LABEL=DATABASE_URL, not {target!r}.")
        env = {**os.environ, "DATABASE_URL": url}
        command = [sys.executable, "manage.py", "bench", "--json", *passed]
        done = subprocess.run(  # noqa: S603 - this interpreter, this project's manage.py
            command, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise CommandError(f"bench on {label} failed:\n{done.stderr[-2000:]}")
        summary = json.loads(done.stdout)
        summary["label"] = label
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            name = f"{summary['database']}-{label}.json"
            (Path(out) / name).write_text(json.dumps(summary, indent=2))
        summaries.append(summary)
    return summaries


def load(paths: list[str]) -> list[dict]:
    summaries = []
    for path in paths:
        summary = json.loads(Path(path).read_text())
        # A file saved as <database>-<label>.json (as --out names them) is labelled <label>.
        stem = Path(path).stem.removeprefix(f"{summary['database']}-")
        summary.setdefault("label", stem.removeprefix("postgresql-").removeprefix("pg-"))
        summaries.append(summary)
    return summaries


def _cell(result: dict | None) -> str:
    if result is None:
        return DASH
    flag = " **over 10 s**" if result.get("over_10s") else ""
    spread = f"{result['p95_ms']:,.0f}, max {result.get('max_ms', result['p95_ms']):,.0f}"
    if result.get("cpu_ms"):  # what this process spent, whatever the machine's load
        spread += f"; CPU {result['cpu_ms']:,.0f}"
    return f"{result['median_ms']:,.0f} ({spread}){flag}"


def _growth(smaller: dict | None, larger: dict | None) -> str:
    if not smaller or not larger or not smaller["median_ms"]:
        return DASH
    return f"{larger['median_ms'] / smaller['median_ms']:.1f}{TIMES}"


def tables(summaries: list[dict]) -> str:
    """One table per database: median (p95, max) ms and queries at each size, the floor
    ratio at each size, growth between neighbouring sizes, and which requests passed 10 s."""
    lines = []
    for vendor in dict.fromkeys(s["database"] for s in summaries):
        runs = [s for s in summaries if s["database"] == vendor]
        lines += [f"### {vendor}", ""]
        for s in runs:
            m = s["machine"]
            lines.append(
                f"- {s['label']}: {s['plan']} {s['period']}, {s['actions']:,} actions, "
                f"{s['updates']:,} updates; {s['repeat']} runs after a warm-up; "
                f"{m.get('database_version', vendor)}; load {m.get('load_before', '?')} → "
                f"{m.get('load_after', '?')}"
            )
        m = runs[0]["machine"]
        lines += [
            f"- machine: {m['cpus']} CPUs ({m.get('cpu_model', '?')}), "
            f"{m.get('memory_gb', '?')} GB, Python {m['python']}, {m['platform']}",
            "",
        ]
        by_name = [{r["name"]: r for r in s["results"]} for s in runs]
        names = list(dict.fromkeys(n for table in by_name for n in table))
        labels = [s["label"] for s in runs]
        head = ["page"]
        for label in labels:
            head += [f"{label} median (p95, max) ms", "queries"]
        head += [f"{TIMES} floor {'/'.join(labels)}"]
        head += [f"growth {a}→{b}" for a, b in itertools.pairwise(labels)]
        lines += ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
        for name in names:
            found = [table.get(name) for table in by_name]
            worker = any(r and r.get("background") for r in found)
            row = [name + (" (worker)" if worker else "")]
            for r in found:
                row += [_cell(r), str(r["queries"]) if r else DASH]
            row.append(" / ".join(f"{r['ratio']:.1f}" if r else DASH for r in found))
            row += [_growth(a, b) for a, b in itertools.pairwise(found)]
            lines.append("| " + " | ".join(row) + " |")
        over = [f"{s['label']}: {', '.join(s['over_10s'])}" for s in runs if s.get("over_10s")]
        lines += ["", "Requests over 10 s: " + ("; ".join(over) if over else "none") + ".", ""]
    return "\n".join(lines)
