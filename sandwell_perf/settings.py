"""The one settings module. Local defaults are safe; production is switched only by env vars.

DJANGO_DEBUG          off unless "1"/"true": Django's debug pages
DJANGO_SECRET_KEY     required when DEBUG is off
DJANGO_ALLOWED_HOSTS  comma-separated host names (default 127.0.0.1,localhost)
DATABASE_URL          default sqlite:///<project>/db.sqlite3; or postgresql://user:pw@host/name
DJANGO_CONN_MAX_AGE   seconds a database connection is reused (default 60)
DJANGO_EMAIL_*        SMTP settings for reminders (see README)
DJANGO_HTTPS          on unless DEBUG: HTTPS redirect, secure cookies, HSTS
DJANGO_PROXY_COUNT    reverse proxies in front of the app (client IPs, lockouts)
DJANGO_SESSION_IDLE_SECONDS / _ABSOLUTE_SECONDS   sign-in idle timeout and lifetime
DJANGO_LOCKOUT_FAILURES / _MINUTES                failed sign-ins before a lockout, its length
DJANGO_DEVTOOLS       "1" installs the measuring and demo commands (bench, loadtest, ...)
SITE_URL              where the app is reached, for links in reminder emails

Single sign-on (OpenID Connect, mozilla-django-oidc), on when OIDC_RP_CLIENT_ID is set:
OIDC_RP_CLIENT_ID / _SECRET   this service's client at the council's provider
OIDC_OP_DISCOVERY             the provider's /.well-known/openid-configuration URL, or each of
OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT, OIDC_OP_JWKS_ENDPOINT
OIDC_PROVIDER_NAME            the button's words: "Sign in with <name>"
OIDC_MATCH_CLAIM              claim matched to an account: email (default) or e.g.
                              preferred_username, matched to the user name
OIDC_CREATE_USERS             "1" gives unknown people an account with no role (default: refused)
DJANGO_OIDC_MFA               "1" if the provider enforces its own second factor (then trusted)
ID tokens are RS256, checked against the provider's JWKS; state, nonce and PKCE are checked.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value and value.strip() else default


def database_from_url(url: str) -> dict:
    """Turn a DATABASE_URL into a Django DATABASES entry.

    sqlite:///relative/or/absolute/path and postgresql://user:pass@host:port/name are
    understood; `?host=/tmp/dir` points PostgreSQL at a unix socket directory, which is how
    the test suite's throwaway cluster is reached.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("//"):
            path = path[1:]  # sqlite:////abs/path
        elif path.startswith("/"):
            path = path[1:]
            path = str(BASE_DIR / path) if path else str(BASE_DIR / "db.sqlite3")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or str(BASE_DIR / "db.sqlite3"),
            # Tests use a file, not shared-cache memory: its locking is what production has,
            # so concurrent saves wait for each other instead of failing with "table is locked".
            "TEST": {"NAME": str(BASE_DIR / "test_db.sqlite3")},
            # Several app processes may share one SQLite file during local use: wait for a
            # lock rather than failing at once, and take the write lock at BEGIN so two
            # writers never both read-then-upgrade.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        host = query.pop("host", None) or unquote(parts.hostname or "")
        # Every other parameter (sslmode, sslrootcert, connect_timeout, options, ...) goes to
        # libpq as it is; one it does not know is refused when the first connection opens.
        options = dict(query)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "postgres",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": host,
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {scheme!r} is not supported")


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "For local use run `make run`, which turns debug on."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    # The second factor: authenticator apps (TOTP) and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "plans",
    "deliverables",
    "reports",
    # Published performance in the open: public pages, open data and the feed (public), and
    # the read-only API for other systems (api). Both read from the apps beneath them.
    "public",
    "api",
    # Background tasks (Django's tasks framework, backported) kept in the app's own database.
    "django_tasks",
    "django_tasks_db",
]
# Measuring and demo tools (bench, loadtest, generate_demo_data, make_tracker_workbook): for
# the tests and developers, never in production's command list.
if env_bool("DJANGO_DEVTOOLS", False):
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSP, so its response pass runs first: relaxes style-src for the admin only.
    "plans.middleware.AdminInlineStylesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a sign-in unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made admin edits in the audit history; services name the user themselves.
    "simple_history.middleware.HistoryRequestMiddleware",
    "plans.middleware.SessionLifetimeMiddleware",
    # Signed-in pages and downloads: Cache-Control no-store.
    "plans.middleware.NoStoreWhenSignedInMiddleware",
    "plans.middleware.AuditDeniedMiddleware",
    # A second factor before any page, the admin's included, once the user has one or their
    # role needs one (plans/second_factor.py).
    "plans.second_factor.SecondFactorMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-ins for a locked-out user name and address.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Single sign-on (plans/oidc.py): who someone is comes from the provider, what they may do
