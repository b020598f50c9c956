"""A real OpenID Connect provider for the tests: a tiny Django project with django-oidc-provider.

`start_provider()` (tests/oidc_provider/run.py) migrates a fresh SQLite file, makes an RS256
key, registers one client and some users, and serves it with gunicorn on 127.0.0.1.
"""
