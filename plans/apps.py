from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans"

    def ready(self) -> None:
        from plans.roles import sync_roles_after_migrate

        # Roles are set up by migrate itself, so every database (tests included) has them.
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="plans_roles")
