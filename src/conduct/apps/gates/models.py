"""Gate decisions (immutable once made) and the policy pack versions they were made under."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit, User
from conduct.core.policy import GATES

# The gates are named once, by the policy engine (conduct.core.policy.GATES); the choices follow it, each
# labelled by its name ("sales_deal" -> "Sales deal"), translated where the label is known.
GATE_LABELS = {
    "sales_deal": _("Sales deal"),
    "app_launch": _("App launch"),
    "supplier_onboarding": _("Supplier onboarding"),
    "product_release": _("Product release"),
}
Gate = models.TextChoices(  # type: ignore[misc]
    "Gate",
    [(name.upper(), (name, GATE_LABELS.get(name, name.replace("_", " ").capitalize()))) for name in GATES],
)


class Outcome(models.TextChoices):
    ALLOW = "allow", _("Allow")
    REVIEW = "review", _("Review")
    DENY = "deny", _("Deny")


class PolicyPackVersion(models.Model):
    """A pack version seen by this installation: its content hash and the rules it held."""

    version = models.CharField(max_length=80, unique=True)
    path = models.CharField(max_length=500)
    rule_count = models.PositiveIntegerField()
    rules = models.JSONField(default=list)
    reference_version = models.CharField(max_length=80, blank=True)
    first_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-first_used_at"]

    def __str__(self) -> str:
        return self.version


class GateDecision(models.Model):
    """What the policy decided for one subject at one gate. Never edited: an override is a case decision."""

    # Indexes are only those reads use (every one is written by every decision): gate and reference lead
    # gate_decision_latest; the list filters on outcome and reference (a substring) within created_at order.
    gate = models.CharField(max_length=30, choices=Gate.choices)
    reference = models.CharField(max_length=200, blank=True)
    subject = models.JSONField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    result = models.JSONField(help_text="The full explained decision")
    policy_version = models.CharField(max_length=80)
    as_of = models.DateField()
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    request_hash = models.CharField(max_length=64)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="later"
    )
    # Set once, by a recorded case decision (governance): the outcome the business must follow instead.
    resolution_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    resolution_rationale = models.TextField(blank=True)
    resolution_case = models.ForeignKey(
        "governance.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolved_decisions",
        db_index=False,  # indexed only where set (gate_decision_resolution_case)
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["gate", "reference", "-created_at", "-id"], name="gate_decision_latest"),
            models.Index(
                fields=["resolution_case"],
                condition=models.Q(resolution_case__isnull=False),
                name="gate_decision_resolution_case",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["actor_label", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="gate_decision_idempotency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_gate_display()} {self.reference or self.pk}: {self.outcome}"

    @property
    def effective_outcome(self) -> str:
        return self.resolution_outcome or self.outcome

    @property
    def reasons(self) -> list[dict[str, Any]]:  # stored JSON
        return list(self.result.get("reasons", []))

    @property
    def open_to_resolution(self) -> bool:
        """Whether a case decision may (still) resolve it: never resolved, or a re-check flagged it after its
        resolution (its cases were reopened, and their new decision is the one the business must follow)."""
        if self.resolved_at is None:
            return True
        return self.recheck_findings.filter(created_at__gt=self.resolved_at).exists()


class RecheckRun(models.Model):
    """One re-check of earlier allowed or approved decisions against the reference data, pack and lists."""

    trigger = models.CharField(max_length=40)  # cli, scheduler, list_loaded
    data_version = models.CharField(max_length=300)  # pack version | reference version [| list version]
    policy_version = models.CharField(max_length=80)
    reference_version = models.CharField(max_length=80)
    actor_label = models.CharField(max_length=200)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    checked = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Re-check {self.pk} ({self.trigger}): {self.found} of {self.checked}"


class RecheckFinding(models.Model):
    """An earlier allowed or approved decision that the current data would deny; its cases were reopened."""

    run = models.ForeignKey(RecheckRun, on_delete=models.PROTECT, related_name="findings")
    decision = models.ForeignKey(GateDecision, on_delete=models.PROTECT, related_name="recheck_findings")
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data_version = models.CharField(max_length=300)
    was_outcome = models.CharField(max_length=10, choices=Outcome.choices)
    new_outcome = models.CharField(max_length=10, choices=Outcome.choices)
    result = models.JSONField(help_text="The decision the current data gives (reasons, versions)")
    case_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "data_version"], name="recheck_finding_once_per_data")
        ]

    def __str__(self) -> str:
        return f"Decision {self.decision_id} would now be {self.new_outcome}"

    @property
    def reasons(self) -> list[dict[str, Any]]:
        return [r for r in self.result.get("reasons", []) if r.get("outcome") != "allow"]
