"""Settings of the Carnivore Weekly back end, read once from the environment (and an optional .env).

Every setting a deployment may change is listed in README.md ("Configuration"). Code reads
`django.conf.settings`, never `os.environ`.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import environ
from croniter import croniter
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # local state: embedded database, generated secret key (git-ignored)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win


def _local_secret_key() -> str:
    """Return a secret key kept in var/, so a fresh checkout runs without configuration."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Database -------------------------------------------------------------------------------
# With DATABASE_URL unset, the embedded PostgreSQL 18 server in var/pgdata is started (or reused).
if env.str("DATABASE_URL", default=""):
    _default_db = env.db("DATABASE_URL")
else:
    from carnivore.embedded_db import database_settings

    _default_db = database_settings("carnivore")

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
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served locally rather than from a CDN
    "pgtrigger",
    "django_q",
    "carnivore",
    "audit",
    "trending",
    "grid",
    "engagement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "grid.middleware.CachedHomepageMiddleware",  # a cached public grid needs nothing below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: everything after it (the view) runs in one transaction under the caller's role.
    "carnivore.middleware.RequestIdentityMiddleware",
]

AUTHENTICATION_BACKENDS = ["carnivore.authentication.ConnectingRoleBackend"]

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

# Sessions live in signed cookies: no session table for a database role to read, and web
# processes keep no state between requests.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_HTTPONLY = True

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
ENGAGEMENT_ANON_RATE = env.str("ENGAGEMENT_ANON_RATE", default="120/min")  # per client address
ENGAGEMENT_USER_RATE = env.str("ENGAGEMENT_USER_RATE", default="1200/min")  # per signed-in user

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
