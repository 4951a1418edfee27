"""Background product-security jobs (run by `conduct worker`; in-process under the tests' immediate backend):
the re-match after new vulnerability data or a new SBOM, and the periodic escalation of vulnerability reports
whose deadlines slipped (`conduct vulns escalate` runs it by hand)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task

from conduct.apps.accounts.actors import SCHEDULER
from conduct.apps.products.models import VulnerabilityReport
from conduct.apps.products.services.disclosure_triage import vulnreports_escalate_overdue
from conduct.apps.products.services.rematch import releases_rematch


@task()
def rematch_releases(release_ids: list[int] | None = None) -> dict[str, Any]:
    """Re-match the released releases (all, or those named) and alert on new KEV / CVSS >= 9.0 issues."""
    return releases_rematch(actor=SCHEDULER, release_ids=release_ids)


def forget_client_keys() -> int:
    """The intake limit counts the last hour only: older reports lose their hashed sender address
    (bookkeeping, not ledgered, like the login and reset throttles' own rows)."""
    old = VulnerabilityReport.objects.filter(received_at__lt=timezone.now() - timedelta(hours=1))
    return old.exclude(client_key="").update(client_key="")


@task()
def escalate_vulnerability_reports() -> int:
    """Escalate each slipped deadline of a vulnerability report once; forget old senders' address hashes."""
    made = vulnreports_escalate_overdue(actor=SCHEDULER)
    forget_client_keys()
    return len(made)
