"""WSGI entry point: `gunicorn sandwell_perf.wsgi` in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandwell_perf.settings")

application = get_wsgi_application()
