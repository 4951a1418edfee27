"""The demo's grievances (data/demo/organisation.yaml, `grievances:`), loaded by `conduct demo load`.

Idempotent: the officer is made once, and the reports only while there are none. Reports go through the same
service as the public channel (without the proof of work); the one `handled_to: remedy` is then
acknowledged, investigated and given its remedy by the grievance officer.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from conduct.apps.accounts import services as accounts
from conduct.apps.accounts.actors import SYSTEM
from conduct.apps.accounts.models import User
from conduct.apps.grievances import services
from conduct.apps.grievances.models import Grievance


def _officers(spec: dict[str, Any], password: str) -> int:
    created = 0
    for u in spec.get("users", []):
        if User.objects.filter(username=u["username"]).exists():
            continue
        accounts.user_create(
            actor=SYSTEM,
            username=u["username"],
            role=u["role"],
            password=password,
            first_name=u.get("first_name", ""),
            last_name=u.get("last_name", ""),
            email=f"{u['username']}@demo.conduct.invalid",
        )
        created += 1
    return created


def _handle(grievance: Grievance, report: dict[str, Any], officer: User) -> None:
    steps = [("acknowledged", "Thank you; we are looking into it."), ("investigating", "Site visit planned.")]
    for to, reason in steps:
        services.grievance_transition(
            actor=officer, grievance_id=grievance.pk, to=to, reason=reason, dimension=report.get("dimension")
        )
    remedy = report["remedy"]
    services.grievance_remedy(
        actor=officer,
        grievance_id=grievance.pk,
        remedy_type=remedy["type"],
        description=remedy["description"],
        accepted=remedy.get("accepted"),
    )
    services.grievance_transition(
        actor=officer, grievance_id=grievance.pk, to="remedy", reason=remedy["description"]
    )


@transaction.atomic
def load_demo_grievances(spec: dict[str, Any] | None, password: str) -> int:
    if not spec:
        return 0
    created = _officers(spec, password)
    if Grievance.objects.exists():
        return created
    officer = User.objects.get(username=spec["users"][0]["username"])
    for report in spec.get("reports", []):
        grievance, _receipt = services.grievance_submit(
            report=services.Report(
                description=report["description"],
                relation=report.get("relation", "other"),
                location=report.get("location", ""),
                language=report.get("language", "en"),
                channel="web",
            ),
            demo=True,
        )
        created += 1
        if report.get("handled_to") == "remedy":
            _handle(grievance, report, officer)
    return created
