"""Scoped reads of policies, attestation campaigns and training (the selectors of issue 19's section 4).

Every internal user reads published policies and the campaigns; completion per unit and the names of those
who have not acknowledged (the gaps) are shown for the units the reader sees under workforce.view (liaisons:
their units; staff and auditors: all)."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize, can, scoped
from conduct.apps.errors import NotFound
from conduct.apps.workforce.models import (
    Attestation,
    AttestationCampaign,
    Policy,
    PolicyStatus,
    PolicyVersion,
    TrainingCompletion,
    TrainingCourse,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@functools.cache
def _markdown() -> MarkdownIt:
    """The renderer, made on first use (markdown-it's import is paid by the processes that render)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})  # raw HTML in a policy is shown as text, never run


def render_markdown(body: str) -> SafeString:
    return mark_safe(_markdown().render(body))  # noqa: S308 - markdown-it escapes text; raw HTML is disabled


def policy_list(*, actor: User) -> QuerySet[Policy]:
    authorize(actor, "policies.view")
    return Policy.objects.select_related("org_unit").prefetch_related("versions")


def version_get(*, actor: User, version_id: int) -> PolicyVersion:
    """A published or retired version for any reader; drafts and versions in review for staff only."""
    authorize(actor, "policies.view")
    found = PolicyVersion.objects.select_related("policy", "policy__org_unit").filter(pk=version_id).first()
    hidden = found is not None and found.status in (PolicyStatus.DRAFT, PolicyStatus.IN_REVIEW)
    if found is None or (hidden and not can(actor, "policies.manage")):
        raise NotFound(_("No policy version %(id)d that you may read.") % {"id": version_id})
    return found


def version_to_manage(*, actor: User, version_id: int) -> PolicyVersion:
    """A version to submit or approve: 403 for a role that may not manage policies (before the read, which
    hides drafts from other roles), then as version_get."""
    authorize(actor, "policies.manage")
    return version_get(actor=actor, version_id=version_id)


def campaign_list(*, actor: User) -> QuerySet[AttestationCampaign]:
    authorize(actor, "policies.view")
    return AttestationCampaign.objects.select_related("version__policy")


def campaign_get(*, actor: User, campaign_id: int) -> AttestationCampaign:
    found = campaign_list(actor=actor).filter(pk=campaign_id).first()
    if found is None:
        raise NotFound(_("No attestation campaign %(id)d.") % {"id": campaign_id})
    return found


@dataclass(frozen=True)
class UnitCompletion:
    unit: str
    assigned: int
    done: int
    share: float
    missing: list[str]  # usernames of those who have not acknowledged (or completed) yet


def _units(rows: list[tuple[str, str, bool]]) -> list[UnitCompletion]:
    by_unit: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for unit, username, acknowledged in rows:
        by_unit[unit].append((username, acknowledged))
    out = []
    for unit in sorted(by_unit):
        members = by_unit[unit]
        count = sum(1 for _u, d in members if d)
        out.append(
            UnitCompletion(
                unit,
                len(members),
                count,
                round(count / len(members), 4),
                sorted(u for u, d in members if not d),
            )
        )
    return out


def campaign_completion(*, actor: User, campaign: AttestationCampaign) -> list[UnitCompletion]:
    rows = scoped(
        Attestation.objects.filter(campaign=campaign), actor, permission="workforce.view", unit_field="unit"
    ).values_list("unit__code", "user__username", "acknowledged_at")
    return _units([(u, n, at is not None) for u, n, at in rows])


def my_attestation(*, actor: User, campaign: AttestationCampaign) -> Attestation | None:
    return Attestation.objects.filter(campaign=campaign, user_id=actor.pk).first()


def training_completion(*, actor: User) -> dict[str, list[UnitCompletion]]:
    """Per course, per unit: the active people of the course's roles, and those holding a valid completion."""
    authorize(actor, "workforce.view")
    today = timezone.localdate()
    people = scoped(
        User.objects.filter(is_active=True, home_unit__isnull=False),
        actor,
        permission="workforce.view",
        unit_field="home_unit",
    ).values_list("pk", "username", "role", "home_unit__code")
    valid = set(
        TrainingCompletion.objects.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)).values_list(
            "course_id", "user_id"
        )
    )
    out: dict[str, list[UnitCompletion]] = {}
    for course in TrainingCourse.objects.all():
        rows = [
            (unit, name, (course.pk, pk) in valid) for pk, name, role, unit in people if role in course.roles
        ]
        out[course.code] = _units(rows)
    return out


def training_courses(*, actor: User) -> list[Any]:
    authorize(actor, "workforce.view")
    return list(TrainingCourse.objects.all())


def people_figures() -> dict[str, Any]:
    """For the transparency report (the whole company): each campaign's acknowledged share and each
    course's share of its audience holding a valid completion, today."""
    campaigns = []
    for c in AttestationCampaign.objects.select_related("version__policy").order_by("created_at", "id"):
        total = c.attestations.count()
        done = c.attestations.filter(acknowledged_at__isnull=False).count()
        campaigns.append(
            {
                "policy": f"{c.version.policy.title} v{c.version.number}",
                "assigned": total,
                "done": done,
                "share": round(done / total, 4) if total else None,
            }
        )
    today = timezone.localdate()
    courses = []
    for course in TrainingCourse.objects.all():
        audience = User.objects.filter(is_active=True, role__in=course.roles)
        done = (
            audience.filter(training_completions__course=course)
            .filter(
                Q(training_completions__expires_on__isnull=True)
                | Q(training_completions__expires_on__gte=today)
            )
            .distinct()
            .count()
        )
        total = audience.count()
        courses.append(
            {
                "course": course.title,
                "assigned": total,
                "done": done,
                "share": round(done / total, 4) if total else None,
            }
        )
    return {"attestations": campaigns, "training": courses}
