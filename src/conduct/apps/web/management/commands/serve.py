"""conduct serve — gunicorn serving the app (static files through whitenoise) with the task worker beside
it."""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.children import in_child
from conduct.apps.commandkit import ConductCommand
from conduct.apps.screening import selectors as screening_selectors
from conduct.apps.web.running import hold_running_lock
from conduct.apps.web.uploads import clean_upload_tmp_at_start
from conduct.config.env import ConfigError, envbool, envint, envstr


class Command(ConductCommand):
    help = gettext_noop(
        "Serve Conduct with gunicorn on 127.0.0.1:PORT and run the background worker beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=envstr("HOST", "127.0.0.1"))  # blank is not "every interface"
        parser.add_argument("--port", type=int, default=None, help=_("Default: $PORT or 8000"))
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=_("Default: $WEB_WORKERS or %(workers)s (twice the CPUs, 2 to 4, one per 1.5 GB)")
            % {"workers": default_workers()},
        )
        parser.add_argument(
            "--threads", type=int, default=None, help=_("Threads per worker. Default: $WEB_THREADS or 2")
        )
        parser.add_argument("--no-worker", action="store_true", help=_("Do not start the task worker"))

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            port = opts["port"] or envint("PORT", 8000, minimum=1, maximum=65535)
            workers = opts["workers"] or envint("WEB_WORKERS", default_workers(), minimum=1, maximum=64)
            threads = opts["threads"] or envint("WEB_THREADS", 2, minimum=1, maximum=64)
            preload = envbool("SCREENING_PRELOAD", True)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        from django.conf import settings

        _check_and_collect()  # refuses to start with, e.g., a policy pack that does not load
        clean_upload_tmp_at_start(settings.CONDUCT_HOME)  # left by a process killed during an upload
        hold_running_lock(settings.CONDUCT_HOME)  # `conduct restore` refuses while it is held
        _load_urls()
        if preload:
            _preload_screening()
        worker = None if opts["no_worker"] else _start_worker()
        server = os.getpid()
        try:
            _run_gunicorn(bind=f"{opts['host']}:{port}", workers=workers, threads=threads)
        finally:
            # gunicorn's workers are forks of this process and leave through here too: only it stops the
            # task worker and says so
            if os.getpid() == server:
                if worker is not None:
                    _stop_worker(worker)
                self.stdout.write(_("Stopped."))


def default_workers() -> int:
    """Processes rather than threads: a Python process runs one thread at a time, and a thread that holds the
    database's write turn (SQLite's one writer, PostgreSQL's ledger head) waits for its process's other
    threads
    between statements, so the fewer threads share a process the shorter every write holds everyone up
    (docs/operations.md has the measurements). The processes share the screening indexes and name tables
    this server loads before it forks them (each has ~40 MB of its own after screening with the real lists,
    benchmarks/screening/results_memory.md); a list version loaded later is mapped by each of them from its
    artefact (the bulk shared in the page cache, its small head each one's own). The cap of four and one
    process per 1.5 GB of memory leave room for the database and the task worker."""
    by_cpu = 2 * (os.cpu_count() or 1)
    try:
        memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):  # not every platform tells
        memory_gb = 6.0
    return max(2, min(4, by_cpu, int(memory_gb / 1.5)))


def _check_and_collect() -> None:
    """The system check and collectstatic, in a child process: what they leave in memory (~25 MB: the
    models' and templates' walks, the static files' lists) would otherwise be in every worker forked later."""

    def check_and_collect() -> None:
        call_command("check", deploy=False)
        call_command("collectstatic", interactive=False, verbosity=0)

    log = logging.getLogger("conduct.serve")
    if not in_child(check_and_collect, log=log, failure="the system check could not run", databases=True):
        raise CommandError(_("The system check or collectstatic failed (above): the server does not start."))


def _load_urls() -> None:
    """The URL map (the pages and the API, with its schemas): loaded once here, shared by the workers."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loads the URL conf


def _preload_screening() -> None:
    """The screening indexes and name tables, loaded here once before gunicorn forks its workers: the
    workers share these pages (copy-on-write) instead of each loading its own copy on its first screening.
    The objects are frozen out of the garbage collector's reach, whose passes would otherwise write to (and
    so copy) every page they visit."""
    started = time.perf_counter()
    names = screening_selectors.preload()
    connections.close_all()  # each worker opens its own
    gc.freeze()
    logging.getLogger("conduct.serve").info(
        "screening preloaded", extra={"names": names, "ms": round((time.perf_counter() - started) * 1000)}
    )


def _start_worker() -> int:
    """The task worker, forked from this process after the preload, so that it shares the preloaded
    screening pages as the web workers do; returns its process id."""
    connections.close_all()  # the worker opens its own
    pid = os.fork()
    if pid == 0:  # the worker; it never returns from here
        code = 1
        try:
            call_command("worker")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 - said in the log, then the process ends
            logging.getLogger("conduct.worker").exception("the task worker stopped")
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return pid


def _stop_worker(pid: int, grace: float = 15.0) -> None:
    """SIGTERM, up to `grace` seconds to finish its task, then SIGKILL. gunicorn's master reaps any child
    that ends while it runs, the worker included: a worker already gone is not an error."""
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _run_gunicorn(*, bind: str, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    from conduct.config.wsgi import application

    class App(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": bind,
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 60,
                "graceful_timeout": 10,
                "accesslog": None,
                "errorlog": "-",
                "proc_name": "conduct",
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    App().run()
