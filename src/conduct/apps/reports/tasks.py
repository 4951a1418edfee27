"""Background work of the reports app: building a requested transparency report."""

from __future__ import annotations

from django_tasks import task


@task()
def build_report_task(report_id: int) -> str:
    from conduct.apps.reports.services import report_build_queued

    return report_build_queued(report_id=report_id)
