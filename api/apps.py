from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read-only API for other systems, and its service-account tokens."""

    name = "api"
    verbose_name = "API"
