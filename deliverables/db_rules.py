"""Rules that span tables, enforced by the database itself on SQLite and PostgreSQL.

Django has no composite foreign keys, so "an update's status comes from its action's plan's
scale" cannot be a plain constraint. These triggers refuse, as an integrity error:
- a quarterly update whose status is not on the scale of its action's plan;
- a quarterly update for a quarter of another plan;
- a placement under an outcome of another plan, or under a deliverable or theme of another
  outcome;
- a deliverable whose theme belongs to another outcome;
- moving an action to another plan while it has updates or placements.

They are not in a migration: SQLite rebuilds a table to alter it, and a trigger naming the
rebuilt table breaks the rebuild. So `migrate` drops them before it runs any migration
(pre_migrate) and creates them again, as defined here, when it has finished (post_migrate).
Every database that has been migrated therefore holds exactly these rules.
"""

from __future__ import annotations

import re

from django.core import checks
from django.db import DEFAULT_DB_ALIAS, connections

# Each rule: (name, table, columns whose change re-checks it, SQL condition that is TRUE when
# the new row breaks the rule, message).
RULES = [
    (
        "update_status_on_plan_scale",
        "deliverables_quarterlyupdate",
        ["status_id", "action_id"],
        """NEW.status_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM plans_status s
            JOIN plans_statusscale sc ON sc.id = s.scale_id
            JOIN deliverables_action a ON a.plan_id = sc.plan_id
            WHERE s.id = NEW.status_id AND a.id = NEW.action_id)""",
        "status is not on the scale of the plan of the action",
    ),
    (
        "update_period_of_action_plan",
        "deliverables_quarterlyupdate",
        ["period_id", "action_id"],
        """NOT EXISTS (
            SELECT 1 FROM plans_reportingperiod p
            JOIN deliverables_action a ON a.plan_id = p.plan_id
            WHERE p.id = NEW.period_id AND a.id = NEW.action_id)""",
        "quarter belongs to another plan than the action",
    ),
    (
        "placement_within_plan",
        "deliverables_actionplacement",
        ["action_id", "outcome_id", "deliverable_id", "theme_id"],
        """NOT EXISTS (
            SELECT 1 FROM plans_strategicoutcome o
            JOIN deliverables_action a ON a.plan_id = o.plan_id
            WHERE o.id = NEW.outcome_id AND a.id = NEW.action_id)
        OR (NEW.deliverable_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM deliverables_deliverable d
            WHERE d.id = NEW.deliverable_id AND d.outcome_id = NEW.outcome_id))
        OR (NEW.theme_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM plans_theme t
            WHERE t.id = NEW.theme_id AND t.outcome_id = NEW.outcome_id))""",
        "placement mixes outcomes or plans",
    ),
    (
        "deliverable_theme_in_outcome",
        "deliverables_deliverable",
        ["theme_id", "outcome_id"],
        """NEW.theme_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM plans_theme t
            WHERE t.id = NEW.theme_id AND t.outcome_id = NEW.outcome_id)""",
        "theme of the deliverable belongs to another outcome",
    ),
]

ACTION_MOVE = (
    "action_plan_fixed",
    "deliverables_action",
    """NEW.plan_id <> OLD.plan_id AND (
        EXISTS (SELECT 1 FROM deliverables_quarterlyupdate u WHERE u.action_id = NEW.id)
        OR EXISTS (SELECT 1 FROM deliverables_actionplacement pl WHERE pl.action_id = NEW.id))""",
    "an action with updates or placements cannot move to another plan",
)


