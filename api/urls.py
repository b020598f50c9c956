"""The API at /api/ (its own namespace, api:v1) and its tokens' pages at /manage/api-tokens/."""

from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from api import (  # noqa: F401 (each module adds its routes)
    endpoints_indicators,
    endpoints_plans,
    endpoints_reports,
    endpoints_work,
    views,
)
from api.base import api
from plans import urls as _plans_urls  # noqa: F401 (registers the `id` converter used below)

app_name = "api"


def _token_only(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """The API's views answer to a token, not a session: LoginRequiredMiddleware and the second
    factor (which skips what needs no sign-in) must let them through to say 401 themselves."""
    for pattern in patterns:
        if not hasattr(pattern.callback, "csrf_exempt"):
            # ninja's own views (the description, the root) answer any method: read-only here,
            # so a write is 405 (CSRF-exempt so the 405, not a CSRF 403, is the answer).
            pattern.callback = csrf_exempt(require_GET(pattern.callback))
        pattern.callback.login_required = False
    return patterns


_patterns, _app, _namespace = api.urls

urlpatterns = [
    path("api/", include((_token_only(_patterns), _app), namespace=_namespace)),
    path("manage/api-tokens/", views.tokens, name="tokens"),
    path("manage/api-tokens/new/", views.token_new, name="token_new"),
    path("manage/api-tokens/<id:pk>/revoke/", views.token_revoke, name="token_revoke"),
    # Last: whatever under /api/ no endpoint matched.
    path("api/<path:rest>", views.not_found, name="not_found"),
]
