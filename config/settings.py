"""Waypoint settings: one file, read from the environment, safe by default.

Production needs SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see README). Development sets
WAYPOINT_DEV=1 (done by `make run`): DEBUG, a throwaway secret, the console mailer.
"""

import datetime
import importlib.util
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEV = env.bool("WAYPOINT_DEV", default=False)
DEBUG = env.bool("DEBUG", default=DEV)

if DEV:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Set SECRET_KEY to a random string of at least 50 characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(64))"), '
            "or set WAYPOINT_DEV=1 for local development."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEV else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # "2 hours ago" on the notifications page
    "django_htmx",
    "template_partials",
    "simple_history",
    "csp",
    "axes",  # failed-login throttling (after django.contrib.auth: it reads its signals)
    "ninja",  # serves the API docs page's Swagger UI from its own static files (no CDN)
    "accounts",
    "lifecycle",
    "demos",
    "api",
    "backups",  # export_portfolio / import_portfolio: reads every app above, imported by none
]
if DEV and importlib.util.find_spec("devdata"):
    # The demo portfolio and `manage.py seed_demo`: development only, so neither the package nor
    # the image has it (the image with WAYPOINT_DEV=1 still starts, without seed_demo).
    INSTALLED_APPS.append("devdata")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into our lock page (see AXES_*).
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lifecycle.context_processors.navigation",
                "accounts.context_processors.notifications",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# SQLite is the embedded default; DATABASE_URL (postgres://...) switches to PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during a write; IMMEDIATE takes the write lock up front so two
    # writers queue on the busy timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # A database that does not answer (a network partition, a host that is gone) fails a
    # request, and /healthz, within this many seconds instead of the driver's own minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=2
    )
# Reuse connections across requests: opening one costs about a quarter of a small API write.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# AxesStandaloneBackend only refuses a locked-out login (it authenticates nobody), so it comes
# first; ModelBackend then checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2 (argon2-cffi) hashes new passwords; the PBKDF2 hashes stored before it still verify,
# and Django rewrites each with Argon2 at that person's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "lifecycle:home"
LOGOUT_REDIRECT_URL = "login"

# --- Failed logins (django-axes, database handler: works on SQLite and PostgreSQL alike).
# Each parameter is its own lock: AXES_FAILURE_LIMIT failures for one account (from anywhere),
# or from one address (against any accounts), lock that account, or that address, for
# AXES_COOLOFF_TIME. Every attempt while locked counts as a failure and starts the wait again,
# so "try again in 15 minutes" is exact when it is shown. A correct password for another
# account from another address still works.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# The lock is shown on the login page itself (our template, status 429), not axes' plain page.
AXES_LOCKOUT_CALLABLE = "accounts.views.login_lock.login_locked"
# The client's address, from X-Forwarded-For when TRUSTED_PROXY_COUNT proxies are in front
# (else every login would share the proxy's address, and one lock would shut everyone out).
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Not axes' AXES_RESET_ON_SUCCESS: it also clears the failures recorded against the address, so
# someone guessing another account's password could log in to their own between guesses and
# never be locked. accounts.signals clears only the account's own failures on a login.
AXES_RESET_ON_SUCCESS = False
# Bad API tokens are throttled the same way, by address (api/throttle.py).
API_TOKEN_FAILURE_LIMIT = env.int("API_TOKEN_FAILURE_LIMIT", default=AXES_FAILURE_LIMIT)
API_TOKEN_COOLOFF_TIME = AXES_COOLOFF_TIME

# The cache holds the API's bad-token counts. In-process memory by default (each web process
# counts on its own); CACHE_URL=redis://host:6379/1 shares the counts between processes.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEV
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded model outputs: a million rows of id, score and two short texts is about 60 MB.
DEMO_MAX_UPLOAD_BYTES = env.int("DEMO_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)

# Mail: console in development, SMTP (EMAIL_URL=smtp://user:pass@host:587) in production.
if DEV:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="waypoint@localhost")
# Where people reach the app: links in emails are built from it.
_default_base_url = (
    "http://127.0.0.1:8000" if DEV else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}"
)
BASE_URL = env.str("BASE_URL", default=_default_base_url).rstrip("/")

