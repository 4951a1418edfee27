"""Django settings for Conduct. Every knob is an environment variable; see README.md for the table."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF

from conduct.config.env import (
    ConfigError,
    conduct_home,
    envbool,
    envfingerprints,
    envint,
    envints,
    envlist,
    envnetworks,
    envstr,
    secret_key,
)
from conduct.pipeline._i18n import _

CONDUCT_HOME = conduct_home()
SECRET_KEY = secret_key(CONDUCT_HOME)
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# The address links in emails (password reset) start with, e.g. https://conduct.example.org.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Proxies (addresses or networks) whose X-Forwarded-For is believed: the client address is the last one in
# that header that is not itself a trusted proxy. Anyone else's X-Forwarded-For is ignored.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "allauth",
    "allauth.account",  # needed by allauth.mfa (its email-address table stays empty; Conduct signs in itself)
    "allauth.mfa",  # second factors: its models and TOTP / recovery-code / WebAuthn logic (accounts.mfa)
    "django_tasks",
    "django_tasks_db",
    "csp",
    "conduct.apps.accounts",
    "conduct.apps.audit",
    "conduct.apps.governance",
    "conduct.apps.notifications",
    "conduct.apps.gates",
    "conduct.apps.suppliers",
    "conduct.apps.screening",
    "conduct.apps.catalog",
    "conduct.apps.reports",
    "conduct.apps.access",
    "conduct.apps.workforce",
    "conduct.apps.grievances",
    "conduct.apps.products",
    "conduct.apps.engagement",
    "conduct.apps.web",
]

MIDDLEWARE = [
    # First: the anonymous intake paths (/report/, /api/v1/public/grievances*) lose the client's address,
    # user agent, cookies and referrer before anything can read, log or store them.
    "conduct.apps.web.middleware.PrivateIntakeMiddleware",
    "conduct.apps.web.middleware.ClientAddressMiddleware",
    "conduct.apps.web.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (django-csp's, its text built once) and Permissions-Policy.
    "conduct.apps.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",  # allauth.mfa's request context (required with it)
    "conduct.apps.accounts.middleware.SessionActivityMiddleware",
    # Time-limited access (issue 18): ended sessions logged out; investigators' requests ledgered.
    "conduct.apps.accounts.middleware.AccessExpiryMiddleware",
    # A signed-in user's own language choice wins over the browser's.
    "conduct.apps.web.middleware.UserLanguageMiddleware",
    # Both read the body before any view or CSRF check: the upload limits, then NUL bytes in any text.
    "conduct.apps.web.middleware.UploadLimitMiddleware",
    "conduct.apps.web.middleware.BadInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Roles that must use a second factor reach only the enrolment pages until they have passed one.
    "conduct.apps.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "conduct.apps.web.middleware.ServiceErrorMiddleware",
]

ROOT_URLCONF = "conduct.config.urls"
WSGI_APPLICATION = "conduct.config.wsgi.application"

# django-ninja's Swagger UI page and files, served from here (no CDN) without ninja as an installed app: an
# installed app is imported by every process at set-up, and ninja brings pydantic (~0.1 s of each CLI call).
# Found without importing it; config.api renders the page (ninja renders its CDN page when not installed).
_NINJA = importlib.util.find_spec("ninja")
if _NINJA is None or _NINJA.origin is None:
    raise ConfigError(_("django-ninja is not installed: run `make venv` (or pip install -e .)"))
NINJA_DIR = Path(_NINJA.origin).parent

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "conduct.apps.web.context.navigation",
                "conduct.apps.accounts.context_processors.role_permissions",
            ],
        },
    },
]

_default_db = f"sqlite:///{CONDUCT_HOME / 'conduct.sqlite3'}"
try:
    _db = dj_database_url.parse(envstr("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True)
except ValueError as exc:  # pragma: no cover - depends on the environment
    raise ConfigError(
        _("DATABASE_URL is not a database URL Conduct understands: %(error)s") % {"error": exc}
    ) from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["ENGINE"] = "conduct.db.sqlite"  # Django's backend with a fair writer queue (see its docstring)
    # Connections are kept (per server thread, as on PostgreSQL): opening one costs more than a simple
    # request.
    # `conduct restore` replaces the file, so it asks for the server to be stopped first.
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    _db.setdefault("TEST", {})["NAME"] = envstr("SQLITE_TEST_NAME", "")
    if not _db["TEST"]["NAME"]:
        del _db["TEST"]["NAME"]
elif _db["ENGINE"] == "django.db.backends.postgresql" and envbool("DATABASE_PREPARED_STATEMENTS", True):
    # Server-side binding lets psycopg prepare a statement once a connection has run it five times.
    # PostgreSQL then skips parsing and planning it, which cut its CPU per API request by 35-60 % here
    # (docs/operations.md).
    # A pooler in transaction mode (PgBouncer before 1.21) cannot keep prepared statements: behind one, set
    # DATABASE_PREPARED_STATEMENTS=0.
    _db.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B: at least 12 characters, not on the common-password list, not the user's own name or
# address; no composition rules (no "a digit and a capital"), no forced periodic change.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"

# Second factors (accounts.mfa, on django-allauth's allauth.mfa): TOTP with recovery codes, and WebAuthn
# security keys / passkeys. A user with a factor always passes it at sign-in. The roles in
# MFA_REQUIRED_ROLES (comma-separated role names; "none" for nobody) must enrol one: until they have, and
# until this session has passed one, they reach only the enrolment pages and the API answers 403
# mfa_required (API tokens are not affected). Wrong codes count as failed sign-ins (the login lock above).
_mfa_roles = envlist(
    "MFA_REQUIRED_ROLES", ["admin", "compliance_officer", "committee_member", "grievance_officer"]
)
MFA_REQUIRED_ROLES = [] if [r.lower() for r in _mfa_roles] == ["none"] else _mfa_roles
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = envstr("MFA_TOTP_ISSUER", "Conduct")
MFA_TOTP_TOLERANCE = 1  # the code before and after the current one is accepted (clock drift)
MFA_RECOVERY_CODE_COUNT = 10
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = envbool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", False)
# Which role and units the identity provider's groups give (accounts.group_mapping): SCIM provisioning and
# SSO sign-in.
SSO_GROUP_MAPPING_FILE = envstr("SSO_GROUP_MAPPING_FILE", str(CONDUCT_HOME / "sso-groups.yaml"))
# Single sign-on (accounts.sso; docs/operations.md "Single sign-on"). OpenID Connect is on when an issuer is
# set (its /.well-known/openid-configuration is read), SAML 2.0 when the identity provider's metadata is.
SSO_OIDC_ISSUER = envstr("SSO_OIDC_ISSUER", "").rstrip("/")
SSO_OIDC_CLIENT_ID = envstr("SSO_OIDC_CLIENT_ID", "")
SSO_OIDC_CLIENT_SECRET = envstr("SSO_OIDC_CLIENT_SECRET", "")
SSO_OIDC_SCOPES = envstr("SSO_OIDC_SCOPES", "openid email profile")
SSO_OIDC_USERNAME_CLAIM = envstr("SSO_OIDC_USERNAME_CLAIM", "preferred_username")
SSO_OIDC_GROUPS_CLAIM = envstr("SSO_OIDC_GROUPS_CLAIM", "groups")
SSO_OIDC_LABEL = envstr("SSO_OIDC_LABEL", "")
SSO_SAML_IDP_METADATA_URL = envstr("SSO_SAML_IDP_METADATA_URL", "")
SSO_SAML_IDP_METADATA_FILE = envstr("SSO_SAML_IDP_METADATA_FILE", "")
SSO_SAML_SP_ENTITY_ID = envstr("SSO_SAML_SP_ENTITY_ID", "")  # default: SITE_URL + /sso/saml/metadata/
SSO_SAML_SP_KEY_FILE = envstr("SSO_SAML_SP_KEY_FILE", "")  # with the certificate: requests are signed
SSO_SAML_SP_CERT_FILE = envstr("SSO_SAML_SP_CERT_FILE", "")
SSO_SAML_USERNAME_ATTRIBUTE = envstr("SSO_SAML_USERNAME_ATTRIBUTE", "")  # blank: the NameID
SSO_SAML_EMAIL_ATTRIBUTE = envstr("SSO_SAML_EMAIL_ATTRIBUTE", "email")
SSO_SAML_GIVEN_NAME_ATTRIBUTE = envstr("SSO_SAML_GIVEN_NAME_ATTRIBUTE", "givenName")
SSO_SAML_FAMILY_NAME_ATTRIBUTE = envstr("SSO_SAML_FAMILY_NAME_ATTRIBUTE", "sn")
SSO_SAML_GROUPS_ATTRIBUTE = envstr("SSO_SAML_GROUPS_ATTRIBUTE", "groups")
SSO_SAML_LABEL = envstr("SSO_SAML_LABEL", "")
SSO_SAML_XMLSEC_BINARY = envstr("SSO_SAML_XMLSEC_BINARY", "")  # blank: xmlsec1 on the PATH
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: failures are counted per username and address. A first slip is free; from the
# second failure on, the next attempt must wait 2, 4, 8 ... (at most 30) seconds (accounts.views.
# throttle_wait), and the fifth failure locks the pair for a quarter of an hour. On top of that
# (accounts.throttle): a user name failing from many addresses, an address failing for many user names,
# and many failures across all users (password spraying) within the quarter hour lock too.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "conduct.apps.accounts.views.locked_out"
AXES_HANDLER = "conduct.apps.accounts.throttle.ThrottlingHandler"
AXES_CLIENT_IP_CALLABLE = "conduct.apps.web.middleware.client_address"
AXES_VERBOSE = False
LOGIN_USER_FAILURE_LIMIT = envint("LOGIN_USER_FAILURE_LIMIT", 20, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
LOGIN_SPRAY_LIMIT = envint("LOGIN_SPRAY_LIMIT", 100, minimum=1)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2  # a reset link works for two hours
# Reset requests within the window (accounts.throttle.reset_throttled): per submitted email address, per
# client address, and across everyone; beyond, the form answers 429 and sends nothing.
PASSWORD_RESET_WINDOW_MINUTES = envint("PASSWORD_RESET_WINDOW_MINUTES", 60, minimum=1)
PASSWORD_RESET_EMAIL_LIMIT = envint("PASSWORD_RESET_EMAIL_LIMIT", 3, minimum=1)
PASSWORD_RESET_ADDRESS_LIMIT = envint("PASSWORD_RESET_ADDRESS_LIMIT", 10, minimum=1)
PASSWORD_RESET_GLOBAL_LIMIT = envint("PASSWORD_RESET_GLOBAL_LIMIT", 200, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = envstr("REFERRER_POLICY", "same-origin")
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere (templates load their JavaScript from static files); inline styles are allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = envstr(
    "PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()",
)
# HSTS is on whenever DEBUG is off (browsers heed it only over https); HSTS_SECONDS=0 turns it off.
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", False)
# Secure cookies whenever not in DEBUG; INSECURE_COOKIES=1 allows plain http on a private host
# (make run on 127.0.0.1 sets it, since a browser drops Secure cookies over http).
_secure = not DEBUG and not envbool("INSECURE_COOKIES", False)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
if _secure:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-gb"
# English and Simplified Chinese ship together. A page speaks the signed-in user's chosen language, else the
# browser's (Accept-Language), else English. Catalogues: each app's locale/zh_Hans/LC_MESSAGES/django.po.
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
# Messages of the code outside the apps (the API's error shape in apps/apikit.py, the `conduct` command).
LOCALE_PATHS = [Path(__file__).resolve().parents[1] / "locale"]
# Dates in tables: ISO in English, 2026年12月7日 in Chinese; date inputs read and write ISO in both
# (conduct/formats/<language>/formats.py; templates use |date:"SHORT_DATE_FORMAT").
FORMAT_MODULE_PATH = ["conduct.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = CONDUCT_HOME / "static"
STATICFILES_DIRS = [NINJA_DIR / "static"]  # ninja/swagger-ui-bundle.js and the rest (see NINJA_DIR)
MEDIA_ROOT = CONDUCT_HOME / "files"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "conduct.apps.web.storage.StaticStorage"},
}
# Several web nodes share uploaded files through S3-compatible storage (django-storages; `pip install
# boto3`): set S3_BUCKET and, for a store other than AWS, S3_ENDPOINT_URL. Credentials come from
# S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY or boto3's usual sources (environment, instance role).
if envstr("S3_BUCKET", ""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": envstr("S3_BUCKET", ""),
            "endpoint_url": envstr("S3_ENDPOINT_URL", "") or None,
            "region_name": envstr("S3_REGION", "") or None,
            "access_key": envstr("S3_ACCESS_KEY_ID", "") or None,
            "secret_key": envstr("S3_SECRET_ACCESS_KEY", "") or None,
            "location": envstr("S3_PREFIX", "files"),
            "default_acl": None,
            "querystring_auth": True,  # private objects, served through short-lived signed URLs
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG
# Source maps (Swagger UI's are megabytes) are served as they are: compressing them made collectstatic
# take over a minute at every start.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "tbz",
    "xz",
    "br",
    "swf",
    "flv",
    "woff",
    "woff2",
    "3gp",
    "3gpp",
    "asf",
    "avi",
    "m4v",
    "mov",
    "mp4",
    "mpeg",
    "mpg",
    "webm",
    "wmv",
    "map",
)
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = envint("MAX_REQUEST_BYTES", 5 * 1024 * 1024, minimum=1024)
# Multipart uploads are streamed (conduct.apps.web.uploads): a file over 256 KB goes to a temporary file in
# CONDUCT_HOME/tmp, and the files of one request may add up to MAX_UPLOAD_BYTES (or the limit of the first
# UPLOAD_LIMITS pattern matching the path); past it the request stops with 413 while it is being read.
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
FILE_UPLOAD_TEMP_DIR = str(CONDUCT_HOME / "tmp")
(CONDUCT_HOME / "tmp").mkdir(mode=0o700, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_HANDLERS = [
    "conduct.apps.web.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)
UPLOAD_LIMITS = [
    (r"^/(api/v1/)?screening/lists", envint("MAX_LIST_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1024)),
    (r"^/(api/v1/)?suppliers/import", envint("MAX_IMPORT_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1024)),
]

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
REDIS_URL = envstr("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":  # workers on Redis (docs/operations.md)
    INSTALLED_APPS.append("django_rq")  # the rqworker command `conduct worker` runs
    RQ_QUEUES: dict[str, dict[str, Any]] = {name: {"URL": REDIS_URL} for name in TASKS["default"]["QUEUES"]}

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "conduct@localhost")

LOG_LEVEL = envstr("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "conduct.apps.web.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "xmlschema": {"level": "WARNING"},  # pysaml2's schema loader announces every schema it reads
    },
}

# A list source with no good fetch for this long is stale: the officers are told once (screening sources).
SCREENING_SOURCE_STALE_HOURS = envint("SCREENING_SOURCE_STALE_HOURS", 72, minimum=1)

# A device-access request nobody answered expires after this many hours (Customer Lockbox: 12).
ACCESS_REQUEST_EXPIRY_HOURS = envint("ACCESS_REQUEST_EXPIRY_HOURS", 12, minimum=1, maximum=24 * 14)

# Own operations (docs/workforce.md): SA8000 clause 7 working-time limits per worker-week, and the share of a
# site's non-compliant worker-weeks in one import above which a finding with a corrective action is raised.
WORKFORCE = {
    "REGULAR_HOURS_MAX": envint("WORKTIME_REGULAR_MAX", 48, minimum=1, maximum=168),
    "OVERTIME_HOURS_MAX": envint("WORKTIME_OVERTIME_MAX", 12, minimum=0, maximum=168),
    "REST_DAYS_MIN": envint("WORKTIME_REST_DAYS_MIN", 1, minimum=0, maximum=7),
    "FINDING_PERCENT": envint("WORKTIME_FINDING_PERCENT", 10, minimum=0, maximum=100),
    "WORKER_KEY_PATH": CONDUCT_HOME / "keys" / "workforce_worker_hmac.key",
    # Scheduled reminders (`conduct workforce remind`, the worker every hour): days before a campaign's or a
    # training assignment's due date (negative: after it) on which a person who has not acknowledged or
    # completed yet is reminded, once per step.
    "ATTESTATION_REMINDER_DAYS": envints("ATTESTATION_REMINDER_DAYS", [7, 1, -3], minimum=-365, maximum=365),
    "TRAINING_REMINDER_DAYS": envints("TRAINING_REMINDER_DAYS", [14, 1, -7], minimum=-365, maximum=365),
    # A training certificate (PDF, PNG or JPEG) attached to an entered completion: largest accepted upload.
    "TRAINING_FILE_MAX_BYTES": envint("TRAINING_FILE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024),
}
# The published vulnerability disclosure policy (ETSI EN 303 645 5.2-1, UK PSTI): the product_release gate
# reads "disclosure policy in force" from it being set.
VULNERABILITY_DISCLOSURE_POLICY_URL = envstr("VULNERABILITY_DISCLOSURE_POLICY_URL", "")
# /.well-known/security.txt (RFC 9116): served only when a contact is set (mailto:, https: or tel: URIs).
SECURITY_TXT_CONTACTS = envlist("SECURITY_TXT_CONTACTS", [])
SECURITY_TXT_EXPIRES_DAYS = envint("SECURITY_TXT_EXPIRES_DAYS", 180, minimum=1, maximum=365)
SECURITY_TXT_LANGUAGES = envstr("SECURITY_TXT_LANGUAGES", "en")
# Coordinated vulnerability disclosure (docs/products.md): the deadlines the published policy states, counted
# per report from its receipt (acknowledge, fixed or advisory) or from the last status update to the reporter;
# the public intake's attachment limits and its per-address and global limits per hour.
VULN_REPORT_ACK_DAYS = envint("VULN_REPORT_ACK_DAYS", 5, minimum=1, maximum=90)
VULN_REPORT_UPDATE_DAYS = envint("VULN_REPORT_UPDATE_DAYS", 30, minimum=1, maximum=365)
VULN_REPORT_FIX_DAYS = envint("VULN_REPORT_FIX_DAYS", 90, minimum=1, maximum=730)
VULN_REPORT_MAX_ATTACHMENT_BYTES = envint("VULN_REPORT_MAX_ATTACHMENT_BYTES", 5 * 1024 * 1024, minimum=1024)
VULN_REPORT_MAX_ATTACHMENTS = envint("VULN_REPORT_MAX_ATTACHMENTS", 5, minimum=0, maximum=20)
VULN_REPORT_ADDRESS_LIMIT_PER_HOUR = envint("VULN_REPORT_ADDRESS_LIMIT_PER_HOUR", 5, minimum=1)
VULN_REPORT_GLOBAL_LIMIT_PER_HOUR = envint("VULN_REPORT_GLOBAL_LIMIT_PER_HOUR", 200, minimum=1)
# The public form's files may add up to every attachment at its largest (each is checked on its own).
UPLOAD_LIMITS.append(
    (r"^/security/report/", VULN_REPORT_MAX_ATTACHMENT_BYTES * max(1, VULN_REPORT_MAX_ATTACHMENTS))
)
# Security advisories (CSAF 2.0 document.publisher) and the UK PSTI statement of compliance: the manufacturer,
# its CSAF namespace (a URL it controls) and the prefix of advisory ids (PREFIX-YYYY-NNN).
PRODUCT_MANUFACTURER = envstr("PRODUCT_MANUFACTURER", "Northlight Vision Technologies Co., Ltd.")
PRODUCT_MANUFACTURER_ADDRESS = envstr("PRODUCT_MANUFACTURER_ADDRESS", "")
CSAF_PUBLISHER_NAMESPACE = envstr("CSAF_PUBLISHER_NAMESPACE", SITE_URL)
ADVISORY_ID_PREFIX = envstr("ADVISORY_ID_PREFIX", "NV-SA")

CONDUCT = {
    "API_PAGE_MAX": 500,
    "TOKEN_DEFAULT_DAYS": envint("TOKEN_DEFAULT_DAYS", 90, minimum=1, maximum=3650),
    "SIGNING_KEY_PATH": CONDUCT_HOME / "keys" / "ledger_ed25519.pem",
    "GRANT_KEY_PATH": CONDUCT_HOME / "keys" / "grants_ed25519.pem",  # device-access grants (apps.access)
    "POLICY_DIR": envstr("POLICY_DIR", ""),
    # where screening index artefacts live (default CONDUCT_HOME/cache/screening); a mount the nodes share
    "SCREENING_CACHE_DIR": envstr("SCREENING_CACHE_DIR", ""),
}
# The audit ledger (docs/audit-ledger.md): published fingerprints of trusted public keys; checkpoint cadence.
# Checked here, before Django starts, so a malformed value is one line in the CLI's language;
# conduct.apps.audit.keys checks it again for a value set any other way.
LEDGER_TRUSTED_KEYS = envfingerprints("LEDGER_TRUSTED_KEYS")
LEDGER_CHECKPOINT_EVERY = envint("LEDGER_CHECKPOINT_EVERY", 1000, minimum=0)
LEDGER_CHECKPOINT_HOURS = envint("LEDGER_CHECKPOINT_HOURS", 1, minimum=0)

# Grievances (docs/grievances.md). GRIEVANCE_CHALLENGE: proof-of-work bits per submission and follow-up login
# (0 turns the challenge off: tests, closed networks). Deadlines default to the Whistleblower Directive's.
GRIEVANCE_CHALLENGE = envint("GRIEVANCE_CHALLENGE", 16, minimum=0, maximum=24)
GRIEVANCE_ACK_DAYS = envint("GRIEVANCE_ACK_DAYS", 7, minimum=1, maximum=90)
GRIEVANCE_FEEDBACK_MONTHS = envint("GRIEVANCE_FEEDBACK_MONTHS", 3, minimum=1, maximum=12)
GRIEVANCE_ATTACHMENT_BYTES = envint("GRIEVANCE_ATTACHMENT_BYTES", 5 * 1024 * 1024, minimum=1024)
GRIEVANCE_SUBMIT_LIMIT_PER_HOUR = envint("GRIEVANCE_SUBMIT_LIMIT_PER_HOUR", 200, minimum=1)
GRIEVANCE_WRONG_RECEIPT_LIMIT_PER_HOUR = envint("GRIEVANCE_WRONG_RECEIPT_LIMIT_PER_HOUR", 500, minimum=1)
GRIEVANCE_RECEIPT_SESSIONS_PER_DAY = envint("GRIEVANCE_RECEIPT_SESSIONS_PER_DAY", 20, minimum=1)
GRIEVANCE_RECEIPT_MESSAGES_PER_DAY = envint("GRIEVANCE_RECEIPT_MESSAGES_PER_DAY", 30, minimum=1)
GRIEVANCE_KEY_DIR = CONDUCT_HOME / "keys" / "grievances"
# Paths that never see the client's address, user agent, cookies or referrer (web.middleware).
PRIVATE_INTAKE_PATHS = (r"^/report/", r"^/api/v1/public/grievances")
