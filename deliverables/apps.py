from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class DeliverablesConfig(AppConfig):
    name = "deliverables"
    verbose_name = "Deliverables and actions"

    def ready(self) -> None:
        from deliverables import db_rules

        # Cross-table rules are triggers kept out of migrations (see db_rules).
        pre_migrate.connect(db_rules.drop_before_migrate, sender=self, dispatch_uid="rules_drop")
        post_migrate.connect(
            db_rules.create_after_migrate, sender=self, dispatch_uid="rules_create"
        )
