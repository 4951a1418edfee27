"""conduct worker — runs queued background tasks, and enqueues the daily and periodic jobs when they are
due."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.commandkit import ConductCommand
from conduct.apps.web.running import hold_running_lock
from conduct.apps.web.uploads import clean_upload_tmp_at_start

log = logging.getLogger("conduct.worker")

NAME_DICTIONARY_JOB = "conduct.apps.screening.tasks.ensure_name_dictionary"
# (name, callable returning the task to enqueue). Later modules add theirs here.
DAILY_JOBS: list[str] = [
    "conduct.apps.audit.tasks.daily_checkpoint",
    "conduct.apps.governance.tasks.escalate_overdue_recommendations",
    "conduct.apps.governance.tasks.send_deadline_reminders",
    "conduct.apps.suppliers.tasks.daily_risk_recompute",
    "conduct.apps.suppliers.tasks.daily_certificate_reminders",
    "conduct.apps.access.tasks.expire_access_requests",
    "conduct.apps.gates.tasks.recheck_decisions",
    "conduct.apps.grievances.tasks.escalate_overdue_grievances",
    "conduct.apps.engagement.tasks.escalate_overdue_commitments",
    "conduct.apps.web.tasks.daily_upload_cleanup",
    NAME_DICTIONARY_JOB,  # a no-op unless rigour changed or the file went
]


# (task, seconds): enqueued once in every period of that many seconds. The hourly checkpoint is checked every
# ten minutes, so an idle ledger's unsigned tail waits at most LEDGER_CHECKPOINT_HOURS and ten minutes.
PERIODIC_JOBS: list[tuple[str, int]] = [
    ("conduct.apps.audit.tasks.hourly_checkpoint", 600),
    ("conduct.apps.products.tasks.escalate_vulnerability_reports", 3600),
    ("conduct.apps.workforce.tasks.send_reminders", 3600),  # attestation and training reminders
    ("conduct.apps.screening.tasks.fetch_list_sources", 600),  # each source has its own interval
]


def _ready_name_dictionary() -> None:
    """The name-dictionary file in this worker's cache directory, built here (in a child process, ~5 s once
    per installed rigour) when it is not there: a worker whose cache directory no web node shares would
    otherwise look names up in rigour's own dictionary (about 2 ms a name, and its ~300 MB) until the daily
    job happened to run on it."""
    from django.utils.module_loading import import_string

    try:
        ready = import_string(NAME_DICTIONARY_JOB).call()
    except Exception:  # noqa: BLE001 - the worker runs without the file (rigour's dictionary), said in the log
        log.exception("name dictionary file not ready: names are looked up in rigour's dictionary")
        return
    log.info("name dictionary file", extra=ready)


def _enqueue_due(state: dict[str, str]) -> None:
    from django.utils import timezone

    now = timezone.now()
    today = now.date().isoformat()
    for path in DAILY_JOBS:
        _enqueue_once(state, path, today)
    for path, seconds in PERIODIC_JOBS:
        _enqueue_once(state, path, str(int(now.timestamp()) // seconds))


def _enqueue_once(state: dict[str, str], path: str, period: str) -> None:
    """Enqueue the job unless it was enqueued in this period already."""
    from django.utils.module_loading import import_string

    if state.get(path) == period:
        return
    try:
        import_string(path).enqueue()
        state[path] = period
    except Exception:  # noqa: BLE001 - a failed enqueue is retried next minute
        log.exception("could not enqueue scheduled job", extra={"job": path})


def _scheduler(stop: threading.Event, interval: float) -> None:
    state: dict[str, str] = {}
    while not stop.is_set():
        _enqueue_due(state)
        stop.wait(interval)


class Command(ConductCommand):
    help = gettext_noop(
        "Run background tasks (django-tasks: the database or RQ backend) and the daily scheduler."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help=_("Seconds between queue polls"))
        parser.add_argument("--no-scheduler", action="store_true")
        parser.add_argument(
            "--burst", action="store_true", help=_("Run the tasks queued now, then exit (no scheduler)")
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        clean_upload_tmp_at_start(settings.CONDUCT_HOME)  # left by a process killed during an upload
        hold_running_lock(settings.CONDUCT_HOME)  # `conduct restore` refuses while it is held
        if not opts["burst"]:
            _ready_name_dictionary()
        stop = threading.Event()
        if not opts["no_scheduler"] and not opts["burst"]:
            threading.Thread(target=_scheduler, args=(stop, 60.0), daemon=True, name="scheduler").start()
        backend = settings.TASKS["default"]["BACKEND"]
        try:
            if backend == "django_tasks_db.DatabaseBackend":
                call_command("db_worker", interval=opts["interval"], batch=opts["burst"], verbosity=0)
            elif backend == "django_tasks_rq.RQBackend":
                # SimpleWorker runs each task in this process (as the database backend does) instead of a
                # fork per task: the screening indexes a task loads stay loaded for the next one.
                call_command(
                    "rqworker",
                    *settings.TASKS["default"]["QUEUES"],
                    worker_class="rq.worker.SimpleWorker",
                    job_class="django_tasks_rq.backend.Job",  # runs the django-tasks Task it carries
                    burst=opts["burst"],
                    verbosity=0,
                )
            else:
                log.info(
                    "tasks run in-process with this backend; the worker only schedules",
                    extra={"backend": backend},
                )
                while True:
                    time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
