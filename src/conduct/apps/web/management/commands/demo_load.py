"""conduct demo load — the demo organisation from data/demo (idempotent: loads only what is missing)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from conduct.apps.access.demo import load_demo_access
from conduct.apps.accounts import investigators
from conduct.apps.accounts import services as accounts
from conduct.apps.accounts.actors import DEMO
from conduct.apps.accounts.models import Liaison, OrgUnit, User
from conduct.apps.commandkit import ConductCommand
from conduct.apps.engagement.demo import load_demo_engagement
from conduct.apps.governance import services as governance
from conduct.apps.governance.models import Committee, CommitteeMember
from conduct.apps.grievances.demo import load_demo_grievances
from conduct.apps.products.demo import load_demo_products
from conduct.apps.reports.demo import load_demo_risks
from conduct.apps.screening.demo import load_demo_screening
from conduct.apps.suppliers.demo import load_demo_suppliers
from conduct.apps.workforce.demo import load_demo_workforce
from conduct.datafiles import data_path


class Command(ConductCommand):
    help = gettext_noop(
        "Load the demo organisation (units, users, liaisons, committees, supply chain). Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=None)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = opts["file"] or data_path("demo", "organisation.yaml")
        try:
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        created = load_demo(spec)
        if not opts["quiet"]:
            self.stdout.write(
                _("Demo organisation %(company)s: %(created)s new records.")
                % {"company": spec["company"], "created": created}
            )


@transaction.atomic
def load_demo(spec: dict[str, Any]) -> int:
    created = _load_units(spec["units"])
    created += _load_users(spec["users"], spec["password"])
    created += _load_liaisons(spec.get("liaisons", {}))
    created += _load_committees(spec.get("committees", []))
    created += load_demo_suppliers(spec.get("supply_chain"))
    created += load_demo_risks(spec)
    created += load_demo_screening(spec.get("screening"))
    created += load_demo_access(spec.get("access"), spec["password"])
    created += load_demo_workforce(spec.get("workforce"))
    created += load_demo_grievances(spec.get("grievances"), spec["password"])
    created += load_demo_products(spec.get("products"))
    created += load_demo_engagement()
    created += _load_investigators(spec.get("investigators", []), spec["password"])
    return created


def _load_investigators(people: list[dict[str, Any]], password: str) -> int:
    """Investigator accounts whose access ends `days` after the load (docs/evidence.md)."""
    created = 0
    for spec in people:
        if User.objects.filter(username=spec["username"]).exists():
            continue
        accounts.user_create(
            actor=DEMO,
            username=spec["username"],
            role="investigator",
            password=password,
            first_name=spec.get("first_name", ""),
            last_name=spec.get("last_name", ""),
            email=f"{spec['username']}@demo.conduct.invalid",
        )
        investigators.investigator_grant(
            actor=DEMO,
            username=spec["username"],
            until=timezone.now() + timedelta(days=int(spec.get("days", 30))),
            units=spec.get("units", []),
            modules=spec.get("modules", []),
        )
        created += 1
    return created


def _load_units(units: list[dict[str, Any]]) -> int:
    created = 0
    for unit in units:
        if OrgUnit.objects.filter(code=unit["code"]).exists():
            continue
        parent = OrgUnit.objects.get(code=unit["parent"]) if unit.get("parent") else None
        accounts.orgunit_create(
            actor=DEMO,
            code=unit["code"],
            name=unit["name"],
            kind=unit["kind"],
            country=unit["country"],
            parent=parent,
        )
        created += 1
    return created


def _load_users(users: list[dict[str, Any]], password: str) -> int:
    created = 0
    for u in users:
        if User.objects.filter(username=u["username"]).exists():
            continue
        units = list(OrgUnit.objects.filter(code__in=u.get("units", [])))
        org = accounts.portal_org_create(actor=DEMO, name=u["org"], kind=u["role"]) if u.get("org") else None
        accounts.user_create(
            actor=DEMO,
            username=u["username"],
            role=u["role"],
            password=password,
            first_name=u.get("first_name", ""),
            last_name=u.get("last_name", ""),
            email=f"{u['username']}@demo.conduct.invalid",
            scope_units=units,
            home_unit=units[0] if units else None,
            portal_org=org,
        )
        created += 1
    return created


def _load_liaisons(liaisons: dict[str, list[str]]) -> int:
    created = 0
    for code, usernames in liaisons.items():
        unit = OrgUnit.objects.get(code=code)
        for username in usernames:
            user = User.objects.get(username=username)
            if not Liaison.objects.filter(user=user, org_unit=unit).exists():
                accounts.liaison_assign(actor=DEMO, user=user, unit=unit, is_primary=True)
                created += 1
    return created


def _load_committees(committees: list[dict[str, Any]]) -> int:
    created = 0
    for c in committees:
        committee = Committee.objects.filter(slug=c["slug"]).first()
        if committee is None:
            committee = governance.committee_create(
                actor=DEMO,
                slug=c["slug"],
                name=c["name"],
                mandate=c["mandate"],
                description=c.get("description", ""),
            )
            created += 1
        for m in c.get("members", []):
            user = User.objects.get(username=m["user"])
            if not CommitteeMember.objects.filter(committee=committee, user=user).exists():
                governance.committee_member_add(actor=DEMO, committee=committee, user=user, role=m["role"])
                created += 1
    return created
