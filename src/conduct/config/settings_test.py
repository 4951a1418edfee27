"""Settings for the test suite: the production settings with fast hashing and in-process tasks."""

from conduct.config.settings import *  # noqa: F403
from conduct.config.settings import REDIS_URL, TASKS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; argon2 is tested explicitly
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":  # `make test-rq`
    # The task tests a second time through RQ on Redis: "default" runs each job as it is enqueued (RQ's
    # synchronous mode: serialised, stored in Redis, performed and its result saved there), "rq_async" is
    # left for a worker (tests/apps/test_tasks_rq.py runs `conduct worker --burst` on it).
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", "rq_async"]}}
    RQ_QUEUES = {
        "default": {"URL": REDIS_URL, "ASYNC": False},
        "rq_async": {"URL": REDIS_URL},
    }
else:
    IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
    TASKS = {"default": {"BACKEND": IMMEDIATE, "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# No automatic ledger checkpoints: a test module that swaps in a signing key of its own would meet ones
# signed with the shared key (the ledger's tests turn them on where they test them).
LEDGER_CHECKPOINT_EVERY = 0
LEDGER_CHECKPOINT_HOURS = 0
# The intake's proof of work is off for tests (the grievance tests turn it on where they test it).
GRIEVANCE_CHALLENGE = 0
# /.well-known/security.txt is served (tests/apps/products checks its fields).
SECURITY_TXT_CONTACTS = ["mailto:security@example.invalid"]
VULNERABILITY_DISCLOSURE_POLICY_URL = "https://example.invalid/security/policy"
# No role is made to enrol a second factor: the suite's thousands of force_login clients reach data as they
# did. The second-factor tests turn it on with override_settings(MFA_REQUIRED_ROLES=[...]).
MFA_REQUIRED_ROLES = []
