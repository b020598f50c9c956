"""Prepare a fresh test provider database: `python -m tests.oidc_provider.setup < spec.json`.

spec: {"client_id", "client_secret", "redirect_uris": [...], "users": [{"username",
"password", "email", "first_name", "last_name"}]}
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oidc_provider.models import Client, ResponseType  # noqa: E402


def main() -> None:
    spec = json.load(sys.stdin)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("creatersakey", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client.objects.create(
        name="Plan performance",
        client_type="confidential",
        client_id=spec["client_id"],
        client_secret=spec["client_secret"],
        jwt_alg="RS256",
        reuse_consent=False,
        require_consent=True,
    )
    client.redirect_uris = spec["redirect_uris"]
    client.scope = ["openid", "email", "profile"]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))
    for person in spec["users"]:
        User.objects.create_user(**person)


if __name__ == "__main__":
    main()
