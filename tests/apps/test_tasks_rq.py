"""The RQ task backend (issue 23 §5): tasks go through Redis and `conduct worker` runs them. These tests run
only in `make test-rq` (TASKS_BACKEND=django_tasks_rq.RQBackend, Redis at REDIS_URL); that stage also runs the
other task tests again with every job passing through Redis (RQ's synchronous mode on the "default" queue)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command

from conduct.apps.screening.models import WatchList
from conduct.apps.screening.tasks import fetch_list_sources, screen_list_delta

RQ = "django_tasks_rq.RQBackend"
if settings.TASKS["default"]["BACKEND"] != RQ:  # not collected at all: no transactional test to tear down
    pytest.skip("make test-rq runs these (Redis)", allow_module_level=True)
pytestmark = pytest.mark.django_db(transaction=True)  # the RQ worker closes this thread's connection first


def _empty(queue_name: str) -> None:
    import django_rq

    django_rq.get_queue(queue_name).empty()


def test_a_task_enqueued_on_redis_waits_for_the_worker_which_runs_it_and_stores_its_result() -> None:
    _empty("rq_async")
    watch_list = WatchList.objects.order_by("pk").first()
    assert watch_list is not None
    queued = screen_list_delta.using(queue_name="rq_async").enqueue(watch_list.pk)
    fetched = fetch_list_sources.using(queue_name="rq_async").enqueue()
    queued.refresh()
    assert queued.status == "READY"  # in Redis, not run yet
    call_command("worker", "--burst")
    queued.refresh()
    fetched.refresh()
    assert (queued.status, fetched.status) == ("SUCCESSFUL", "SUCCESSFUL")
    assert isinstance(queued.return_value, dict) and fetched.return_value == {}


def test_the_default_queue_in_the_tests_runs_each_job_through_redis_as_it_is_enqueued() -> None:
    result = fetch_list_sources.enqueue()
    result.refresh()  # read back from Redis
    assert result.backend == "default" and result.status == "SUCCESSFUL"
    assert result.return_value == {}
