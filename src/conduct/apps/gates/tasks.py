"""Background gate jobs (run by `conduct worker`; `conduct gate recheck` runs the re-check by hand)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from conduct.apps.accounts.actors import SCHEDULER
from conduct.apps.gates.services.recheck import gate_recheck


@task()
def recheck_decisions(trigger: str = "scheduler", list_version: int | None = None) -> dict[str, Any]:
    """Re-check earlier allowed and approved decisions against the data in force: daily (a new pack or new
    reference data is caught the day it is deployed; a data version already re-checked is skipped) and after
    every list load (queued by the ListVersionLoaded handler)."""
    force = list_version is not None
    return gate_recheck(actor=SCHEDULER, trigger=trigger, list_version=list_version, force=force).to_dict()
