"""conduct serve — gunicorn serving the app (static files through whitenoise) with the task worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from conduct.config.env import ConfigError, envint


class Command(BaseCommand):
    help = "Serve Conduct with gunicorn on 127.0.0.1:PORT and run the background worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=None, help="Default: $PORT or 8000")
        parser.add_argument("--workers", type=int, default=None, help="Default: $WEB_WORKERS or 2")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            port = opts["port"] or envint("PORT", 8000, minimum=1, maximum=65535)
            workers = opts["workers"] or envint("WEB_WORKERS", 2, minimum=1, maximum=64)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        call_command("check", deploy=False)  # refuses to start with, e.g., a policy pack that does not load
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = None
        if not opts["no_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "conduct.cli", "worker"])
        try:
            _run_gunicorn(bind=f"{opts['host']}:{port}", workers=workers)
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
            self.stdout.write("Stopped.")


def _run_gunicorn(*, bind: str, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    from conduct.config.wsgi import application

    class App(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {
                "bind": bind,
                "workers": workers,
                "worker_class": "gthread",
                "threads": 4,
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
