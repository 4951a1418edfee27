"""`conduct worker` makes the name-dictionary file ready before it takes tasks (a worker whose cache directory
no web node shares would look names up in rigour's own dictionary otherwise); `--burst` does not."""

from __future__ import annotations

from django.core.management import call_command

from conduct.apps.screening import dictionary
from conduct.apps.web.management.commands import worker


def test_a_long_running_worker_readies_the_name_dictionary_first_and_a_burst_does_not(monkeypatch, settings):
    calls: list[str] = []
    monkeypatch.setattr(dictionary, "ensure", lambda: calls.append("ensure") or True)
    monkeypatch.setattr(worker, "call_command", lambda name, **_: calls.append(name))
    monkeypatch.setattr(worker, "hold_running_lock", lambda home: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    call_command("worker", "--no-scheduler")
    assert calls == ["ensure", "db_worker"]
    calls.clear()
    call_command("worker", "--burst")
    assert calls == ["db_worker"]


def test_a_dictionary_that_cannot_be_built_leaves_the_worker_running(monkeypatch, settings, caplog):
    def broken() -> bool:
        raise OSError("read-only cache directory")

    calls: list[str] = []
    monkeypatch.setattr(dictionary, "ensure", broken)
    monkeypatch.setattr(worker, "call_command", lambda name, **_: calls.append(name))
    monkeypatch.setattr(worker, "hold_running_lock", lambda home: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    call_command("worker", "--no-scheduler")
    assert calls == ["db_worker"] and "name dictionary file not ready" in caplog.text
