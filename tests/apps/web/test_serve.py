"""`conduct serve`: the server's shape (processes x threads) and its settings' errors."""

from __future__ import annotations

import os
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conduct.apps.web.management.commands import serve


@pytest.mark.parametrize(
    ("cpus", "memory_gb", "expected"),
    [(1, 24, 2), (2, 24, 4), (16, 64, 4), (None, 24, 2), (8, 2, 2), (8, 4.5, 3)],
)
def test_processes_default_to_twice_the_cpus_between_two_and_four_as_memory_allows(
    monkeypatch, cpus, memory_gb, expected
):
    monkeypatch.setattr(serve.os, "cpu_count", lambda: cpus)
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": int(memory_gb * 2**30 / 4096)}
    monkeypatch.setattr(serve.os, "sysconf", pages.__getitem__)
    assert serve.default_workers() == expected


@pytest.mark.parametrize(
    ("variable", "value"),
    [("WEB_THREADS", "0"), ("WEB_THREADS", "many"), ("WEB_WORKERS", "-1"), ("SCREENING_PRELOAD", "maybe")],
)
def test_a_bad_server_setting_stops_serve_naming_it(monkeypatch, variable, value):
    started = []
    monkeypatch.setattr(serve, "_preload_screening", lambda: started.append("preload"))
    monkeypatch.setattr(serve, "_run_gunicorn", lambda **kw: started.append(kw))
    monkeypatch.setenv(variable, value)
    with pytest.raises(CommandError, match=variable):
        call_command("serve", "--no-worker")
    assert started == []


def test_serve_passes_processes_and_threads_to_gunicorn(monkeypatch):
    started = []
    monkeypatch.setattr(serve, "_preload_screening", lambda: None)
    monkeypatch.setattr(serve, "_run_gunicorn", lambda **kw: started.append(kw))
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: None)  # no system check or collectstatic here
    held = []
    monkeypatch.setattr(serve, "hold_running_lock", held.append)
    monkeypatch.setenv("WEB_THREADS", "3")
    call_command("serve", "--no-worker", "--workers", "5", "--port", "8123", "--host", "127.0.0.1")
    assert started == [{"bind": "127.0.0.1:8123", "workers": 5, "threads": 3}]
    assert len(held) == 1  # it marks CONDUCT_HOME as in use before it serves


@pytest.mark.parametrize(("setting", "expected"), [(None, ["preload", "gunicorn"]), ("0", ["gunicorn"])])
def test_serve_loads_screening_once_before_gunicorn_forks_its_workers(monkeypatch, setting, expected):
    steps = []
    monkeypatch.setattr(serve, "_preload_screening", lambda: steps.append("preload"))
    monkeypatch.setattr(serve, "_run_gunicorn", lambda **kw: steps.append("gunicorn"))
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: None)
    monkeypatch.setattr(serve, "hold_running_lock", lambda home: None)
    if setting is None:
        monkeypatch.delenv("SCREENING_PRELOAD", raising=False)
    else:
        monkeypatch.setenv("SCREENING_PRELOAD", setting)
    call_command("serve", "--no-worker", "--port", "8123")
    assert steps == expected


def test_the_task_worker_is_forked_after_the_preload_and_stopped_by_the_server_alone(monkeypatch):
    steps = []
    monkeypatch.setattr(serve, "_preload_screening", lambda: steps.append("preload"))
    monkeypatch.setattr(serve, "_start_worker", lambda: steps.append("worker") or 4242)
    monkeypatch.setattr(serve, "_stop_worker", lambda pid: steps.append(("stop", pid)))
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: None)
    monkeypatch.setattr(serve, "hold_running_lock", lambda home: None)
    monkeypatch.setattr(serve, "_run_gunicorn", lambda **kw: steps.append("gunicorn"))
    call_command("serve", "--port", "8123")
    assert steps == ["preload", "worker", "gunicorn", ("stop", 4242)]

    # a gunicorn worker (a fork of the server) that leaves through serve leaves the task worker alone
    steps.clear()
    pids = iter([100, 200])  # the server's pid, then the gunicorn worker's
    monkeypatch.setattr(serve.os, "getpid", lambda: next(pids))
    call_command("serve", "--port", "8123")
    assert steps == ["preload", "worker", "gunicorn"]


def test_stopping_the_task_worker_ends_it_and_a_worker_already_gone_is_no_error():
    pid = os.fork()
    if pid == 0:  # a stand-in worker that waits to be stopped
        time.sleep(60)
        os._exit(0)
    serve._stop_worker(pid)
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: nothing left running
    serve._stop_worker(pid)  # gone already (as when gunicorn's master reaped it): no error


def test_the_preload_closes_its_connections_and_freezes_what_it_loaded(monkeypatch):
    steps = []
    monkeypatch.setattr(serve.screening_selectors, "preload", lambda: steps.append("preload") or 7)
    monkeypatch.setattr(serve.connections, "close_all", lambda: steps.append("close"))
    monkeypatch.setattr(serve.gc, "freeze", lambda: steps.append("freeze"))
    serve._preload_screening()
    # the workers open their own connections; the garbage collector leaves the shared pages alone
    assert steps == ["preload", "close", "freeze"]


def test_the_system_check_runs_in_a_child_and_its_failure_stops_serve(monkeypatch, capfd):
    # issue 23: what the check and collectstatic leave in memory stays out of the workers forked later; a
    # failing check still refuses to start the server, its findings printed
    from django.core.management.base import SystemCheckError

    started, parent = [], os.getpid()

    def failing(name, *args, **kwargs):
        if name == "check":
            assert os.getpid() != parent  # in the child
            raise SystemCheckError("SystemCheckError: conduct.E001 the policy pack does not load")

    monkeypatch.setattr(serve, "call_command", failing)
    monkeypatch.setattr(serve, "hold_running_lock", lambda home: started.append("lock"))
    monkeypatch.setattr(serve, "_preload_screening", lambda: started.append("preload"))
    monkeypatch.setattr(serve, "_run_gunicorn", lambda **kw: started.append("gunicorn"))
    with pytest.raises(CommandError, match="system check"):
        call_command("serve", "--no-worker", "--port", "8123")
    assert started == []
    assert "conduct.E001 the policy pack does not load" in capfd.readouterr().err


def test_the_url_map_is_loaded_before_the_workers_fork(monkeypatch):
    from django.urls import get_resolver

    steps = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: None)
    monkeypatch.setattr(serve, "hold_running_lock", lambda home: None)
    monkeypatch.setattr(serve, "_preload_screening", lambda: steps.append("preload"))
    resolver = get_resolver()
    loaded = resolver.__dict__.__contains__
    monkeypatch.setattr(serve, "_run_gunicorn", lambda **kw: steps.append(loaded("url_patterns")))
    get_resolver().__dict__.pop("url_patterns", None)  # as in a fresh server process
    call_command("serve", "--no-worker", "--port", "8123")
    assert steps == ["preload", True]
