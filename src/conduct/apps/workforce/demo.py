"""The demo's own operations (data/demo/organisation.yaml, `workforce:`), loaded by `conduct demo load`.

Idempotent: nothing is loaded again once the first site exists. The working time is generated (pseudonymous
references "<SITE>-W0001" ...) and imported through the same service as a file, so the factory's peak season
raises its finding and corrective action as a real import would.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from conduct.apps.accounts.actors import DEMO
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.workforce import services
from conduct.apps.workforce.models import OwnSite, TrainingCourse
from conduct.events import suppliers as records


def _hours_csv(specs: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    out.write(",".join(services.COLUMNS) + "\n")
    for spec in specs:
        first = date.fromisoformat(spec["first_week"])
        n = 0
        for week in range(spec["weeks"]):
            for worker in range(1, spec["workers"] + 1):
                n += 1
                regular, overtime, rest = "44", "6.5", 1
                slot = n % 10
                if slot < spec["over"]:  # over a limit: overtime, no rest day, or both and long hours
                    regular, overtime, rest = [("46", "15", 1), ("48", "8", 0), ("52", "16", 0)][slot % 3]
                ref = f"{spec['site'].upper()}-W{worker:04d}"
                out.write(
                    f"{spec['site']},{ref},{first + timedelta(weeks=week)},{regular},{overtime},{rest}\n"
                )
    return out.getvalue()


def _records(spec: dict[str, Any], sites: dict[str, OwnSite]) -> None:
    for c in spec.get("certificates", []):
        fields = {k: v for k, v in c.items() if k != "site"}
        records.own_site_certificate_create(actor=DEMO, site=sites[c["site"]], **fields)
    for a in spec.get("audits", []):
        services.site_audit_record(
            actor=DEMO,
            site=sites[a["site"]],
            audit={k: a[k] for k in ("kind", "date", "auditor", "scope")},
            findings=a.get("findings", []),
        )


@transaction.atomic
def load_demo_workforce(spec: dict[str, Any] | None) -> int:
    if not spec or OwnSite.objects.filter(code=spec["sites"][0]["code"]).exists():
        return 0
    sites: dict[str, OwnSite] = {}
    for s in spec["sites"]:
        sites[s["code"]] = services.site_create(
            actor=DEMO,
            code=s["code"],
            name=s["name"],
            kind=s["kind"],
            org_unit=OrgUnit.objects.get(code=s["unit"]),
            country=s["country"],
            headcount=s["headcount"],
            liaison=User.objects.filter(username=s.get("liaison", "")).first(),
        )
    _records(spec, sites)
    if spec.get("hours"):
        services.hours_import(
            actor=DEMO, text=_hours_csv(spec["hours"]), commit=True, file_name="demo-hours.csv"
        )
    for i in spec.get("incidents", []):
        services.incident_record(
            actor=DEMO, site=sites[i["site"]], **{k: v for k, v in i.items() if k != "site"}
        )
    for h in spec.get("hours_worked", []):
        for month in h["months"]:
            services.hours_worked_record(actor=DEMO, site=sites[h["site"]], month=month, hours=h["hours"])
    _people(spec)
    return len(sites)


def _people(spec: dict[str, Any]) -> None:
    """Policies (submitted and approved by the demo), attestation campaigns with some acknowledgements and a
    reminder for the rest, and the training courses with the learning system's export."""
    versions = {}
    for p in spec.get("policies", []):
        version = services.policy_create(
            actor=DEMO,
            key=p["key"],
            title=p["title"],
            org_unit=OrgUnit.objects.get(code=p["unit"]),
            body=p["body"],
            next_review=p["next_review"],
        )
        services.policy_version_submit(actor=DEMO, version=version)
        versions[p["key"]] = services.policy_version_approve(actor=DEMO, version=version)
    for a in spec.get("attestations", []):
        campaign = services.campaign_create(
            actor=DEMO,
            version=versions[a["policy"]],
            roles=a["roles"],
            units=list(OrgUnit.objects.filter(code__in=a["units"])),
            due_date=timezone.localdate() + timedelta(days=a["due_in_days"]),
        )
        for username in a.get("acknowledged_by", []):
            services.attestation_acknowledge(actor=User.objects.get(username=username), campaign=campaign)
        if a.get("remind"):
            services.campaign_remind(actor=DEMO, campaign=campaign)
    training = spec.get("training") or {}
    for c in training.get("courses", []):
        services.course_create(actor=DEMO, **c)
    if training.get("completions"):
        services.training_import(actor=DEMO, text=training["completions"])
    for a in training.get("assignments", []):
        services.assignment_create(
            actor=DEMO,
            course=TrainingCourse.objects.get(code=a["course"]),
            rule=a["rule"],
            roles=a.get("roles", []),
            unit=OrgUnit.objects.get(code=a["unit"]) if a.get("unit") else None,
            due_date=timezone.localdate() + timedelta(days=a["due_in_days"]) if "due_in_days" in a else None,
            due_days=a.get("due_days", 0),
        )
