"""Settings for the DVCTT platform.

Everything that differs between machines comes from environment variables (see docs/configuration.md);
the defaults run the demo on SQLite with no other service.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from dvctt.common.caches import cache_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DVCTT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DVCTT_DEBUG", False)
TESTING = env_bool("DVCTT_TESTING", "pytest" in sys.modules)
# The demo and the tests run with a fixed development key; production must set its own.
SECRET_KEY = os.environ.get("DVCTT_SECRET_KEY", "dvctt-insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = env_list("DVCTT_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DVCTT_CSRF_TRUSTED_ORIGINS")

# The province the platform is set up for: its name appears on slips and pages.
PROVINCE_NAME = os.environ.get("DVCTT_PROVINCE_NAME", "Lạng Sơn")
PUBLIC_BASE_URL = os.environ.get("DVCTT_PUBLIC_BASE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "template_partials",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "dvctt.common",
    "dvctt.outbox",
    "dvctt.taskspool",
    "dvctt.agencies",
    "dvctt.accounts",
    "dvctt.catalog",
    "dvctt.calendar",
    "dvctt.dossiers",
    "dvctt.complaints",
    "dvctt.guidance",
    "dvctt.monitoring",
    "dvctt.plans",
    "dvctt.reports",
    "dvctt.steering",
    "dvctt.guides",
    "dvctt.outreach",
    "dvctt.interchange",
    "dvctt.integrations",
    "dvctt.integrations.national_portal",
    "dvctt.integrations.identity",
    "dvctt.integrations.signing",
    "dvctt.integrations.messaging",
    "dvctt.portal",
    "dvctt.backoffice",
    "dvctt.schedule",
]

MIDDLEWARE = [
    # First, so that it runs once the whole first response is made (dvctt/common/collector.py).
    "dvctt.common.collector.FreezeAfterFirstResponseMiddleware",
    # Early: a request id for every log line and answer, and the request metrics (docs/operations.md).
    "dvctt.common.request_id.RequestIdMiddleware",
    # A database that is down or restarting: 503 with Retry-After, never a bare 500 (docs/operations.md, "Faults").
    "dvctt.common.db_unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "dvctt.common.security_headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session middleware: odd input (NUL bytes, deep JSON, far dates) is refused with a 400.
    "dvctt.common.request_guard.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dvctt.common.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, the account read in the same query as the session (dvctt/accounts/sessions.py).
    "dvctt.accounts.sessions.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dvctt.urls"
WSGI_APPLICATION = "dvctt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dvctt" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dvctt.common.context_processors.platform",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dvctt.sqlite3'}"),
        conn_max_age=int(os.environ.get("DVCTT_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DVCTT_TEST_SQLITE_NAME", "")}
else:
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DVCTT_TEST_DB_NAME", "test_dvctt")}

# The dashboards' figures (and the warmer's): shared by every process in production (docs/configuration.md).
CACHES = {"default": cache_from_url(os.environ.get("DVCTT_CACHE_URL", ""))}
# The longest a process trusts its copy of a procedure's terms without reading them again (dvctt/catalog/terms.py);
# with a shared cache a catalogue change reaches every process at once anyway.
DVCTT_CATALOGUE_TERMS_SECONDS = float(os.environ.get("DVCTT_CATALOGUE_TERMS_SECONDS", "60"))

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
# After signing in without a "next": each role's own page (inbox, leader's page, dashboards, my dossiers).
DVCTT_LANDING_URL = "dvctt.portal.landing.landing_url"
LOGOUT_REDIRECT_URL = "portal:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 by design costs tens of milliseconds a hash; tests that create hundreds of users use MD5
    # except where a test asserts the Argon2 hasher explicitly.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "dvctt.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "dvctt.accounts.backends.AccountBackend",
]
# Login throttling: five failures for one username from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("DVCTT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# The project's catalogue, then Django REST framework's messages in Vietnamese, which take precedence over DRF's
# own, nearly empty, vi catalogue (docs/api.md). Keep dvctt/locale first and free of source files: makemessages
# writes a file's strings to the last entry whose parent folder holds the file, else to the first entry.
LOCALE_PATHS = [BASE_DIR / "dvctt" / "locale", BASE_DIR / "dvctt" / "locale" / "vendor"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DVCTT_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DVCTT_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

EMAIL_BACKEND = os.environ.get("DVCTT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("DVCTT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DVCTT_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DVCTT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DVCTT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DVCTT_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DVCTT_FROM_EMAIL", "dichvucong@langson.gov.vn")
# Channels that notify applicants at every status change: email, sms, zalo (the last two need a provider URL).
DVCTT_NOTIFICATION_CHANNELS = env_list("DVCTT_NOTIFICATION_CHANNELS", "email")
# Notifications (docs/notifications.md): channels (DVCTT_NOTIFICATION_CHANNELS is the older name), the language of
# SMS/Zalo and of the e-mail's first part, the English version under the Vietnamese in e-mails.
DVCTT_NOTIFY_CHANNELS = env_list("DVCTT_NOTIFY_CHANNELS", ",".join(DVCTT_NOTIFICATION_CHANNELS))
# The phone channels come from the messaging adapters (a layer above the dossiers), by dotted path.
DVCTT_NOTIFY_CHANNEL_CLASSES = {
    "sms": "dvctt.integrations.messaging.channels.SmsChannel",
    "zalo": "dvctt.integrations.messaging.channels.ZaloChannel",
}
DVCTT_NOTIFY_LANGUAGE = os.environ.get("DVCTT_NOTIFY_LANGUAGE", "vi")
DVCTT_NOTIFY_EMAIL_BILINGUAL = env_bool("DVCTT_NOTIFY_EMAIL_BILINGUAL", True)
# SMS brandname provider (dvctt/integrations/messaging/sms.py): unset URL = channel not configured.
DVCTT_SMS_URL = os.environ.get("DVCTT_SMS_URL", "")
DVCTT_SMS_USERNAME = os.environ.get("DVCTT_SMS_USERNAME", "")
DVCTT_SMS_PASSWORD = os.environ.get("DVCTT_SMS_PASSWORD", "")
DVCTT_SMS_BRANDNAME = os.environ.get("DVCTT_SMS_BRANDNAME", "DICHVUCONG")
DVCTT_SMS_ASCII = env_bool("DVCTT_SMS_ASCII", True)
DVCTT_SMS_MAX_CHARS = int(os.environ.get("DVCTT_SMS_MAX_CHARS", "306"))
DVCTT_SMS_TIMEOUT = float(os.environ.get("DVCTT_SMS_TIMEOUT", "10"))
# Zalo Notification Service (dvctt/integrations/messaging/zalo.py): unset token = channel not configured.
DVCTT_ZALO_URL = os.environ.get("DVCTT_ZALO_URL", "https://business.openapi.zalo.me/message/template")
DVCTT_ZALO_ACCESS_TOKEN = os.environ.get("DVCTT_ZALO_ACCESS_TOKEN", "")
DVCTT_ZALO_TEMPLATE_ID = os.environ.get("DVCTT_ZALO_TEMPLATE_ID", "")
DVCTT_ZALO_TIMEOUT = float(os.environ.get("DVCTT_ZALO_TIMEOUT", "10"))
DVCTT_MAX_UPLOAD_BYTES = int(os.environ.get("DVCTT_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
# Pictures of the guides (docs/guides.md): PNG, JPEG or WebP up to this size.
DVCTT_GUIDE_IMAGE_MAX_BYTES = int(os.environ.get("DVCTT_GUIDE_IMAGE_MAX_BYTES", str(2 * 1024 * 1024)))
# "Was this helpful?" posts per client address in a window of seconds (docs/guides.md); 0 turns the limit off.
DVCTT_GUIDE_FEEDBACK_LIMIT = int(os.environ.get("DVCTT_GUIDE_FEEDBACK_LIMIT", "30"))
DVCTT_GUIDE_FEEDBACK_WINDOW = int(os.environ.get("DVCTT_GUIDE_FEEDBACK_WINDOW", "3600"))
# DejaVu Sans for PDFs laid out by ReportLab (the long tracking register; Debian's fonts-dejavu-core).
DVCTT_PDF_FONT_DIR = Path(os.environ.get("DVCTT_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
# A tracking register PDF longer than this is written by a background task, with progress (docs/slips.md).
DVCTT_REGISTER_PDF_INLINE_ROWS = int(os.environ.get("DVCTT_REGISTER_PDF_INLINE_ROWS", "500"))
# Stored register PDFs are removed this many days after they were made (the daily job register_exports_prune).
DVCTT_REGISTER_EXPORT_KEEP_DAYS = int(os.environ.get("DVCTT_REGISTER_EXPORT_KEEP_DAYS", "7"))
# Periodic jobs (docs/operations.md, "Periodic jobs"): overrides of the declared schedule run by `dvctt scheduler`,
# e.g. "payments_settle=every 10m, guidance_watch=off, steering_remind=daily 07:45, national_catalogue_pull=on".
DVCTT_SCHEDULE = os.environ.get("DVCTT_SCHEDULE", "")
# Dashboards: figures computed under older data are shown this long (seconds); see docs/dashboards.md.
DVCTT_DASHBOARD_FRESH_SECONDS = float(os.environ.get("DVCTT_DASHBOARD_FRESH_SECONDS", "30"))
# Officials guiding relatives (docs/guidance.md): the daily watch flags an official with more guided dossiers in
# one day than this, or more than the second number of one applicant's dossiers in one day.
DVCTT_GUIDANCE_DAILY_MAX = int(os.environ.get("DVCTT_GUIDANCE_DAILY_MAX", "50"))
DVCTT_GUIDANCE_SAME_APPLICANT_MAX = int(os.environ.get("DVCTT_GUIDANCE_SAME_APPLICANT_MAX", "5"))
# Freeze a web process's long-lived objects after its first response (dvctt/common/collector.py).
DVCTT_GC_FREEZE = env_bool("DVCTT_GC_FREEZE", True)

# Background work goes through the django-tasks API (docs/tasks.md): the database backend (with `dvctt db_worker`)
# by default (DVCTT_TASKS=db, one machine), RQ on Redis with DVCTT_TASKS=rq (`dvctt tasks_worker`, several
# machines), the immediate backend when DVCTT_TASKS_IMMEDIATE is set (tests, single-process demo).
DVCTT_TASKS = os.environ.get("DVCTT_TASKS", "db")
DVCTT_TASK_QUEUES = ["default", "notifications", "sync", "rollups"]
DVCTT_REDIS_URL = os.environ.get("DVCTT_REDIS_URL", "redis://127.0.0.1:6379/0")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("DVCTT_TASKS_IMMEDIATE", TESTING)
            else "django_tasks_rq.RQBackend"
            if DVCTT_TASKS == "rq"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": DVCTT_TASK_QUEUES,
    }
}
if DVCTT_TASKS == "rq":
    INSTALLED_APPS.append("django_rq")
# A web request must not hang on an unreachable Redis: connect within 2 s (then the task goes to the spool).
_redis_url = DVCTT_REDIS_URL + (
    ""
    if "socket_connect_timeout" in DVCTT_REDIS_URL
    else ("&" if "?" in DVCTT_REDIS_URL else "?") + "socket_connect_timeout=2"
)
RQ_QUEUES = {name: {"URL": _redis_url, "DEFAULT_TIMEOUT": 600} for name in DVCTT_TASK_QUEUES}
RQ = {"QUEUE_CLASS": "dvctt.taskspool.rq.Queue"}
# A job that raised, or whose worker died, runs again this many times (the intervals in seconds between tries);
# a running job silent this long (no heartbeat: its worker killed) is abandoned; workers' maintenance rhythm.
DVCTT_TASKS_RQ_RETRIES = int(os.environ.get("DVCTT_TASKS_RQ_RETRIES", "3"))
DVCTT_TASKS_RQ_RETRY_INTERVALS = [
    int(x) for x in os.environ.get("DVCTT_TASKS_RQ_RETRY_INTERVALS", "10,60,300").split(",") if x.strip()
]
DVCTT_TASKS_RQ_ABANDONED_SECONDS = int(os.environ.get("DVCTT_TASKS_RQ_ABANDONED_SECONDS", "60"))
DVCTT_TASKS_RQ_MAINTENANCE_SECONDS = int(os.environ.get("DVCTT_TASKS_RQ_MAINTENANCE_SECONDS", "60"))

REST_FRAMEWORK = {
    # The platform-wide errors (400, 403, 404, 503) and date ranges in every operation (dvctt/common/openapi.py).
    "DEFAULT_SCHEMA_CLASS": "dvctt.common.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "dvctt.common.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "dvctt.common.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min", "anon": "120/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DVCTT API",
    "DESCRIPTION": "Online public services and plan steering for a Vietnamese province.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Stable names for choice sets that share a field name (status, channel, level, …) across components.
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "dvctt.dossiers.states.Status",
        "DossierChannelEnum": "dvctt.dossiers.states.Channel",
        "PaymentChannelEnum": "dvctt.dossiers.states.PaymentChannel",
        "DossierOutcomeEnum": "dvctt.dossiers.models.Outcome",
        "ApplicantTypeEnum": "dvctt.dossiers.models.ApplicantType",
        "UnitLevelEnum": "dvctt.agencies.models.UnitLevel",
    },
}

# Database sessions whose row names the signed-in account: one query reads both (dvctt/accounts/sessions.py).
SESSION_ENGINE = "dvctt.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DVCTT_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Logs (docs/operations.md, "Logs"): "text" for development, "json" (one object a line, with the request id) for
# the province's log collector.
DVCTT_LOG_FORMAT = os.environ.get("DVCTT_LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal_data": {"()": "dvctt.common.masking.MaskPersonalDataFilter"},
        "request_context": {"()": "dvctt.common.request_id.RequestContextFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "dvctt.common.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if DVCTT_LOG_FORMAT == "json" else "plain",
            "filters": ["request_context", "mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DVCTT_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Working hours of the one-stop units (domain.md §5); each pair is a working period of the day.
DVCTT_WORKING_PERIODS = os.environ.get("DVCTT_WORKING_PERIODS", "07:00-11:30,13:30-17:00")

# The outbox (dvctt/outbox): messages to outside systems, sent by `dvctt outbox_send --loop` (docs/national-portal.md).
DVCTT_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("DVCTT_OUTBOX_MAX_ATTEMPTS", "8"))
DVCTT_OUTBOX_BACKOFF_SECONDS = float(os.environ.get("DVCTT_OUTBOX_BACKOFF_SECONDS", "10"))
DVCTT_OUTBOX_BACKOFF_MAX_SECONDS = float(os.environ.get("DVCTT_OUTBOX_BACKOFF_MAX_SECONDS", "3600"))
DVCTT_OUTBOX_LEASE_SECONDS = float(os.environ.get("DVCTT_OUTBOX_LEASE_SECONDS", "300"))
DVCTT_OUTBOX_BATCH = int(os.environ.get("DVCTT_OUTBOX_BATCH", "100"))

# Sync to the National Public Service Portal (spec/national-portal.md §1): "" (off), "adapter" or "gateway".
DVCTT_NATIONAL_PORTAL_TRANSPORT = os.environ.get("DVCTT_NATIONAL_PORTAL_TRANSPORT", "")
DVCTT_NATIONAL_PORTAL_ADAPTER_URL = os.environ.get("DVCTT_NATIONAL_PORTAL_ADAPTER_URL", "")
DVCTT_NATIONAL_PORTAL_LOGIN_URL = os.environ.get("DVCTT_NATIONAL_PORTAL_LOGIN_URL", "")
DVCTT_NATIONAL_PORTAL_USERNAME = os.environ.get("DVCTT_NATIONAL_PORTAL_USERNAME", "")
DVCTT_NATIONAL_PORTAL_PASSWORD = os.environ.get("DVCTT_NATIONAL_PORTAL_PASSWORD", "")
DVCTT_NATIONAL_PORTAL_UNIT_CODE = os.environ.get("DVCTT_NATIONAL_PORTAL_UNIT_CODE", "")
DVCTT_NATIONAL_PORTAL_DSTCODE = os.environ.get("DVCTT_NATIONAL_PORTAL_DSTCODE", "")
DVCTT_NATIONAL_PORTAL_TOKEN_URL = os.environ.get("DVCTT_NATIONAL_PORTAL_TOKEN_URL", "")
DVCTT_NATIONAL_PORTAL_CLIENT_ID = os.environ.get("DVCTT_NATIONAL_PORTAL_CLIENT_ID", "")
DVCTT_NATIONAL_PORTAL_CLIENT_SECRET = os.environ.get("DVCTT_NATIONAL_PORTAL_CLIENT_SECRET", "")
DVCTT_NATIONAL_PORTAL_CREATE_URL = os.environ.get("DVCTT_NATIONAL_PORTAL_CREATE_URL", "")
DVCTT_NATIONAL_PORTAL_UPDATE_URL = os.environ.get("DVCTT_NATIONAL_PORTAL_UPDATE_URL", "")
DVCTT_NATIONAL_PORTAL_PROGRESS_URL = os.environ.get("DVCTT_NATIONAL_PORTAL_PROGRESS_URL", "")
DVCTT_NATIONAL_PORTAL_LOOKUP_URL = os.environ.get("DVCTT_NATIONAL_PORTAL_LOOKUP_URL", "")
# The gateway transport's catalogue operations ("{code}" in the detail URL is the procedure's national code).
DVCTT_NATIONAL_PORTAL_CATALOGUE_URL = os.environ.get("DVCTT_NATIONAL_PORTAL_CATALOGUE_URL", "")
DVCTT_NATIONAL_PORTAL_CATALOGUE_DETAIL_URL = os.environ.get("DVCTT_NATIONAL_PORTAL_CATALOGUE_DETAIL_URL", "")
DVCTT_NATIONAL_PORTAL_TIMEOUT = float(os.environ.get("DVCTT_NATIONAL_PORTAL_TIMEOUT", "15"))
# Records and progress steps sent per call (1 = one per call, if the province's gateway refuses lists).
DVCTT_NATIONAL_PORTAL_RECORD_BATCH = int(os.environ.get("DVCTT_NATIONAL_PORTAL_RECORD_BATCH", "10"))
DVCTT_NATIONAL_PORTAL_PROGRESS_BATCH = int(os.environ.get("DVCTT_NATIONAL_PORTAL_PROGRESS_BATCH", "10"))
# Messages a second one sender may send (0 = no cap): protects the pages while a long backlog drains.
DVCTT_OUTBOX_MAX_RATE = float(os.environ.get("DVCTT_OUTBOX_MAX_RATE", "0"))
# 30 days: the portal fetches file links some time after they are sent.
DVCTT_NATIONAL_PORTAL_LINK_MAX_AGE = int(os.environ.get("DVCTT_NATIONAL_PORTAL_LINK_MAX_AGE", "2592000"))
# Messages the national portal pushes (docs/national-portal.md, "Inbound messages"): auth "hmac", "bearer", "any", "both".
DVCTT_NATIONAL_INBOUND_AUTH = os.environ.get("DVCTT_NATIONAL_INBOUND_AUTH", "hmac")
DVCTT_NATIONAL_INBOUND_SECRETS = env_list("DVCTT_NATIONAL_INBOUND_SECRETS")
DVCTT_NATIONAL_INBOUND_TOKENS = env_list("DVCTT_NATIONAL_INBOUND_TOKENS")
DVCTT_NATIONAL_INBOUND_ALLOWED_IPS = env_list("DVCTT_NATIONAL_INBOUND_ALLOWED_IPS")
DVCTT_NATIONAL_INBOUND_MAX_SKEW = int(os.environ.get("DVCTT_NATIONAL_INBOUND_MAX_SKEW", "300"))
DVCTT_NATIONAL_INBOUND_MAX_BYTES = int(os.environ.get("DVCTT_NATIONAL_INBOUND_MAX_BYTES", "1048576"))
DVCTT_NATIONAL_INBOUND_MAX_DEPTH = int(os.environ.get("DVCTT_NATIONAL_INBOUND_MAX_DEPTH", "12"))
DVCTT_NATIONAL_INBOUND_MAX_FILES = int(os.environ.get("DVCTT_NATIONAL_INBOUND_MAX_FILES", "20"))
DVCTT_NATIONAL_INBOUND_FILE_TIMEOUT = float(os.environ.get("DVCTT_NATIONAL_INBOUND_FILE_TIMEOUT", "10"))
DVCTT_NATIONAL_INBOUND_FILE_HOSTS = env_list("DVCTT_NATIONAL_INBOUND_FILE_HOSTS")
DVCTT_NATIONAL_INBOUND_SUBMIT_PROCEDURES = env_list("DVCTT_NATIONAL_INBOUND_SUBMIT_PROCEDURES")
DVCTT_NATIONAL_INBOUND_ACCOUNT = os.environ.get("DVCTT_NATIONAL_INBOUND_ACCOUNT", "")

# Sign-in with the national account, DVCQG / VNeID (spec/national-portal.md §3; docs/identity.md). Off until a
# client id and the issuer (or the authorize, token and JWKS URLs) are set; the endpoints are unconfirmed.
DVCTT_IDENTITY_ISSUER = os.environ.get("DVCTT_IDENTITY_ISSUER", "")
DVCTT_IDENTITY_AUTHORIZE_URL = os.environ.get("DVCTT_IDENTITY_AUTHORIZE_URL", "")
DVCTT_IDENTITY_TOKEN_URL = os.environ.get("DVCTT_IDENTITY_TOKEN_URL", "")
DVCTT_IDENTITY_USERINFO_URL = os.environ.get("DVCTT_IDENTITY_USERINFO_URL", "")
DVCTT_IDENTITY_JWKS_URL = os.environ.get("DVCTT_IDENTITY_JWKS_URL", "")
DVCTT_IDENTITY_CLIENT_ID = os.environ.get("DVCTT_IDENTITY_CLIENT_ID", "")
DVCTT_IDENTITY_CLIENT_SECRET = os.environ.get("DVCTT_IDENTITY_CLIENT_SECRET", "")
DVCTT_IDENTITY_SCOPE = os.environ.get("DVCTT_IDENTITY_SCOPE", "openid")
DVCTT_IDENTITY_ACR_VALUES = os.environ.get("DVCTT_IDENTITY_ACR_VALUES", "LoA1")
DVCTT_IDENTITY_TIMEOUT = float(os.environ.get("DVCTT_IDENTITY_TIMEOUT", "10"))
# The hooks through which the accounts pages reach the adapter (accounts does not import integrations).
DVCTT_NATIONAL_SIGN_IN_URLCONF = "dvctt.integrations.identity.urls"
DVCTT_NATIONAL_SIGN_IN_URL = "dvctt.integrations.identity.views.sign_in_url"

# The national payment platform, PayGov (spec/national-portal.md §2, docs/payments.md "PayGov"): off while the URL,
# partner code or secret is empty. Which procedures or units pay through it: admin, "Cấu hình cổng thanh toán".
DVCTT_PAYGOV_URL = os.environ.get("DVCTT_PAYGOV_URL", "")
DVCTT_PAYGOV_PARTNER = os.environ.get("DVCTT_PAYGOV_PARTNER", "")
DVCTT_PAYGOV_SECRET = os.environ.get("DVCTT_PAYGOV_SECRET", "")
DVCTT_PAYGOV_CHANNEL = os.environ.get("DVCTT_PAYGOV_CHANNEL", "WEB")
DVCTT_PAYGOV_DEVICE = os.environ.get("DVCTT_PAYGOV_DEVICE", "DESKTOP")
DVCTT_PAYGOV_BANK = os.environ.get("DVCTT_PAYGOV_BANK", "")
DVCTT_PAYGOV_TIMEOUT = float(os.environ.get("DVCTT_PAYGOV_TIMEOUT", "15"))
DVCTT_PAYGOV_SETTLE_AFTER_MINUTES = int(os.environ.get("DVCTT_PAYGOV_SETTLE_AFTER_MINUTES", "15"))
DVCTT_PAYGOV_SETTLE_BATCH = int(os.environ.get("DVCTT_PAYGOV_SETTLE_BATCH", "200"))

# Signed electronic results (docs/signing.md): issue results whose signature is not valid unless a procedure's
# policy says otherwise; revocation is not fetched (closed networks) and soft-fails; agency keys for server signing
# as JSON {"UNITCODE": {"pkcs12": path, "password_env": "VAR"}} (or {"pkcs11": {...}}).
DVCTT_SIGNING_ALLOW_UNSIGNED = env_bool("DVCTT_SIGNING_ALLOW_UNSIGNED", True)
DVCTT_SIGNING_FETCH_REVOCATION = env_bool("DVCTT_SIGNING_FETCH_REVOCATION", False)
DVCTT_SIGNING_REVOCATION_MODE = os.environ.get("DVCTT_SIGNING_REVOCATION_MODE", "soft-fail")
DVCTT_SIGNING_KEYS = os.environ.get("DVCTT_SIGNING_KEYS", "")  # JSON text, or a dict in a settings override
# The dossier API's result files carry their signature verdicts, read from the signing app (a layer above).
DVCTT_RESULT_SIGNATURES = "dvctt.integrations.signing.selectors.result_signature_facts"

# Security (docs/configuration.md, "Security"): HSTS once cookies are secure (HTTPS only), the Content-Security-
# Policy (dvctt/common/security_headers.py), bounds on odd input (dvctt/common/request_guard.py), the public
# tracking limit per address (dvctt/common/throttle.py), no identification number in the request logs.
SECURE_HSTS_SECONDS = int(os.environ.get("DVCTT_HSTS_SECONDS", "31536000")) if SESSION_COOKIE_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DVCTT_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DVCTT_HSTS_PRELOAD", False)
if env_bool("DVCTT_BEHIND_TLS_PROXY", False):
    # Only when the reverse proxy terminates TLS and sets (never passes through) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DVCTT_CSP = os.environ.get("DVCTT_CSP", "")  # empty: the built-in policy (same origin, no inline code)
DVCTT_CSP_REPORT_ONLY = env_bool("DVCTT_CSP_REPORT_ONLY", False)
DVCTT_CSP_RELAXED_PATHS = env_list("DVCTT_CSP_RELAXED_PATHS", "/api/v1/docs/")
DVCTT_JSON_MAX_DEPTH = int(os.environ.get("DVCTT_JSON_MAX_DEPTH", "32"))
DVCTT_DATE_MIN_YEAR = int(os.environ.get("DVCTT_DATE_MIN_YEAR", "1900"))
DVCTT_DATE_MAX_YEAR = int(os.environ.get("DVCTT_DATE_MAX_YEAR", "2100"))
# Seconds a client is asked to wait (Retry-After) when the database is unreachable (dvctt/common/db_unavailable.py).
DVCTT_DB_RETRY_AFTER = int(os.environ.get("DVCTT_DB_RETRY_AFTER", "5"))
DVCTT_TRACK_THROTTLE_LIMIT = int(os.environ.get("DVCTT_TRACK_THROTTLE_LIMIT", "30"))
DVCTT_TRACK_THROTTLE_WINDOW = int(os.environ.get("DVCTT_TRACK_THROTTLE_WINDOW", "60"))
# Reverse proxies in front of the web processes that append the client's address to X-Forwarded-For (0: none).
DVCTT_PROXY_COUNT = int(os.environ.get("DVCTT_PROXY_COUNT", "0"))
# /metrics (docs/operations.md, "Metrics"): answered to these addresses (or networks), or to a bearer token; 404 to
# anyone else. DVCTT_METRICS_REQUIRE_BOTH=1 asks for both.
DVCTT_METRICS_ALLOWED_IPS = env_list("DVCTT_METRICS_ALLOWED_IPS", "127.0.0.1,::1")
DVCTT_METRICS_TOKEN = os.environ.get("DVCTT_METRICS_TOKEN", "")
DVCTT_METRICS_REQUIRE_BOTH = env_bool("DVCTT_METRICS_REQUIRE_BOTH", False)
# runserver's request lines go through the masking console handler too (gunicorn: gunicorn.conf.py).
LOGGING["loggers"]["django.server"] = {"handlers": ["console"], "level": "INFO", "propagate": False}  # type: ignore[index]
