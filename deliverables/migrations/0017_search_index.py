"""A GIN index for searching actions' titles as English full text (deliverables.search).

PostgreSQL only: SQLite has no full-text configuration, and there the search matches words as
typed. The index is on the very expression deliverables.search.text_q writes
(to_tsvector('english', COALESCE(title, ''))), so the planner can use it; it lives outside the
model's Meta because a GIN index cannot be created on SQLite.
"""

from django.db import migrations

INDEX = "deliverables_action_title_fts"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON deliverables_action "
        "USING gin (to_tsvector('english'::regconfig, COALESCE(title, '')))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("deliverables", "0016_milestone_complete_as_written")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
