"""What every new PostgreSQL connection sets for its session.

JIT compiling is switched off: the app's queries take tens or hundreds of milliseconds, and
compiling one once its estimated cost passed jit_above_cost took 6-20 s at county size (a
viewer's dashboard took 12-17 s this way: docs/performance.md). It is a SET on the new
connection, not a startup option, because connection poolers (PgBouncer, managed poolers)
refuse unknown startup parameters, and a startup `options` string would hide the council's
own PGOPTIONS. DJANGO_PG_JIT_OFF=0 leaves the server's setting alone (for instance when the
database role already has `ALTER ROLE ... SET jit = off`).
"""

from __future__ import annotations

from django.conf import settings


def postgres_session(sender, connection, **kwargs) -> None:
    """connection_created: on PostgreSQL, the session's settings."""
    if connection.vendor != "postgresql" or not settings.PG_JIT_OFF:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
