"""Making and revoking API tokens: each writes several rows, so each is one transaction."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from api.models import ApiToken, hash_token, new_token
from plans.audit import audit
from plans.models import AuditKind, Directorate, User
from plans.roles import APPROVER, PERFORMANCE_TEAM, VIEWER

# The roles a token may act as: reading (Viewer), reading a directorate's work in progress
# (Approver), or every directorate's (Performance team). Never Administrator: a token reads.
TOKEN_ROLES = (VIEWER, APPROVER, PERFORMANCE_TEAM)
SERVICE_PREFIX = "api-"


def _service_username(name: str) -> str:
    """api-<name as a slug>-<n>, the first n not taken."""
    stem = f"{SERVICE_PREFIX}{slugify(name)[:100] or 'token'}"
    taken = set(User.objects.filter(username__startswith=stem).values_list("username", flat=True))
    n = 1
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


@transaction.atomic
def api_token_create(
    user: User, name: str, role: str, directorates: list[Directorate]
) -> tuple[ApiToken, str]:
    """A service account in `role` and `directorates`, and a token acting as it. Returns the
    token's record and the token itself, which is not kept: show it once."""
    if role not in TOKEN_ROLES:
        raise ValueError(f"A token cannot act as {role!r}.")
    account = User(
        username=_service_username(name),
        first_name="API",
        last_name=name[:150],
        job_title="Service account for the API",
    )
    account.set_unusable_password()  # it can never sign in to the pages
    account.save()
    account.groups.set([Group.objects.get(name=role)])
    account.directorates.set(directorates)
    token = new_token()
    record = ApiToken.objects.create(
        name=name,
        user=account,
        key_hash=hash_token(token),
        key_prefix=token[:12],
        created_by=user,
    )
    places = ", ".join(d.name for d in directorates) or "no directorate"
    audit(
        AuditKind.API_TOKEN,
        f"API token '{name}' made, acting as {account.username} ({role}; {places})",
        user=user,
    )
    return record, token


@transaction.atomic
def api_token_revoke(user: User, token: ApiToken) -> None:
    """Refuse the token from now on; its service account is deactivated too once it has no
    other live token, so nothing can act as it."""
    if token.is_revoked:
        return
    token.revoked_at = timezone.now()
    token.revoked_by = user
    token.save(update_fields=["revoked_at", "revoked_by"])
    account = token.user
    if not ApiToken.objects.live().filter(user=account).exists() and account.is_active:
        account.is_active = False
        account.save(update_fields=["is_active"])
    audit(
        AuditKind.API_TOKEN,
        f"API token '{token.name}' ({token.key_prefix}…) revoked",
        user=user,
    )
