import re

from django.db import migrations, models

_DIGITS = re.compile(r"[0-9]+")


def fill_ref_order(apps, schema_editor):
    """Each existing action's sort key, from the folded reference it already stores: each
    number zero-padded to eight digits (as plans.refs.ref_order, copied here so later changes
    to that code cannot change what this migration did)."""
    Action = apps.get_model("deliverables", "Action")
    changed = []
    for action in Action.objects.only("pk", "ref_normalised").iterator(chunk_size=2000):
        if action.ref_normalised:
            padded = _DIGITS.sub(lambda m: m.group(0).zfill(8), action.ref_normalised)
            action.ref_order = padded[:200]
            changed.append(action)
    Action.objects.bulk_update(changed, ["ref_order"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("deliverables", "0008_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="ref_order",
            field=models.CharField(
                blank=True, db_index=True, editable=False, max_length=200, null=True
            ),
        ),
        migrations.RunPython(fill_ref_order, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="action",
            options={
                "ordering": ["plan", models.OrderBy(models.F("ref_order"), nulls_last=True), "pk"]
            },
        ),
    ]
