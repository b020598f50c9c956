from django.apps import AppConfig


class PublicConfig(AppConfig):
    """Published performance for everyone: public pages, open data and the feed."""

    name = "public"
    verbose_name = "Public pages and open data"

    def ready(self) -> None:
        from public import files
        from public.cache import connect

        connect()
        files.connect()
