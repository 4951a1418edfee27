"""Background screening jobs (run by `conduct worker`; in-process under the tests' immediate backend)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from conduct.apps.screening.indexes import current_lists
from conduct.apps.screening.services.delta import delta_screen


@task()
def screen_list_delta(watch_list_id: int) -> dict[str, Any]:
    """Screen stored parties against what changed in a list since they were last screened against it, then
    build the list's new full index here, so its signed cache file is ready before the web processes need
    it."""
    summary = delta_screen(watch_list_id=watch_list_id)
    current_lists()
    return summary
