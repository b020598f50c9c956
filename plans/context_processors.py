from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from plans.permissions import reviews_updates


def site(request: HttpRequest) -> dict:
    """The council's name and the service's, and the URLs the navigation needs on every page."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "home_url": reverse("home"),
        "reviews_updates": SimpleLazyObject(lambda: reviews_updates(request.user)),
        # "Sign in with <provider>" on the sign-in page, when single sign-on is configured.
        "oidc_provider_name": settings.OIDC_PROVIDER_NAME if settings.OIDC_ENABLED else "",
    }
