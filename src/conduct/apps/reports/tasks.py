"""Background work of the reports app: building a requested transparency report."""

from __future__ import annotations

from django_tasks import task

from conduct.apps.reports.building import report_build_queued


@task()
def build_report_task(report_id: int) -> str:
    return report_build_queued(report_id=report_id)
