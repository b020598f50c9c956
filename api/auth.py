"""Who is asking: a service account's token, sent as `Authorization: Bearer <token>`.

The token is looked up by its hash among the live tokens; the request then acts as the token's
service account (request.user), so every rule of who sees what is the pages' own. A signed-in
browser session is not an authentication here: the header is the only way in, and never a
query parameter (which would land in server logs and browser history).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from api.models import ApiToken, hash_token
from plans.audit import audit, audit_refusal
from plans.models import AuditKind

# last_used_at is for an administrator deciding whether a token is still needed: to the minute
# is plenty, and saves a write on every request of a busy client.
LAST_USED_EVERY = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest):
        answer = super().__call__(request)
        if answer is None:
            audit_refusal(AuditKind.DENIED, "API request refused: no valid token", request)
        return answer

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > 200:
            return None
        found = ApiToken.objects.live().select_related("user").filter(key_hash=hash_token(token))
        api_token = found.first()
        if api_token is None:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        request.api_token = api_token
        audit(
            AuditKind.API,
            f"{api_token.name} read {request.get_full_path()}",
            user=api_token.user,
            request=request,
        )
        return api_token
