"""Background work for the web layer: the daily removal of stale temporary upload files."""

from __future__ import annotations

from django_tasks import task

from conduct.apps.web.uploads import clean_upload_tmp


@task()
def daily_upload_cleanup() -> int:
    """Remove temporary upload files untouched for an hour (left by a process killed during an upload)."""
    return clean_upload_tmp(older_than_seconds=3600)
