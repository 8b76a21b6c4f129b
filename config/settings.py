"""Settings of the Twin-City Union Cooperation Portal.

Every value an operator may change comes from the environment (or a `.env` file beside
`manage.py`), twelve-factor style. The defaults are safe for production: with only `DEBUG`
off, `SECRET_KEY` and `ALLOWED_HOSTS` set, `manage.py check --deploy` is clean. Development
(`make run`) turns `DEBUG` on, which relaxes the HTTPS-only settings.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development."
        )
    # Development only: DEBUG is on, so this key never protects real sessions.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "members.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "members.admin_site.AxesConfig",  # django-axes, named in the active language
    # Finds each app's rules.py: the permissions it declares (members.access).
    "rules.apps.AutodiscoverRulesConfig",
    "django_filters",
    # Background tasks (Django's tasks API, backported): queued in the database, run by
    # `manage.py db_worker` (deploy/systemd/portal-worker.service).
    "django_tasks",
    "django_tasks_db",
    "members",
    "cooperation",
    "sanatoriums",
    "competitions",
]

MIDDLEWARE = [
    # First: every later middleware's log records, and the response, carry the request id.
    "config.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's responses are `Cache-Control: private` (members.pagecache).
    "members.pagecache.PrivateWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Refuses a body larger than any upload before it is read; nothing above reads it.
    "members.middleware.RequestSizeLimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Must stay last: it turns a lockout raised by the authentication backend into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "members.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite file in the project folder unless DATABASE_URL names another one.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is given, so that several application hosts share
# them (README, "Production"); else the embedded defaults: local memory for the cache and
# the database for sessions.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several portals (or a test run) may share one Redis.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
            # A Redis that does not answer slows a page by two seconds, never hangs it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Written through to the database and read from Redis: a restarted Redis signs no one out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Public pages for anonymous visitors come from the cache (members.pagecache), renewed by
# every write that changes them. The cache must be shared by every process that serves the
# portal, so it is on by default with Redis only; a single process (runserver) may turn it
# on in local memory with PAGE_CACHE_SECONDS. 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600 if REDIS_URL else 0)
# How long a signed-in user's scope (federation, role, partners) and unread count may stay in
# the cache; every write that changes them renews them at once (members.scoping,
# members.notifications). 0 asks the database on every request.
USER_CACHE_SECONDS = env.int("USER_CACHE_SECONDS", default=300)
# How long a reverse proxy may keep a public page (`s-maxage`); browsers revalidate always.
PAGE_CACHE_PROXY_SECONDS = env.int("PAGE_CACHE_PROXY_SECONDS", default=10)
# How long the leaders' dashboard keeps its figures before computing them again (seconds).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)

# Background tasks: rows in the database that `manage.py db_worker` runs on any host.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Accounts
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user name + address before any password check.
    "axes.backends.AxesStandaloneBackend",
    # has_perm(perm, obj): role and federation scope, as each app's rules.py declares.
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, with each user's permission set kept in the shared cache.
    "members.backends.CachedModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Failed sign-ins: lock the pair (user name, address) — never the user name alone, so an
# attacker cannot lock a real member of staff out — and only for a finite cool-off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Failed attempts and lockouts live in the database, which every application host shares;
# never in one process's memory.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Behind a reverse proxy, name the header that carries the client address (for example
# HTTP_X_FORWARDED_FOR) so that lockouts apply to clients, not to the proxy.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list(
    "AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"]
)

# Internationalisation: Simplified Chinese first, English second, Shanghai time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language (2027年11月11日, 11 Nov 2027): config/formats.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files: our own under static/, third-party front-end assets straight from the npm
# packages in node_modules (installed from package-lock.json, never committed, no CDN).
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploads: a file larger than 2.5 MB is streamed to a temporary file, not held in memory; the
# form fields beside the files may come to 2.5 MB (also the margin that
# members.middleware allows above the largest file, members.uploads.MAX_UPLOAD_BYTES); a
# progress update carries at most ten attachments.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Rights referrals: the number of days (Shanghai dates) the receiving federation has to
# accept or decline a referral before it is flagged overdue on both sides.
REFERRAL_ACKNOWLEDGE_DAYS = env.int("REFERRAL_ACKNOWLEDGE_DAYS", default=3)

# Email
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL",
    default="consolemail://" if DEBUG else "smtp://localhost:25",
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. HTTPS-only by default outside DEBUG; behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER_ENABLED=true instead of switching the redirect off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the health check over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

# Content-Security-Policy: no inline script or style anywhere, so templates put chart data
# in json_script blocks and styles in static CSS files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# History pages show old versions and never write them back (members.admin_scoping).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Every record is printed once. Django's own configuration gives the "django" logger a
# console handler of its own (with DEBUG on) that also passes the record on to the root's:
# each line came out twice. Here the "django" logger only passes records on to the root;
# runserver's request lines ("django.server") keep their own handler and format, and are
# not passed on, as in Django's configuration (which this one replaces below "django").
#
# Each record carries the id of the request it was written for (config.requestlog), and
# "portal.access" writes one line per request. LOG_FORMAT=json prints every record as one
# JSON object per line, for a log collector; "text" (the default) prints plain lines.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
# The access log is on outside DEBUG; under runserver (`make run`) its own lines say as much.
ACCESS_LOG = env.bool("ACCESS_LOG", default=not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.requestlog.RequestIdFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
        "text": {"format": "{levelname} {name} [{request_id}] {message}", "style": "{"},
        "json": {"()": "config.requestlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        },
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        "portal.access": {"level": "INFO" if ACCESS_LOG else "WARNING"},
    },
}

# --- excel ---
# Spreadsheet imports (members.imports): the largest file, the most data rows per file, and
# what an .xlsx (a zip) may unpack to before anything of it is parsed.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
IMPORT_MAX_ZIP_ENTRIES = env.int("IMPORT_MAX_ZIP_ENTRIES", default=200)