# stays here. The sign-in page offers it beside the password form when configured.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_DISCOVERY = os.environ.get("OIDC_OP_DISCOVERY", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your council account")
# "1" when the council's provider asks for its own second factor (Entra ID conditional access,
# for example): a single sign-on then counts as both factors. Otherwise this service asks for
# its own code after a single sign-on, as after a password, where the role requires one.
OIDC_PROVIDER_CHECKS_SECOND_FACTOR = env_bool("DJANGO_OIDC_MFA", False)
OIDC_MATCH_CLAIM = os.environ.get("OIDC_MATCH_CLAIM", "email")
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USERS", False)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
if OIDC_ENABLED:
    if not OIDC_RP_CLIENT_SECRET or not (
        OIDC_OP_DISCOVERY
        or all(
            (
                OIDC_OP_AUTHORIZATION_ENDPOINT,
                OIDC_OP_TOKEN_ENDPOINT,
                OIDC_OP_USER_ENDPOINT,
                OIDC_OP_JWKS_ENDPOINT,
            )
        )
    ):
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID needs OIDC_RP_CLIENT_SECRET, and OIDC_OP_DISCOVERY or all four "
            "OIDC_OP_*_ENDPOINT settings"
        )
    AUTHENTICATION_BACKENDS.append("plans.oidc.CouncilOIDCBackend")

ROOT_URLCONF = "sandwell_perf.urls"
WSGI_APPLICATION = "sandwell_perf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plans.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL sessions switch JIT compiling off (plans.connections: why, and why not as a
# startup option); 0 leaves the server's own setting.
PG_JIT_OFF = env_bool("DJANGO_PG_JIT_OFF", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The trend index on updates (deliverables update_trend_idx) INCLUDEs columns so PostgreSQL
# answers the dashboard's trend from the index alone; SQLite builds it on its key columns,
# which is all it can use, and would warn about that on every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "plans.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "deliverables:landing"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The cache is a database table, so every app server sees the same one (`createcachetable`).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "app_cache",
    }
}

# Admin import/export: all-or-nothing imports, and the uploaded file kept between preview
# and confirmation in the (database) cache, not on one server. Formula escaping is done by
# our resources (plans.resources), which cover = + - @ tab and CR and read back exactly;
# import-export's own setting only strips a leading "=".
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"

SESSION_COOKIE_HTTPONLY = True
# Idle timeout: the session ends after this long without a request. Activity renews it, at
# most every few minutes (plans.middleware), rather than writing the session on every page.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_SECONDS", 60 * 60)
SESSION_RENEW_SECONDS = 300
# Absolute lifetime: however active, a sign-in lasts at most this long.
SESSION_ABSOLUTE_SECONDS = env_int("DJANGO_SESSION_ABSOLUTE_SECONDS", 60 * 60 * 10)

# Production transport security, on unless debugging (DJANGO_HTTPS=0 for a plain-HTTP test).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
# A refused form is recorded in the audit log (plans.views.csrf_failure).
CSRF_FAILURE_VIEW = "plans.views.csrf_failure"
# The __Host- prefix makes browsers refuse these cookies unless they are Secure, for this exact
# host and path "/": no subdomain can set or shadow them. Without HTTPS a browser would refuse
# them outright, so plain HTTP (local use, the tests) keeps the plain names.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
if PROXY_COUNT:
    # The proxy terminates TLS and says so; only trust it when one is configured.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): nothing inline, nothing from elsewhere, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Sign-in lockout (django-axes): failures count per user name *and* address together, so a
# whole office behind one address is not locked out by one person's typing.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address, honouring DJANGO_PROXY_COUNT (plans/client_ip.py), an IPv6 client
# counted by its /64.
AXES_CLIENT_IP_CALLABLE = "plans.lockout.lockout_address"
# And per account whatever the address (plans/lockout.py): guessing spread over many
# addresses stops too. Higher than the per-address limit, so one person's typing never
# locks their account everywhere.
AXES_HANDLER = "plans.lockout.AccountLockoutHandler"
# Authenticator apps show the service's name beside the user name.
OTP_TOTP_ISSUER = os.environ.get("DJANGO_OTP_ISSUER", "Plan performance")
ACCOUNT_LOCKOUT_FAILURES = env_int("DJANGO_ACCOUNT_LOCKOUT_FAILURES", 20)
# A refused single sign-on has no user name to count against (plans/oidc.py records it).
AXES_WHITELIST_CALLABLE = "plans.signing_in.single_sign_on"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "performance@localhost")

