"""Fasttrack settings: one module, configured from the environment.

Every value that differs between a laptop and production comes from an
environment variable read through the typed helpers in ``fasttrack.env``; the
defaults are those of the embedded demo (SQLite in ``var/``). See README.md,
"Configuration", for the full list.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import django_stubs_ext
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from fasttrack.db import database_settings
from fasttrack.env import ConfigurationError, env_bool, env_int, env_list, env_str, env_url

# Lets generic classes such as ModelAdmin[Employer] work at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FASTTRACK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-only-for-debug")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 32:
        raise ConfigurationError("SECRET_KEY must be at least 32 characters when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's administration on the operators-only site (fasttrack/web/admin_site.py).
    "fasttrack.web.apps.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_otp",
    # django-otp's TOTP devices, with a Danish name (fasttrack/login/apps.py).
    "fasttrack.login.apps.AuthenticatorAppsConfig",
    "djangosaml2",
    "fasttrack.formats",
    "fasttrack.login",
    "fasttrack.people",
    "fasttrack.audit",
    "fasttrack.cases",
    "fasttrack.medical",
    "fasttrack.meetings",
    "fasttrack.plans",
    "fasttrack.documents",
    "fasttrack.notifications",
    "fasttrack.reports",
    "fasttrack.api",
    "fasttrack.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Response headers, the API's URL limit and the 503 for a database outage
    # (fasttrack/middleware.py); ahead of everything that may use the database.
    "fasttrack.middleware.SecurityHeadersMiddleware",
    # Outside every middleware that may answer early (the code step's redirect),
    # so that those answers carry the header too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "fasttrack.api.middleware.ApiUrlLengthMiddleware",
    "fasttrack.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fasttrack.web.middleware.DanishFirstLocaleMiddleware",
    # The API's body limit and NUL check, in the caller's language.
    "fasttrack.api.middleware.ApiBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fasttrack.web.middleware.StaffSessionLimitsMiddleware",
    "fasttrack.web.middleware.SecondFactorMiddleware",
    # NemLog-in's answer is a cross-site POST, which the Lax session cookie
    # does not follow; djangosaml2 keeps the login's state in a cookie of its own.
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

if not DEBUG:
    # In production whitenoise serves the collected static files (collectstatic
    # into STATIC_ROOT); in development Django's staticfiles serves them. Ahead
    # of SecurityHeadersMiddleware, so static files keep their long cache.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "fasttrack.urls"
WSGI_APPLICATION = "fasttrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fasttrack.web.context_processors.membership",
            ],
        },
    },
]

# --- Database, with the limits that keep an outage from hanging requests ------
# The embedded default keeps `make run` free of any server; production sets
# DATABASE_URL to PostgreSQL. A database that refuses connections or never
# answers costs a request at most the connect timeout and answers 503 with
# Retry-After (fasttrack.db, fasttrack.middleware; docs/operations.md).
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fasttrack.sqlite3'}")
DATABASES = {
    "default": database_settings(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        connect_timeout=env_int("DATABASE_CONNECT_TIMEOUT", 5),
        statement_timeout=env_int("DATABASE_STATEMENT_TIMEOUT", 20),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every way in counts failed logins from the access log and refuses a blocked
# account: passwords here, NemLog-in in fasttrack.login.saml, API tokens in
# fasttrack.api.tokens.
AUTHENTICATION_BACKENDS = [
    "fasttrack.login.backends.PasswordBackend",
    "fasttrack.login.saml.NemLogInBackend",
]
# RULES.md R-25: 3 failed logins within 24 hours block the account for a while.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 3)
LOGIN_FAILURE_WINDOW_HOURS = env_int("LOGIN_FAILURE_WINDOW_HOURS", 24)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 60)

# Jobcentre staff, doctors and operators log in with a second factor (TOTP) and
# their sessions end after 30 idle minutes or 12 hours (fasttrack.login.policy).
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)
STAFF_SESSION_MAX_SECONDS = env_int("STAFF_SESSION_MAX_SECONDS", 12 * 60 * 60)
OTP_TOTP_ISSUER = "Fasttrack"
# The administration shows no TOTP keys or QR codes of other users' apps.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:start"
LOGOUT_REDIRECT_URL = "web:login"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Copenhagen")
USE_I18N = True
USE_TZ = env_bool("USE_TZ", True)
LANGUAGE_COOKIE_NAME = "fasttrack_language"
# One date format per language (fasttrack/formats): "6. december 2026", "6 December 2026".
FORMAT_MODULE_PATH = ["fasttrack.formats"]
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# DKFDS and htmx come from the npm registry (package-lock.json) and are served
# from node_modules, never copied into the repository.
STATICFILES_DIRS = [
    ("dkfds", BASE_DIR / "node_modules" / "dkfds" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
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

# E-mail: the console in development, SMTP in production.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Fasttrack <noreply@fasttrack.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Shorter than OUTBOX_STALE_AFTER_SECONDS, so a hung SMTP server cannot make
# a message look abandoned while it is still being sent.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Letters and messages (docs/operations.md). A channel switched off keeps its
# messages queued until it is switched on again; nothing is lost.
USE_EMAIL = env_bool("USE_EMAIL", True)
USE_DIGITAL_POST = env_bool("USE_DIGITAL_POST", True)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 60)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 6 * 60 * 60)
OUTBOX_STALE_AFTER_SECONDS = env_int("OUTBOX_STALE_AFTER_SECONDS", 300)
OUTBOX_RECOVERY_INTERVAL_SECONDS = env_int("OUTBOX_RECOVERY_INTERVAL_SECONDS", 60)
# How old the counts behind the statistics across municipalities may grow before the
# worker counts them again (``reports.snapshot``).
STATISTICS_REFRESH_SECONDS = env_int("STATISTICS_REFRESH_SECONDS", 15 * 60)
OUTBOX_WORKER_BATCH_SIZE = env_int("OUTBOX_WORKER_BATCH_SIZE", 50)
OUTBOX_WORKER_BATCH_SECONDS: float = env_int("OUTBOX_WORKER_BATCH_SECONDS", 1)
DIGITAL_POST_TRANSPORT = env_str(
    "DIGITAL_POST_TRANSPORT",
    "fasttrack.notifications.channels.digital_post.FakeDigitalPostTransport",
)
DIGITAL_POST_SENDER_ID = env_str("DIGITAL_POST_SENDER_ID", "")
DIGITAL_POST_SENDER_ID_TYPE = env_str("DIGITAL_POST_SENDER_ID_TYPE", "CVR")
DIGITAL_POST_SENDER_LABEL = env_str("DIGITAL_POST_SENDER_LABEL", "Jobcenter")

# Who a CPR number is: a class with ``lookup(cpr)``. The embedded default
# answers from the persons Fasttrack holds and those loaded with
# ``fasttrack import_citizens``; docs/operations.md says how a production
# register plugs in.
CITIZEN_REGISTER = env_str("CITIZEN_REGISTER", "fasttrack.people.register.LocalRegister")


def _derived_key(purpose: str) -> bytes:
    """A development-only key derived from SECRET_KEY, separated by purpose."""
    return hashlib.sha256(f"fasttrack:{purpose}:{SECRET_KEY}".encode()).digest()


# CPR numbers are encrypted at rest (Fernet; several keys allow rotation, the
# first encrypts) and found through a keyed hash (RULES.md R-29).
if DEBUG:
    CPR_ENCRYPTION_KEYS = env_list(
        "CPR_ENCRYPTION_KEYS", [base64.urlsafe_b64encode(_derived_key("cpr-encryption")).decode()]
    )
    CPR_HASH_KEY = env_str("CPR_HASH_KEY", _derived_key("cpr-hash").hex())
else:
    CPR_ENCRYPTION_KEYS = env_list("CPR_ENCRYPTION_KEYS", [])
    CPR_HASH_KEY = env_str("CPR_HASH_KEY")
    if not CPR_ENCRYPTION_KEYS:
        raise ConfigurationError("CPR_ENCRYPTION_KEYS is required when DEBUG is off.")

# Where people reach Fasttrack: letters, e-mails and inbox messages link to its
# pages with this address, so a letter's link works wherever it is read.
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000") if DEBUG else env_url("SITE_URL")

# Behind a TLS-terminating load balancer, set SECURE_PROXY_SSL_HEADER_NAME
# (for example HTTP_X_FORWARDED_PROTO).
_proxy_header = env_str("SECURE_PROXY_SSL_HEADER_NAME", "")
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)

# --- HTTPS and response headers (docs/operations.md) --------------------------
# `check --deploy --fail-level WARNING` passes with the environment in
# docs/operations.md plus the two HSTS flags (.ci/run checks it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The load balancer's health check asks over plain HTTP, behind the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Nothing inline: scripts, styles, fonts and images come from our own static
# files (DKFDS and htmx included), so neither 'unsafe-inline' nor 'unsafe-eval'
# is needed. Swagger UI's stylesheet and the admin's icons use data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# NemLog-in / MitID (OIOSAML 3) for citizens and employers, through djangosaml2
# (docs/operations.md, "NemLog-in"). Off unless USE_SAML is set.
USE_SAML = env_bool("USE_SAML", False)
SAML_MINIMUM_LOA = env_str("SAML_MINIMUM_LOA", "Substantial")
SAML_CONFIG: dict[str, object] = {}
if USE_SAML:
    from fasttrack.login.saml_config import sp_config

    SAML_CONFIG = sp_config(
        entity_id=env_str("SAML_SP_ENTITY_ID"),
        base_url=env_str("SAML_BASE_URL"),
        idp_metadata_file=env_str("SAML_IDP_METADATA_FILE"),
        key_file=env_str("SAML_KEY_FILE"),
        cert_file=env_str("SAML_CERT_FILE"),
        minimum_loa=SAML_MINIMUM_LOA,
        xmlsec_binary=env_str("SAML_XMLSEC_BINARY", "/usr/bin/xmlsec1"),
        organisation=env_str("SAML_ORGANISATION_NAME", "Fasttrack"),
        contact_email=env_str("SAML_CONTACT_EMAIL", ""),
    )
# Fasttrack maps the assertion to a user itself (fasttrack.login.saml).
SAML_CREATE_UNKNOWN_USER = False
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_ATTRIBUTE_MAPPING: dict[str, tuple[str, ...]] = {}
SAML_SESSION_COOKIE_NAME = "fasttrack_saml"
# The login is sent to NemLog-in by redirect, never by a self-submitting form,
# so no Content-Security-Policy exception is needed.
SAML_CSP_HANDLER = ""
SAML_IGNORE_LOGOUT_ERRORS = True

# Extra directories with versioned rule sets (TOML) beside the shipped ones.
FASTTRACK_RULESET_DIRS = [Path(p) for p in env_list("FASTTRACK_RULESET_DIRS", [])]

# Django's cache: each process's memory, or Redis (REDIS_URL) shared by all.
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# The API (docs/api.md).
# --- Rate limit: one atomic counter per token that every process shares -----
# (fasttrack/api/throttling.py): in Redis when REDIS_URL is set, else in the
# database. Installations sharing one Redis keep apart by this key prefix.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "600/min")
API_RATE_LIMIT_KEY_PREFIX = "fasttrack"
# The change feed gives events at least this old, so one committed late is not skipped.
API_EVENT_FEED_SETTLE_SECONDS = env_int("API_EVENT_FEED_SETTLE_SECONDS", 2)
# The largest request body (API and forms). The largest valid JSON batch
# (fasttrack.cases.batch.MAX_JSON_REQUESTS items with every text at its
# longest, every character escaped as \uXXXX) fits below it; a larger body is
# 413 problem+json in the API (fasttrack.api.middleware.ApiBodyMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background jobs: django-tasks with its database backend, so workers claim
# jobs with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL and the embedded
# SQLite default needs no broker.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# RULES.md R-25: the access log is kept 6 months by default.
ACCESS_LOG_RETENTION_DAYS = env_int("ACCESS_LOG_RETENTION_DAYS", 183)
# RULES.md R-31: an ended case is kept this many whole years after the year it
# ended, then erased by `fasttrack purge` (5 is assumed; set the archive's period).
CLOSED_CASE_RETENTION_YEARS = env_int("CLOSED_CASE_RETENTION_YEARS", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Both write the SAML assertion (CPR number included) into their
        # debug and some warning lines; Fasttrack logs the outcome itself.
        "saml2": {"level": "ERROR"},
        "djangosaml2": {"level": "ERROR"},
        # pysaml2 loads XML schemas at import time and says so at INFO.
        "xmlschema": {"level": "WARNING"},
        # WeasyPrint and the font subsetter narrate every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