# Security headers. HTTPS settings default on outside development.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEV)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A probe inside the container speaks plain HTTP to /healthz (config/healthz.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEV
CSRF_COOKIE_SECURE = not DEV
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEV else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEV
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading commits the whole registrable domain to HTTPS and is slow to undo, so it stays
# opt-in; silence the check --deploy reminder (W021) about leaving it off.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Our pages hand the CSRF token to htmx and forms from the template, so no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
# Lax (Django's default, said here so the tests hold it): the cookies go with top-level links
# into the app, never with a cross-site POST, image or frame.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A refused form says what happened and what to do, in the app's own page (config/errors.py).
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# A strict CSP: only our own static files run; no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

# Celery: with REDIS_URL tasks go to the broker; without it they run in-process (eager).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Long jobs are idempotent: a message is acknowledged when the task ends, not when it starts,
# so a lost worker's job goes to another one; a worker holds one message per process (prefetch
# = processes x 1), so no job waits behind a long one while another worker is idle.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task has a time limit; a task may set longer ones (demos.tasks.process_upload). The soft
# limit raises in the task, which marks its job failed; the hard one kills it.
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
# Redis redelivers an unacknowledged message after the visibility timeout: it must exceed the
# longest task's hard time limit, or a job still running would start a second time
# (tests/test_broker_down.py holds every registered task to this). The socket timeouts bound
# every Redis command, so a web request that queues a job cannot hang on a dead Redis; the
# worker's blocking reads wait 1 s (kombu's brpop_timeout), inside them.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
# A publish tries twice, 0.2 s apart: with Redis refusing connections the web request learns
# it in well under a second; with Redis hung, in about 2 x socket_timeout (4.2 s).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Chores (config.jobs.chore_send) run in-process without a broker at most this often each.
CHORES_IN_PROCESS_EVERY = env.float("CHORES_IN_PROCESS_EVERY", default=5.0)
# The ping before queueing a job (config/jobs.py) and /healthz's broker check.
BROKER_PING_TIMEOUT = env.float("BROKER_PING_TIMEOUT", default=1.0)
CELERY_TIMEZONE = TIME_ZONE
# How often the monitoring checks run (quiet series, breaches, stale models, drift).
MONITORING_EVERY_MINUTES = env.int("MONITORING_EVERY_MINUTES", default=15)
CELERY_BEAT_SCHEDULE = {
    "overdue-stage-reminders": {
        "task": "lifecycle.tasks.send_overdue_stage_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "monitoring-checks": {
        "task": "lifecycle.tasks.run_monitoring",
        "schedule": datetime.timedelta(minutes=MONITORING_EVERY_MINUTES),
    },
}

# --- Weekly digests (lifecycle.services.digests): the weekday (0 = Monday) and hour they go out.
DIGEST_WEEKDAY = env.int("DIGEST_WEEKDAY", default=0)
DIGEST_HOUR = env.int("DIGEST_HOUR", default=8)
# A digest claimed this long ago and still not sent is taken to be a dead worker's, and sent again.
DIGEST_RECLAIM_SECONDS = env.int("DIGEST_RECLAIM_SECONDS", default=600)
CELERY_BEAT_SCHEDULE["weekly-digests"] = {
    "task": "lifecycle.tasks.send_weekly_digests",
    # crontab counts days from Sunday = 0; DIGEST_WEEKDAY from Monday = 0, like Python.
    "schedule": crontab(minute=0, hour=DIGEST_HOUR, day_of_week=(DIGEST_WEEKDAY + 1) % 7),
}

# --- Weekly log reminders (lifecycle.services.reminders): editors of an active project with no
# log entry for the current ISO week are reminded once, from this weekday (0 = Monday; default
# Thursday) at this hour (in TIME_ZONE), in-app and by email.
LOG_REMINDER_WEEKDAY = env.int("LOG_REMINDER_WEEKDAY", default=3)
LOG_REMINDER_HOUR = env.int("LOG_REMINDER_HOUR", default=9)
if LOG_REMINDER_WEEKDAY not in range(7) or LOG_REMINDER_HOUR not in range(24):
    raise ImproperlyConfigured(
        "LOG_REMINDER_WEEKDAY is a weekday from 0 (Monday) to 6 (Sunday) and LOG_REMINDER_HOUR "
        "an hour from 0 to 23."
    )
CELERY_BEAT_SCHEDULE["weekly-log-reminders"] = {
    "task": "lifecycle.tasks.send_log_reminders",
    # crontab counts days from Sunday = 0; LOG_REMINDER_WEEKDAY from Monday = 0, like Python.
    "schedule": crontab(
        minute=0, hour=LOG_REMINDER_HOUR, day_of_week=(LOG_REMINDER_WEEKDAY + 1) % 7
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
