"""What the test provider says about its users, including claims that try to grant roles."""

from django.utils.translation import gettext_lazy as _
from oidc_provider.lib.claims import ScopeClaims


def userinfo(claims, user):
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["email"] = user.email
    claims["email_verified"] = not user.email.endswith(".unverified")
    claims["preferred_username"] = user.username
    return claims


class RoleClaims(ScopeClaims):
    """Sent with every sign-in: a provider saying everyone is an administrator and superuser.
    The service under test must take none of it."""

    info_openid = (_("Roles"), _("Your roles."))

    def scope_openid(self):
        return {
            "groups": ["Administrator", "Performance team"],
            "roles": ["Administrator"],
            "is_superuser": True,
            "is_staff": True,
        }


def id_token(id_token, user, token, request, **kwargs):
    """How each user signed in at the provider: `ann` with a second factor, the rest with a
    password alone (the `amr` claim, RFC 8176)."""
    id_token["amr"] = ["pwd", "mfa"] if user.username == "ann" else ["pwd"]
    return id_token
