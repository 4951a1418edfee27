"""Writes for committees and their membership. Each is audited."""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import require
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Invalid
from conduct.apps.governance.models import Case, Committee, CommitteeMember

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@transaction.atomic
def committee_create(*, actor: User | None, slug: str, name: str, mandate: str, description: str = "") -> Committee:
    if actor is not None:
        require(actor, "committees.manage")
    errors = {}
    if not _SLUG.match(slug or ""):
        errors["slug"] = "Use lower-case letters, digits and hyphens."
    if not (name or "").strip():
        errors["name"] = "A name is required."
    if mandate not in Committee.Mandate.values:
        errors["mandate"] = "Expected decides or advises."
    if errors:
        raise Invalid("The committee is not valid.", fields=errors)
    if Committee.objects.filter(slug=slug).exists():
        raise Conflict(f"A committee {slug!r} already exists.", fields={"slug": "Already in use."})
    committee = Committee.objects.create(slug=slug, name=name.strip(), mandate=mandate, description=description)
    ledger_append(actor=actor, action="committee.create", object_type="committee", object_id=committee.pk,
                  summary={"slug": slug, "name": committee.name, "mandate": mandate})
    return committee


@transaction.atomic
def committee_member_add(
    *, actor: User | None, committee: Committee, user: User, role: str = CommitteeMember.Role.MEMBER,
    term_start: date | None = None, term_end: date | None = None,
) -> CommitteeMember:
    if actor is not None:
        require(actor, "committees.manage")
    if role not in CommitteeMember.Role.values:
        raise Invalid("Unknown committee role.", fields={"role": f"Expected one of {', '.join(CommitteeMember.Role.values)}."})
    if user.is_portal:
        raise Invalid("Portal users cannot sit on a committee.", fields={"user": "Not an internal user."})
    if term_start and term_end and term_end < term_start:
        raise Invalid("The term ends before it starts.", fields={"term_end": "Must be on or after term_start."})
    if CommitteeMember.objects.filter(committee=committee, user=user).exists():
        raise Conflict(f"{user.username} already sits on {committee.name}.")
    member = CommitteeMember.objects.create(
        committee=committee, user=user, role=role, **({"term_start": term_start} if term_start else {}), term_end=term_end
    )
    ledger_append(actor=actor, action="committee.member_add", object_type="committee", object_id=committee.pk,
                  summary={"user": user.username, "role": role, "term_end": term_end})
    return member


def case_open(
    *,
    actor: object,
    title: str,
    dimension: str,
    queue: str,
    source: str = "manual",
    description: str = "",
    gate_decision: object = None,
    org_unit: object = None,
    due_days: int | None = 14,
) -> Case:
    """Open a case for a committee (queue = its slug) or the officers' queue. Callers hold the transaction."""
    from datetime import timedelta

    from django.utils import timezone

    from conduct.apps.audit.services import actor_label
    from conduct.apps.governance.models import Dimension

    if dimension not in Dimension.values:
        raise Invalid("Unknown dimension.", fields={"dimension": f"Expected one of {', '.join(Dimension.values)}."})
    committee = Committee.objects.filter(slug=queue).first()
    case = Case.objects.create(
        title=title[:300],
        description=description,
        dimension=dimension,
        committee=committee,
        queue=queue,
        source=source,
        gate_decision=gate_decision,
        org_unit=org_unit,
        opened_by=actor_label(actor),
        due_at=timezone.now() + timedelta(days=due_days) if due_days else None,
    )
    ledger_append(actor=actor, action="case.open", object_type="case", object_id=case.pk,
                  summary={"title": case.title, "queue": queue, "source": source, "dimension": dimension,
                           "gate_decision": getattr(gate_decision, "pk", None)})
    return case
