"""Settings of the Carnivore Weekly back end, read once from the environment (and an optional .env).

Every setting a deployment may change is listed in README.md ("Configuration"). Code reads
`django.conf.settings`, never `os.environ`.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import environ
from croniter import croniter
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # local state: embedded database, generated secret key (git-ignored)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win


def local_secret_key(key_file: Path = VAR_DIR / "secret_key") -> str:
    """Return the secret key kept in `key_file` (var/), so a fresh checkout runs without
    configuration. The file is created owner-only (0600) by the call that creates it, never
    readable by others even for a moment; of two processes starting together, one creates it.
    """
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # created by another process in the meantime
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or local_secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- HTTPS ----------------------------------------------------------------------------------
# A deployment answers on its own host name over HTTPS: plain HTTP is redirected, browsers are
# told to stay on HTTPS (HSTS) and cookies are Secure. The local demo (`up`) and the tests answer
# on localhost over plain HTTP, where all of that would lock the browser out.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}
HTTPS = env.bool("HTTPS", default=not DEBUG and not set(ALLOWED_HOSTS) <= LOCAL_HOSTS)
# Behind a proxy that terminates TLS, the header by which it says the client used HTTPS
# (e.g. X-Forwarded-Proto: https); without it every request would look like plain HTTP.
if _proxy_ssl_header := env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe the processes over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=HTTPS)

# --- Database -------------------------------------------------------------------------------
# With DATABASE_URL unset, the embedded PostgreSQL 18 server in var/pgdata is started (or reused):
# the local demo's database, the only one where `up` creates the demo accounts by itself.
DATABASE_EMBEDDED = not env.str("DATABASE_URL", default="")
if not DATABASE_EMBEDDED:
    _default_db = env.db("DATABASE_URL")
else:
    from carnivore.embedded_db import database_settings

    _default_db = database_settings("carnivore")

# The schema's owner, used by `migrate` alone (carnivore.db_owner), when the web processes and
# jobs connect (DATABASE_URL) as a login role that owns nothing and holds carnivore_runtime.
DATABASE_OWNER = env.db("DATABASE_OWNER_URL") if env.str("DATABASE_OWNER_URL", default="") else None

DATABASE_POOLER_TRANSACTION_MODE = env.bool("DATABASE_POOLER_TRANSACTION_MODE", default=False)
_default_db.update(
    {
        "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        # Behind PgBouncer/Supavisor in transaction mode a session outlives no transaction: no
        # server-side cursors and no prepared statements there. Straight to PostgreSQL, bind
        # parameters server-side, so that psycopg prepares the statements a connection repeats
        # and PostgreSQL plans them once.
        "DISABLE_SERVER_SIDE_CURSORS": DATABASE_POOLER_TRANSACTION_MODE,
    }
)
_default_db.setdefault("OPTIONS", {})["server_side_binding"] = not DATABASE_POOLER_TRANSACTION_MODE
_default_db.setdefault("TEST", {})
DATABASES = {"default": _default_db}

# An optional read replica: GET and HEAD requests read from it (carnivore.db_routing).
READ_REPLICA = bool(env.str("DATABASE_REPLICA_URL", default=""))
if READ_REPLICA:
    _replica_db = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"] = {
        **_replica_db,
        **{
            key: _default_db[key]
            for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DISABLE_SERVER_SIDE_CURSORS")
        },
        # The primary's connection options, and the replica URL's own (sslmode=verify-full...).
        "OPTIONS": {**_default_db["OPTIONS"], **_replica_db.get("OPTIONS", {})},
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["carnivore.db_routing.ReadReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "carnivore.User"

# --- Applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "carnivore.apps.CarnivoreAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served locally rather than from a CDN
    "csp",
    "pgtrigger",
    "django_q",
    "axes",
    "carnivore",
    "audit",
    "trending",
    "grid",
    "engagement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before anything that answers, preflights included
    "grid.middleware.CachedHomepageMiddleware",  # a cached public grid needs nothing below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # a locked-out sign-in becomes a 429 page
    # Last: everything after it (the view) runs in one transaction under the caller's role.
    "carnivore.middleware.RequestIdentityMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in at once
    "carnivore.authentication.ConnectingRoleBackend",
]

ROOT_URLCONF = "carnivore.urls"
WSGI_APPLICATION = "carnivore.wsgi.application"
ASGI_APPLICATION = "carnivore.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Content-Security-Policy of every page (django-csp): scripts, styles, fonts and fetches from this
# site only, nothing inline, no plugins, no framing. The admin, the Swagger UI (/api/docs/, its
# start-up script served as a file) and the back-office pages need no more; Swagger UI's icons
# are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Video thumbnails come from YouTube's image host (the crawls' thumbnail_url).
        "img-src": [SELF, "data:", "https://i.ytimg.com"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Staff sessions are rows in django_session, so that signing out or changing the password ends
# them (carnivore.sessions: Django's database store, run as the connecting role).
SESSION_ENGINE = "carnivore.sessions"
SESSION_COOKIE_HTTPONLY = True

# Sign-in throttling (carnivore.login_throttling): LOGIN_FAILURE_LIMIT failures for a username,
# or from a client address, lock it out for LOGIN_LOCKOUT_MINUTES.
AXES_HANDLER = "carnivore.login_throttling.AxesHandler"
AXES_CLIENT_IP_CALLABLE = "carnivore.login_throttling.client_address"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "carnivore.login_throttling.lockout_response"  # JSON under /api/

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default="") or None  # only `collectstatic` needs one
WHITENOISE_USE_FINDERS = True  # serve the admin's files straight from the apps, no collectstatic

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "carnivore",
            "OPTIONS": {
                # Redis down: a read is a miss and a write is skipped (logged), so the API keeps
                # answering from the database; the timeouts keep that fallback quick.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The cached homepage must be the same in every web process, or after a refresh some processes
# would go on serving the old grid: Redis when there is one, else files that every process on
# this machine shares (several hosts without Redis would each keep their own: use Redis there).
CACHES["homepage"] = (
    CACHES["default"]
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "homepage"),
    }
)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["carnivore.authentication.RequestIdentityAuthentication"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["carnivore.json_request.JSONParser"],  # bounded nesting
    "DEFAULT_PAGINATION_CLASS": "carnivore.pagination.PageNumbers",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": False,  # scores and percents are numbers in JSON
    # Throttles tell clients apart by address: the last of X-Forwarded-For's addresses added by
    # this many trusted proxies; 0 uses the socket's peer (a client could forge the header).
    "NUM_PROXIES": env.int("TRUSTED_PROXIES", default=0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Carnivore Weekly API",
    "DESCRIPTION": "The homepage Bento Grid, engagement capture and weekly trends.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",  # drf-spectacular's default
        "carnivore.schema.document_errors_of_every_operation",
    ],
}

# --- CORS and CDN caching ---------------------------------------------------------------
# The frontend's origins (e.g. https://carnivoreweekly.com) may call the API from the browser;
# no other origin gets CORS headers. Cross-origin callers authenticate with a token or JWT
# header, never with this site's cookies, so credentials are not allowed.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/"
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
# How long browsers and CDNs may reuse the anonymous GET /api/grid/, then serve it stale while
# they fetch it again in the background.
GRID_MAX_AGE = env.int("GRID_MAX_AGE", default=60)
GRID_STALE_WHILE_REVALIDATE = env.int("GRID_STALE_WHILE_REVALIDATE", default=300)

# --- Jobs (django-q2) -----------------------------------------------------------------------
Q_CLUSTER = {
    "name": "carnivore",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 300,
    "retry": 360,
    "catch_up": False,  # after downtime a missed schedule runs once, not once per missed slot
    "orm": "default",
}
if REDIS_URL:
    Q_CLUSTER.pop("orm")
    # Timeouts, so that a frozen Redis fails an enqueue instead of hanging it; the read timeout
    # outlasts the broker's 1 s blocking pop. (URL query arguments win over these.)
    _broker_url = urlsplit(REDIS_URL)
    _broker_query = {"socket_connect_timeout": "1", "socket_timeout": "3"}
    _broker_query.update(parse_qsl(_broker_url.query))
    Q_CLUSTER["redis"] = urlunsplit(_broker_url._replace(query=urlencode(_broker_query)))

# --- Product settings -----------------------------------------------------------------------
GRID_SLOTS = env.int("GRID_SLOTS", default=7)
# Seconds between runs of the engagement rollup (manage.py engagement_rollup_worker): how far
# at most the figures trail the events, plus the run itself.
ENGAGEMENT_ROLLUP_INTERVAL = env.float("ENGAGEMENT_ROLLUP_INTERVAL", default=1.0)
TRENDING_WEBHOOK_URL = env.str("TRENDING_WEBHOOK_URL", default="")
TRENDING_WEBHOOK_SECRET = env.str("TRENDING_WEBHOOK_SECRET", default="")
ANALYZED_CONTENT_PATH = env.str("ANALYZED_CONTENT_PATH", default="")
YOUTUBE_DATA_PATH = env.str("YOUTUBE_DATA_PATH", default="")
CREATOR_BIOS_PATH = env.str("CREATOR_BIOS_PATH", default="")  # optional creator_bios.json
CHANNEL_RANKINGS_PATH = env.str(
    "CHANNEL_RANKINGS_PATH", default=""
)  # optional channel_rankings.json
# When the weekly import runs (cron, UTC): after the analysis pipeline has written the week's
# files, on Mondays around 10:00 UTC.
WEEKLY_IMPORT_CRON = env.str("WEEKLY_IMPORT_CRON", default="0 12 * * 1")
if not croniter.is_valid(WEEKLY_IMPORT_CRON):
    raise ImproperlyConfigured(
        f"WEEKLY_IMPORT_CRON={WEEKLY_IMPORT_CRON!r} is not a cron expression "
        "(minute hour day-of-month month day-of-week, e.g. '0 12 * * 1')"
    )
SUPABASE_JWT_SECRET = env.str("SUPABASE_JWT_SECRET", default="")
# What a Supabase JWT must say it is for (`aud`; Supabase Auth's is "authenticated") and who
# issued it (`iss`, e.g. https://<project>.supabase.co/auth/v1); empty: not checked.
SUPABASE_JWT_AUDIENCE = env.str("SUPABASE_JWT_AUDIENCE", default="authenticated")
SUPABASE_JWT_ISSUER = env.str("SUPABASE_JWT_ISSUER", default="")
ENGAGEMENT_ANON_RATE = env.str("ENGAGEMENT_ANON_RATE", default="120/min")  # per client address
ENGAGEMENT_USER_RATE = env.str("ENGAGEMENT_USER_RATE", default="1200/min")  # per signed-in user
# Data lifecycle (engagement/retention.py; README "Data lifecycle"): how many whole months of
# engagement events are kept before the current one (unset: every event is kept). The daily job
# detaches older months from content_engagement, archives each with pg_dump into
# ENGAGEMENT_ARCHIVE_DIR, and drops it; without an archive folder it drops them only when told to
# (ENGAGEMENT_RETENTION_DROP), so that a forgotten folder never costs data. The hourly rollups,
# the figures and the audit log are kept.
_retention_months = env.str("ENGAGEMENT_RETENTION_MONTHS", default="").strip()
if _retention_months and not (_retention_months.isdigit() and int(_retention_months) >= 1):
    raise ImproperlyConfigured(
        f"ENGAGEMENT_RETENTION_MONTHS={_retention_months!r} is not a number of months of at least"
        " 1 (the current and the previous month are always kept); leave it unset to keep every"
        " event"
    )
ENGAGEMENT_RETENTION_MONTHS = int(_retention_months) if _retention_months else None
ENGAGEMENT_ARCHIVE_DIR = env.str("ENGAGEMENT_ARCHIVE_DIR", default="")
ENGAGEMENT_RETENTION_DROP = env.bool("ENGAGEMENT_RETENTION_DROP", default=False)
if ENGAGEMENT_ARCHIVE_DIR and ENGAGEMENT_RETENTION_DROP:
    raise ImproperlyConfigured(
        "ENGAGEMENT_ARCHIVE_DIR and ENGAGEMENT_RETENTION_DROP=true are both set: retired months"
        " are archived into the folder, or dropped unarchived; set one of them"
    )
if ENGAGEMENT_RETENTION_MONTHS and not (ENGAGEMENT_ARCHIVE_DIR or ENGAGEMENT_RETENTION_DROP):
    raise ImproperlyConfigured(
        f"ENGAGEMENT_RETENTION_MONTHS={ENGAGEMENT_RETENTION_MONTHS} retires older months of"
        " engagement events: set ENGAGEMENT_ARCHIVE_DIR to archive them (pg_dump) before they"
        " are dropped, or ENGAGEMENT_RETENTION_DROP=true to drop them unarchived"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
