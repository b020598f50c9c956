from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from plans import signing_in
        from plans.connections import postgres_session
        from plans.private_files import sqlite_file_private
        from plans.roles import sync_roles_after_migrate

        # Roles are set up by migrate itself, so every database (tests included) has them.
        post_migrate.connect(sync_roles_after_migrate, sender=self, dispatch_uid="plans_roles")
        # Sign-in events go to the audit log; these record, they decide nothing.
        user_logged_in.connect(signing_in.signed_in, dispatch_uid="audit_sign_in")
        user_login_failed.connect(signing_in.sign_in_failed, dispatch_uid="audit_sign_in_failed")
        user_locked_out.connect(signing_in.locked_out, dispatch_uid="audit_locked_out")
        # The SQLite file holds password hashes: readable by its owner only, from creation.
        connection_created.connect(sqlite_file_private, dispatch_uid="sqlite_file_private")
        # PostgreSQL sessions do not JIT-compile (plans.connections says why).
        connection_created.connect(postgres_session, dispatch_uid="postgres_session")