# Where the app is reached, for links in emails (reminders are sent from a command).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Public pages (/public/): a plan's published periods, for plans the performance team opens.
# Lead officers' names are not shown to the public unless the council chooses to show them.
PUBLIC_SHOW_OFFICER_NAMES = env_bool("PUBLIC_SHOW_OFFICER_NAMES", False)
# How long a public page or open data file is kept in the cache; publishing, reopening or
# switching a plan's public pages clears it at once.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 600)

# Background tasks: report files and (later) imports run in a worker beside the web server
# (`manage.py db_worker`, started by `make run`; systemd in production), queued in the
# app's own database, so there is no other server to run. DJANGO_TASKS_BACKEND=immediate runs
# each task inside the request that asks for it (no worker: for a quick trial only).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[os.environ.get("DJANGO_TASKS_BACKEND", "database")],
    }
}
# How many times a background task is tried before it is shown as failed with its reason.
TASK_ATTEMPTS = env_int("TASK_ATTEMPTS", 3)
# Seconds before a failed attempt is tried again (doubled each time).
TASK_RETRY_SECONDS = env_int("TASK_RETRY_SECONDS", 10)
# The daily jobs the worker runs (deliverables.schedule), each at a time of day on the
# council's clock ("HH:MM"); an empty value leaves that job to cron (or to nobody).
DAILY_JOBS = {
    "send_reminders": os.environ.get("REMINDERS_AT", "07:00"),
    "send_digests": os.environ.get("DIGESTS_AT", "07:05"),
    "expire_imports": os.environ.get("EXPIRE_IMPORTS_AT", "02:30"),
    "prune_db_task_results": os.environ.get("PRUNE_TASKS_AT", "02:45"),
}

# Longest commentary an officer may type; the council's longest in 2023/24 was 1,720.
COMMENTARY_MAX_LENGTH = env_int("COMMENTARY_MAX_LENGTH", 3000)

# Tracker uploads: the file, and what an .xlsx may unpack to before it is refused unopened.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20_000_000)
# A tracker upload bigger than this is previewed by the worker, with a progress page; a smaller
# one is previewed in the upload request, as before. Bytes, not rows: the size is known before
# the file is opened, and about 100 KB holds 1,000 rows of a council tracker (.xlsx), so the
# default sends files of about 2,500 rows and more (a few seconds' reading) to the background.
TRACKER_BACKGROUND_PREVIEW_BYTES = env_int("TRACKER_BACKGROUND_PREVIEW_BYTES", 250_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 200_000_000)
# What is read of it, whatever the file claims (plans.read_bounds): a tracker has
# a few hundred rows; past these caps, or past the seconds, the file is refused.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 2_000_000)
IMPORT_MAX_MERGED_RANGES = env_int("IMPORT_MAX_MERGED_RANGES", 20_000)
IMPORT_MAX_FIELD_CHARS = env_int("IMPORT_MAX_FIELD_CHARS", 32_767)  # Excel's own cell limit
IMPORT_MAX_SECONDS = env_int("IMPORT_MAX_SECONDS", 4)
# The same budget for a tracker read by the background worker (a big upload's preview, a confirmed
# import): a slow read there holds no web request, and a busy machine reads 10,000 rows in more
# than 4 s; it still ends a file that would keep the worker reading.
IMPORT_MAX_BACKGROUND_SECONDS = env_int("IMPORT_MAX_BACKGROUND_SECONDS", 60)
# Parts read whole before any row: distinct texts and cell styles a workbook may hold.
IMPORT_MAX_SHARED_STRINGS = env_int("IMPORT_MAX_SHARED_STRINGS", 200_000)
IMPORT_MAX_STYLES = env_int("IMPORT_MAX_STYLES", 20_000)

# The council whose plan this instance tracks; shown in the header and on reports.
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Sandwell Council")
# The council's area as benchmarking files name it: its own rows there are skipped when
# comparators are loaded (they are its indicator values, not a comparison).
COUNCIL_AREA_NAME = os.environ.get("COUNCIL_AREA_NAME", "Sandwell")
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Plan performance")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