def _sqlite(execute, rules: list, forwards: bool) -> None:
    for rule in rules:
        name, table, columns, condition, message = rule
        events = (
            [("UPDATE OF plan_id", name)]
            if name == ACTION_MOVE[0]
            else [("INSERT", f"{name}_ins"), (f"UPDATE OF {', '.join(columns)}", f"{name}_upd")]
        )
        for event, trigger in events:
            execute(f"DROP TRIGGER IF EXISTS {trigger}")
            if forwards:
                execute(
                    f"CREATE TRIGGER {trigger} BEFORE {event} ON {table} "
                    f"FOR EACH ROW WHEN {condition} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )


def _postgresql(execute, rules: list, forwards: bool) -> None:
    for name, table, columns, condition, message in rules:
        execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        execute(f"DROP FUNCTION IF EXISTS {name}_check()")
        if not forwards:
            continue
        execute(
            f"""CREATE FUNCTION {name}_check() RETURNS trigger AS $$
            BEGIN
                IF {condition} THEN
                    RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql"""
        )
        events = (
            "UPDATE OF plan_id"
            if name == ACTION_MOVE[0]
            else (f"INSERT OR UPDATE OF {', '.join(columns)}")
        )
        execute(
            f"CREATE TRIGGER {name} BEFORE {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}_check()"
        )


def _all_rules() -> list[tuple[str, str, list[str], str, str]]:
    name, table, condition, message = ACTION_MOVE
    return [*RULES, (name, table, ["plan_id"], condition, message)]


def tables_of(rule) -> set[str]:
    """The tables a rule reads or guards: it can be installed once they all exist."""
    _name, table, _columns, condition, _message = rule
    return {table, *re.findall(r"\b(?:plans|deliverables)_[a-z]+\b", condition)}


def trigger_names(rule, vendor: str) -> set[str]:
    name = rule[0]
    if vendor == "sqlite" and name != ACTION_MOVE[0]:
        return {f"{name}_ins", f"{name}_upd"}
    return {name}


def install(using: str = DEFAULT_DB_ALIAS) -> None:
    _apply(using, forwards=True)


def remove(using: str = DEFAULT_DB_ALIAS) -> None:
    _apply(using, forwards=False)


def _apply(using: str, forwards: bool) -> None:
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    # Installing: the rules whose tables all exist (an empty database, or one migrated back
    # past some tables, holds only those; `check --database` names any missing where the
    # tables are there). Removing: every rule whose own table exists.
    rules = [
        rule
        for rule in _all_rules()
        if (tables_of(rule) <= tables if forwards else rule[1] in tables)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _sqlite(cursor.execute, rules, forwards)
        elif connection.vendor == "postgresql":
            _postgresql(cursor.execute, rules, forwards)
        else:  # pragma: no cover - the project supports these two databases only
            raise NotImplementedError(f"No cross-plan triggers for {connection.vendor}")


def installed(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The rule triggers the database holds: name -> its definition as the database keeps it
    (the trigger's SQL on SQLite, the checking function's body on PostgreSQL)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT t.tgname, p.prosrc FROM pg_trigger t "
                "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal"
            )
        return dict(cursor.fetchall())


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def problems(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Each rule whose tables exist but whose trigger is missing or not as RULES defines it."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    found = {name: _squeeze(sql or "") for name, sql in installed(using).items()}
    wrong = []
    for rule in _all_rules():
        if not tables_of(rule) <= tables:
            continue
        for trigger in sorted(trigger_names(rule, connection.vendor)):
            if trigger not in found:
                wrong.append(f"{trigger} is not installed")
            elif _squeeze(rule[3]) not in found[trigger] or rule[4] not in found[trigger]:
                wrong.append(f"{trigger} differs from deliverables.db_rules")
    return wrong


@checks.register(checks.Tags.database)
def check_installed(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check --database default` (and migrate, before it starts) say when the
    database's cross-table rules are missing or stale, instead of the database quietly
    accepting what they refuse. A warning, not an error: migrate runs the database checks
    first, and migrate is what installs the rules afresh, so an error would block the fix."""
    messages = []
    for alias in databases or []:
        for problem in problems(alias):
            messages.append(
                checks.Warning(
                    f"Database rule {problem} ({alias}).",
                    hint="Run `python manage.py migrate`: it installs the rules afresh.",
                    id="deliverables.W001",
                )
            )
    return messages


def drop_before_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    remove(using)


def create_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    install(using)
