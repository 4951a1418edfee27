"""Policies: versions in Markdown, reviewed (submitted by one person, approved by another) and published with
a next-review date; attestation campaigns that assign a published version to roles in org units, the
acknowledgements, and reminders to those who have not acknowledged yet."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.accounts.actors import Actor, SystemActor
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.accounts.roles import Role
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Forbidden, Invalid, NotFound, raise_if
from conduct.apps.notifications.messages import message
from conduct.apps.notifications.services import notify
from conduct.apps.workforce.models import (
    Attestation,
    AttestationCampaign,
    Policy,
    PolicyStatus,
    PolicyVersion,
)
from conduct.apps.workforce.services._common import WorkforceAction, who

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_BODY = 200_000


def _date(value: Any, field: str, errors: dict[str, str], *, future: bool) -> date | None:
    try:
        parsed = value if isinstance(value, date) else date.fromisoformat(str(value or ""))
    except ValueError:
        errors[field] = _("A date as YYYY-MM-DD.")
        return None
    if future and parsed <= timezone.localdate():
        errors[field] = _("A date after today.")
    return parsed


def _body(body: str, errors: dict[str, str]) -> str:
    text = (body or "").strip()
    if not text or len(text) > MAX_BODY or "\x00" in text:
        errors["body"] = _("The policy text in Markdown, 1-%(n)d characters.") % {"n": MAX_BODY}
    return text


@transaction.atomic
def policy_create(
    *, actor: Actor, key: str, title: str, org_unit: OrgUnit, body: str, next_review: Any
) -> PolicyVersion:
    """A policy and its first version (a draft)."""
    authorize(actor, "policies.manage", unit=org_unit)
    errors: dict[str, str] = {}
    key = (key or "").strip().lower()
    if not KEY.match(key):
        errors["key"] = _("1-64 lower-case letters, digits and dashes.")
    title = (title or "").strip()
    if not title or len(title) > 200 or "\x00" in title:
        errors["title"] = _("A title of 1-200 characters.")
    text = _body(body, errors)
    review = _date(next_review, "next_review", errors, future=True)
    raise_if(errors, _("The policy is not valid."))
    if Policy.objects.filter(key=key).exists():
        raise Conflict(_("A policy %(key)s exists.") % {"key": key}, fields={"key": _("Taken.")})
    policy = Policy.objects.create(key=key, title=title, org_unit=org_unit)
    version = PolicyVersion.objects.create(policy=policy, number=1, body=text, next_review=review)
    ledger_append(
        actor=actor,
        action=WorkforceAction.POLICY_CREATE,
        object_type="policy_version",
        object_id=version.pk,
        summary={"policy": key, "number": 1, "next_review": review},
    )
    return version


@transaction.atomic
def policy_version_create(*, actor: Actor, policy: Policy, body: str, next_review: Any) -> PolicyVersion:
    authorize(actor, "policies.manage", unit=policy.org_unit)
    errors: dict[str, str] = {}
    text = _body(body, errors)
    review = _date(next_review, "next_review", errors, future=True)
    raise_if(errors, _("The version is not valid."))
    if policy.versions.filter(status__in=[PolicyStatus.DRAFT, PolicyStatus.IN_REVIEW]).exists():
        raise Conflict(_("The policy already has a version in draft or review."))
    number = (policy.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PolicyVersion.objects.create(policy=policy, number=number, body=text, next_review=review)
    ledger_append(
        actor=actor,
        action=WorkforceAction.POLICY_CREATE,
        object_type="policy_version",
        object_id=version.pk,
        summary={"policy": policy.key, "number": number, "next_review": review},
    )
    return version


@transaction.atomic
def policy_version_submit(*, actor: Actor, version: PolicyVersion) -> PolicyVersion:
    authorize(actor, "policies.manage", unit=version.policy.org_unit)
    if version.status != PolicyStatus.DRAFT:
        raise Conflict(_("Only a draft is submitted for review."))
    version.status, version.submitted_by = PolicyStatus.IN_REVIEW, who(actor)
    version.save(update_fields=["status", "submitted_by"])
    ledger_append(
        actor=actor,
        action=WorkforceAction.POLICY_SUBMIT,
        object_type="policy_version",
        object_id=version.pk,
        summary={"policy": version.policy.key, "number": version.number},
    )
    return version


@transaction.atomic
def policy_version_approve(*, actor: Actor, version: PolicyVersion) -> PolicyVersion:
    """Approve a version in review and publish it (the published one before it retires). The approver is
    not the person who submitted it (four eyes; the system actors of the CLI and demo excepted)."""
    authorize(actor, "policies.manage", unit=version.policy.org_unit)
    if version.status != PolicyStatus.IN_REVIEW:
        raise Conflict(_("Only a version in review is approved."))
    if not isinstance(actor, SystemActor) and version.submitted_by == who(actor):
        raise Forbidden(_("Someone other than the submitter approves a policy."), code="four_eyes")
    version.policy.versions.filter(status=PolicyStatus.PUBLISHED).update(status=PolicyStatus.RETIRED)
    version.status, version.approved_by, version.published_at = (
        PolicyStatus.PUBLISHED,
        who(actor),
        timezone.now(),
    )
    version.save(update_fields=["status", "approved_by", "published_at"])
    ledger_append(
        actor=actor,
        action=WorkforceAction.POLICY_PUBLISH,
        object_type="policy_version",
        object_id=version.pk,
        summary={"policy": version.policy.key, "number": version.number, "next_review": version.next_review},
    )
    return version


def _audience(roles: list[str], units: list[OrgUnit]) -> list[User]:
    q = Q()
    for unit in units:
        q |= Q(home_unit__path__startswith=unit.path)
    return list(
        User.objects.filter(q, role__in=roles, is_active=True, home_unit__isnull=False).order_by("pk")
    )


@transaction.atomic
def campaign_create(
    *, actor: Actor, version: PolicyVersion, roles: list[str], units: list[OrgUnit], due_date: Any
) -> AttestationCampaign:
    """Assign a published version to the active people of `roles` at home in the subtrees of `units`."""
    authorize(actor, "policies.manage")
    errors: dict[str, str] = {}
    if version.status != PolicyStatus.PUBLISHED:
        errors["version"] = _("Only a published version is attested.")
    internal = set(Role.values) - {"supplier", "customer", "customer_approver", "auditor", "investigator"}
    if not roles or set(roles) - internal:
        errors["roles"] = _("One or more internal roles: %(r)s.") % {"r": ", ".join(sorted(internal))}
    if not units:
        errors["units"] = _("One or more org units.")
    due = _date(due_date, "due_date", errors, future=True)
    raise_if(errors, _("The campaign is not valid."))
    people = _audience(roles, units)
    if not people:
        raise Invalid(_("Nobody to attest."), fields={"units": _("No active people of those roles there.")})
    campaign = AttestationCampaign.objects.create(
        version=version, roles=sorted(set(roles)), due_date=due, created_by=who(actor)
    )
    campaign.units.set(units)
    Attestation.objects.bulk_create(
        [Attestation(campaign=campaign, user=u, unit=u.home_unit) for u in people]
    )
    notify(
        users=people,
        kind="assignment",
        text=message(
            gettext_lazy("Please read and acknowledge %(title)s (version %(n)d) by %(due)s."),
            title=version.policy.title,
            n=version.number,
            due=due,
        ),
        link=f"/workforce/campaigns/{campaign.pk}/",
    )
    ledger_append(
        actor=actor,
        action=WorkforceAction.CAMPAIGN_CREATE,
        object_type="attestation_campaign",
        object_id=campaign.pk,
        summary={
            "version": version.pk,
            "roles": campaign.roles,
            "units": [u.code for u in units],
            "people": len(people),
        },
    )
    return campaign


@transaction.atomic
def attestation_acknowledge(*, actor: Actor, campaign: AttestationCampaign) -> Attestation:
    """The actor acknowledges the campaign's policy version (their own assignment only)."""
    authorize(actor, "policies.attest")
    if not isinstance(actor, User):
        raise Forbidden(_("Only a person acknowledges a policy."), code="person_required")
    row = Attestation.objects.select_for_update().filter(campaign=campaign, user=actor).first()
    if row is None:
        raise NotFound(_("This policy is not assigned to you."))
    if row.acknowledged_at is None:
        row.acknowledged_at = timezone.now()
        row.save(update_fields=["acknowledged_at"])
        ledger_append(
            actor=actor,
            action=WorkforceAction.ATTESTATION_ACKNOWLEDGE,
            object_type="attestation",
            object_id=row.pk,
            summary={"campaign": campaign.pk, "version": campaign.version_id},
        )
    return row


@transaction.atomic
def campaign_remind(*, actor: Actor, campaign: AttestationCampaign) -> int:
    """Remind everyone who has not acknowledged yet (a notification each); returns how many."""
    authorize(actor, "policies.manage")
    pending = list(campaign.attestations.filter(acknowledged_at__isnull=True).select_related("user"))
    if pending:
        notify(
            users=[a.user for a in pending],
            kind="deadline",
            text=message(
                gettext_lazy("Reminder: acknowledge %(title)s by %(due)s."),
                title=campaign.version.policy.title,
                due=campaign.due_date,
            ),
            link=f"/workforce/campaigns/{campaign.pk}/",
        )
        for a in pending:
            a.reminders += 1
        Attestation.objects.bulk_update(pending, ["reminders"])
    campaign.reminded_at = timezone.now()
    campaign.save(update_fields=["reminded_at"])
    ledger_append(
        actor=actor,
        action=WorkforceAction.CAMPAIGN_REMIND,
        object_type="attestation_campaign",
        object_id=campaign.pk,
        summary={"reminded": len(pending)},
    )
    return len(pending)
