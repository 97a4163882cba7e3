"""Django settings for Doorstep.

Every setting that an operator may change is read from the environment and documented in
docs/configuration.md. The defaults run the embedded set-up: SQLite, local files, the local
SMS outbox and the database task queue, all under DOORSTEP_DATA_DIR.
"""

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured

from doorstep.core import keyfiles

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
DATA_DIR = Path(os.environ.get("DOORSTEP_DATA_DIR", REPO_DIR / "var"))
# Only this account may read the data folder: the database, keys, checkpoints and the cache.
keyfiles.private_folder(DATA_DIR)


def _secret_key() -> str:
    """SECRET_KEY from the environment. Only with DEBUG on (`make run`) may a random key be
    kept in the data folder instead: a live server has one key, shared by every machine, never
    a key of its own made on first start."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it (the same on every machine; see "
            "deploy/production.env.example), or set DEBUG=1 on a machine for trying Doorstep."
        )
    return keyfiles.secret_file(DATA_DIR / "secret_key", nbytes=50)


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Proxies in front of Doorstep (docs/deployment.md): how many there are ("1" for nginx alone), or
# their addresses and networks. Only through them is the visitor's address read from
# X-Forwarded-For (core/clients.py); empty, the header is ignored and every limit per address
# counts the connection's address.
_trusted_proxies = os.environ.get("TRUSTED_PROXIES", "").strip()
TRUSTED_PROXIES = (
    int(_trusted_proxies) if _trusted_proxies.isdigit() else env_list("TRUSTED_PROXIES")
)
for _proxy in [] if isinstance(TRUSTED_PROXIES, int) else TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy} is not an address") from error
if env_bool("BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES")
# HTTP Strict Transport Security: browsers that have seen it use HTTPS only, for this long.
# Off (0) unless set: switch it on once HTTPS works (production: a year, 31536000).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "doorstep.core",
    "doorstep.residents",
    "doorstep.cases",
    "doorstep.api",
    "doorstep.messaging",
    "doorstep.demo",
    "doorstep.housing",
    "doorstep.vulnerability",
    "doorstep.evidence",
    "doorstep.plans",
    "doorstep.reporting",
    "doorstep.inclusion",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "doorstep.core.headers.PrivateByDefaultMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "doorstep.core.middleware.IdleTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "doorstep.core.middleware.StaffLoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "doorstep.core.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "doorstep.core.error_pages.ErrorPageMiddleware",
]

ROOT_URLCONF = "doorstep.urls"
WSGI_APPLICATION = "doorstep.wsgi.application"

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
                "doorstep.core.context_processors.branding",
                "doorstep.core.context_processors.undo_offer",
                "doorstep.messaging.context_processors.texts",
                "doorstep.navigation.staff_navigation",
            ],
            # Times in GOV.UK style on every page ("7:48am"): core.formats.
            "builtins": ["doorstep.core.templatetags.govuk_formats"],
        },
    },
]

# Database: SQLite in WAL mode by default; PostgreSQL when DATABASE_URL is given.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'doorstep.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # One writer at a time: every transaction takes the write lock when it begins (IMMEDIATE),
    # so none fails half way, and a writer waits its turn for up to SQLITE_BUSY_TIMEOUT
    # seconds. The wait must outlast a burst (200 simultaneous API writes queue for well over
    # the old 5 seconds on a small machine): a wait costs a slower answer, a timeout a lost write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "120")),
    }
    # Made 0600 before SQLite opens it: its -wal and -shm files then take the same mode.
    keyfiles.private_file(DATABASES["default"]["NAME"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.Staff"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "doorstep.core.backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle staff sessions end after 30 minutes: IdleTimeoutMiddleware pushes the expiry forward
# (at most once a minute, rather than a database write on every request).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout after repeated failed logins, per account and address.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "doorstep.core.views.account.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "doorstep.core.clients.client_address"

# Password reset e-mails an hour, per e-mail address and per visitor's address. Past either, the
# page looks the same but sends nothing, so it never says whether an account exists.
PASSWORD_RESET_EMAIL_LIMIT = int(os.environ.get("PASSWORD_RESET_EMAIL_LIMIT", "5"))
PASSWORD_RESET_ADDRESS_LIMIT = int(os.environ.get("PASSWORD_RESET_ADDRESS_LIMIT", "20"))

# Roles whose members must sign in with a TOTP code as well as a password.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "Administrator")
OTP_TOTP_ISSUER = os.environ.get("COUNCIL_NAME", "Doorstep council")

# E-mail (password reset links): printed to the console unless an SMTP server is given.
_default_email_backend = (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", _default_email_backend)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "doorstep@localhost")
if email_host := os.environ.get("EMAIL_HOST"):
    EMAIL_HOST = email_host
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
# build/static holds GOV.UK Frontend, copied there by `npm run build` at set-up.
STATICFILES_DIRS = [BASE_DIR / "static", REPO_DIR / "build" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "media/"
# Uploaded and stored files are private to Doorstep's account whatever the umask; the static
# files (public: CSS, JavaScript, GOV.UK Frontend) stay readable by a proxy or CDN.
FILE_UPLOAD_PERMISSIONS = keyfiles.FILE_MODE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = keyfiles.FOLDER_MODE

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
if bucket := os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG

# Background work: the database queue by default; Redis (RQ) when REDIS_URL is given.
if redis_url := os.environ.get("REDIS_URL"):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": redis_url}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {
        "default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}
    }

# The cache holds rate-limit counters (e.g. housing position lookups), so every web process
# must share it: Redis when REDIS_URL is given, otherwise files in the data folder.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "doorstep",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Council branding shown in the header and page titles.
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Doorstep council")
COUNCIL_LOGO_URL = os.environ.get("COUNCIL_LOGO_URL", "")
BRAND_COLOUR = os.environ.get("BRAND_COLOUR", "#1d70b8")
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Doorstep")
# How residents reach the council, shown on error pages and wherever a resident may need help.
COUNCIL_CONTACT_PHONE = os.environ.get("COUNCIL_CONTACT_PHONE", "")
COUNCIL_CONTACT_EMAIL = os.environ.get("COUNCIL_CONTACT_EMAIL", "")
COUNCIL_CONTACT_HOURS = os.environ.get("COUNCIL_CONTACT_HOURS", "")

# Content Security Policy (decision 0015): the site's own files only; the few inline <script>
# and <style> blocks carry the request's nonce. Style attributes (bar widths worked out on the
# server) may stay inline: they cannot run code. Pages that set their own policy (documents
# shown to reviewers) keep it.
_logo_origin = urlsplit(COUNCIL_LOGO_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "style-src-attr": [csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:"]
        + ([f"{_logo_origin.scheme}://{_logo_origin.netloc}"] if _logo_origin.netloc else []),
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

# Texts (see docs/configuration.md). The local outbox keeps texts on this server and shows them
# on the phone simulator page; "notify" and "twilio" send real texts.
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "outbox")
# Where providers reach Doorstep's callbacks, e.g. https://doorstep.example.gov.uk
# Locally it follows the port the server runs on (`PORT=8611 make run`).
PUBLIC_BASE_URL = os.environ.get(
    "PUBLIC_BASE_URL", f"http://localhost:{os.environ.get('PORT', '8000')}"
).rstrip("/")
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
NOTIFY_SMS_SENDER_ID = os.environ.get("NOTIFY_SMS_SENDER_ID", "")
NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN", "")
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
TWILIO_BASE_URL = os.environ.get("TWILIO_BASE_URL", "")
# Texts a minute, shared by every worker. Empty: the provider's own limit (Notify 3,000).
SMS_RATE_PER_MINUTE = float(os.environ.get("SMS_RATE_PER_MINUTE") or 0) or None
# No texts are sent between these UK times; they wait until the end of the quiet hours.
SMS_QUIET_HOURS = os.environ.get("SMS_QUIET_HOURS", "21:00-08:00")
# When officers read the inbox; texts received outside these hours get one automatic reply.
SMS_INBOX_HOURS = os.environ.get("SMS_INBOX_HOURS", "Mon-Fri 09:00-17:00")
# Added to texts an officer sends; {first_name} and {team} are filled in. Empty: no signature.
SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", "- {first_name}, {team}")
# A send interrupted this long ago (worker killed, timeout) is retried, after asking the provider
# whether it got through; a queued text overdue this long lost its task and is sent by the sweep.
# Background work (a resident import) holds a lease it renews while it runs; a lease this old
# means its worker died, and the check-ups (run every 15 seconds) queue the work again.
WORK_LEASE_SECONDS = float(os.environ.get("WORK_LEASE_SECONDS", "45"))
# A send waits at most 10 seconds for the provider, so a 45-second lease is not taken from a
# live worker; a group text's dispatch renews it with each text it starts.
SMS_SEND_LEASE_SECONDS = float(os.environ.get("SMS_SEND_LEASE_SECONDS", "45"))
SMS_LOST_TASK_SECONDS = float(os.environ.get("SMS_LOST_TASK_SECONDS", "45"))
# How long the outbox waits before saying a text was delivered (the demo's "moment").
SMS_OUTBOX_DELIVERY_SECONDS = float(os.environ.get("SMS_OUTBOX_DELIVERY_SECONDS", "3"))

# Document evidence: files. Uploads are encrypted at rest (evidence/storage.py) in a local folder
# or an S3-compatible bucket, and virus-scanned by clamd when CLAMD_SOCKET or CLAMD_HOST is set.
EVIDENCE_MAX_FILE_MB = int(os.environ.get("EVIDENCE_MAX_FILE_MB", "20"))
EVIDENCE_STORAGE = os.environ.get("EVIDENCE_STORAGE", "local").strip().lower()
EVIDENCE_LOCAL_DIR = Path(os.environ.get("EVIDENCE_LOCAL_DIR", DATA_DIR / "evidence"))
EVIDENCE_ENCRYPTION_KEYS = env_list("EVIDENCE_ENCRYPTION_KEYS")
# Used only when EVIDENCE_ENCRYPTION_KEYS is empty and storage is local: made once, mode 600.
EVIDENCE_KEY_FILE = DATA_DIR / "evidence_key"
EVIDENCE_S3_BUCKET = os.environ.get("EVIDENCE_S3_BUCKET", "")
EVIDENCE_S3_ENDPOINT_URL = os.environ.get("EVIDENCE_S3_ENDPOINT_URL", "")
EVIDENCE_S3_REGION = os.environ.get("EVIDENCE_S3_REGION", "")
EVIDENCE_S3_ACCESS_KEY = os.environ.get("EVIDENCE_S3_ACCESS_KEY", "")
EVIDENCE_S3_SECRET_KEY = os.environ.get("EVIDENCE_S3_SECRET_KEY", "")
EVIDENCE_S3_ADDRESSING_STYLE = os.environ.get("EVIDENCE_S3_ADDRESSING_STYLE", "")
if EVIDENCE_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured("EVIDENCE_STORAGE must be local or s3.")
if EVIDENCE_STORAGE == "s3" and not (EVIDENCE_S3_BUCKET and EVIDENCE_ENCRYPTION_KEYS):
    raise ImproperlyConfigured(
        "EVIDENCE_STORAGE=s3 needs EVIDENCE_S3_BUCKET and EVIDENCE_ENCRYPTION_KEYS (a key every "
        "server shares, kept away from the bucket)."
    )
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_HOST = os.environ.get("CLAMD_HOST", "")
CLAMD_PORT = int(os.environ.get("CLAMD_PORT", "3310"))
CLAMD_TIMEOUT = float(os.environ.get("CLAMD_TIMEOUT", "60"))

# The audit log (see docs/configuration.md and docs/security.md). Records are sealed into an
# HMAC-SHA256 chain with a key kept outside the database: AUDIT_KEY, or the key file (made 0600 on
# first use only with DEBUG on; without DEBUG a missing key stops sealing). Signed checkpoints of
# the chain go to an append-only file in AUDIT_CHECKPOINT_DIR, and to the evidence store too when
# AUDIT_CHECKPOINT_TO_STORE is on. Records wait AUDIT_SEAL_GRACE_SECONDS behind a gap in the ids
# (a transaction still open) before they are sealed past it.
AUDIT_KEY = os.environ.get("AUDIT_KEY", "")
AUDIT_KEY_FILE = Path(os.environ.get("AUDIT_KEY_FILE", DATA_DIR / "audit_key"))
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit"))
AUDIT_CHECKPOINT_TO_STORE = env_bool("AUDIT_CHECKPOINT_TO_STORE")
AUDIT_CHECKPOINT_HOURS = float(os.environ.get("AUDIT_CHECKPOINT_HOURS", "24"))
AUDIT_SEAL_GRACE_SECONDS = float(os.environ.get("AUDIT_SEAL_GRACE_SECONDS", "10"))

# Digital inclusion (see docs/configuration.md): the free learning course suggested after a skills
# check, and after how many days a help request still waiting counts as waiting too long.
INCLUSION_LEARNING_URL = os.environ.get("INCLUSION_LEARNING_URL", "https://www.learnmyway.com/")
INCLUSION_WAITING_DAYS = int(os.environ.get("INCLUSION_WAITING_DAYS", "14"))

# Document evidence: requests (see docs/configuration.md). A resident's link works until the due
# date plus this many days; reminders go on this schedule ("request+N": N days after the request,
# "due-N": N days before the due date; empty: no reminders) until every document is sent.
EVIDENCE_LINK_GRACE_DAYS = int(os.environ.get("EVIDENCE_LINK_GRACE_DAYS", "7"))
EVIDENCE_REMINDER_SCHEDULE = os.environ.get("EVIDENCE_REMINDER_SCHEDULE", "request+3,due-2")
# How long a resident stays signed in to their link on one device after confirming their
# date of birth, and how many unknown links one address may try in 15 minutes.
EVIDENCE_LINK_SESSION_MINUTES = int(os.environ.get("EVIDENCE_LINK_SESSION_MINUTES", "30"))
EVIDENCE_LINK_GUESS_LIMIT = int(os.environ.get("EVIDENCE_LINK_GUESS_LIMIT", "20"))
# A resident may choose a whole camera roll at once: the upload keeps the files a document
# allows and names the rest, rather than refusing the lot (Django's default stops at 100).
DATA_UPLOAD_MAX_NUMBER_FILES = int(os.environ.get("DATA_UPLOAD_MAX_NUMBER_FILES", "250"))

# Shared plans (see docs/configuration.md): how long a texted link works, the one-time code's
# life, tries and sends, the resident's session on one device, unknown links one address may
# try in an hour, and how many days before an action is due the resident gets a reminder.
PLAN_LINK_DAYS = int(os.environ.get("PLAN_LINK_DAYS", "28"))
PLAN_CODE_MINUTES = int(os.environ.get("PLAN_CODE_MINUTES", "10"))
PLAN_CODE_TRIES = int(os.environ.get("PLAN_CODE_TRIES", "5"))
PLAN_CODE_SENDS_PER_HOUR = int(os.environ.get("PLAN_CODE_SENDS_PER_HOUR", "3"))
PLAN_RESIDENT_SESSION_MINUTES = int(os.environ.get("PLAN_RESIDENT_SESSION_MINUTES", "30"))
PLAN_LINK_GUESS_LIMIT = int(os.environ.get("PLAN_LINK_GUESS_LIMIT", "20"))
PLAN_REMINDER_DAYS_BEFORE = int(os.environ.get("PLAN_REMINDER_DAYS_BEFORE", "2"))

# Logging: the console keeps to what a person running Doorstep needs. LOG_LEVEL (default INFO)
# is the level of Doorstep's own messages. Busy libraries speak from WARNING (the task worker
# sets its loggers to INFO itself, so the console handler filters them too); django.request only
# for errors, as a 403 or 404 is an answer, not a fault; and messages that come up in normal
# running, such as a delivery receipt arriving twice, are DEBUG. LOG_LEVEL=DEBUG shows all.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
_DEBUG, _WARNING = 10, 30  # logging.DEBUG, logging.WARNING: the numbers the records carry
_EVERYTHING = LOG_LEVEL == "DEBUG"
QUIET_LOGGERS = (
    "asyncio",
    "axes",
    "boto3",
    "botocore",
    "django_tasks",
    "django_tasks_db",
    "django_tasks_rq",
    "PIL",
    "rq",
    "s3transfer",
    "twilio",
    "urllib3",
)
# (logger, start of the message) of routine messages, shown only at DEBUG.
ROUTINE_MESSAGES = (("doorstep.messaging.receipts", "Ignored status"),)


def _quiet_libraries():
    def keep(record) -> bool:
        if record.levelno >= _WARNING or _EVERYTHING:
            return True
        name = record.name
        return not any(name == quiet or name.startswith(f"{quiet}.") for quiet in QUIET_LOGGERS)

    return keep


def _routine_as_debug():
    def demote(record) -> bool:
        for name, start in ROUTINE_MESSAGES:
            if record.name == name and str(record.msg).startswith(start):
                record.levelno, record.levelname = _DEBUG, "DEBUG"
        return True

    return demote


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "quiet_libraries": {"()": _quiet_libraries},
        "routine_as_debug": {"()": _routine_as_debug},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "level": LOG_LEVEL,
            "filters": ["quiet_libraries"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        **{name: {"level": "DEBUG" if _EVERYTHING else "WARNING"} for name in QUIET_LOGGERS},
        "django.request": {"level": "DEBUG" if _EVERYTHING else "ERROR"},
        **{name: {"filters": ["routine_as_debug"]} for name, _start in ROUTINE_MESSAGES},
    },
}
