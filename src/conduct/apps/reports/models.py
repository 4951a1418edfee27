"""The human-rights risk register (salient issues rated by UNGP salience) and the published transparency
reports."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.governance.models import HumanRight


class RiskDimension(models.TextChoices):
    PRODUCT = "product", _("Product misuse")
    LABOUR = "labour", _("Labour in own operations")
    SUPPLY_CHAIN = "supply_chain", _("Supply chain")


class RiskStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


def _rating() -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField()


class SalientRisk(models.Model):
    """A salient human-rights issue. The four ratings are core.risk.salience's inputs (1-5); severity, score
    and band are its outputs, stored so the register and heat map sort and count on one table. Residual risk
    keeps the severity (mitigation does not make a harm less grave once it happens) at the likelihood that
    remains with the mitigating controls working."""

    code = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    dimension = models.CharField(max_length=20, choices=RiskDimension.choices, db_index=True)
    rights = models.JSONField(default=list, help_text="HumanRight values affected")
    people_affected = models.TextField(
        help_text="Who would be harmed: users' targets, workers, communities ..."
    )
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", help_text="Owning unit")
    scope_units = models.ManyToManyField(OrgUnit, blank=True, related_name="+")
    scope_suppliers = models.ManyToManyField("suppliers.Supplier", blank=True, related_name="+")
    scope_products = models.JSONField(default=list, blank=True, help_text="Product lines or models")
    scale = _rating()
    scope = _rating()  # how many people (UNGP "scope"), not the org scope above
    irremediability = _rating()
    likelihood = _rating()
    residual_likelihood = _rating()
    severity = _rating()
    score = _rating()
    band = models.CharField(max_length=10)
    residual_score = _rating()
    residual_band = models.CharField(max_length=10)
    explanation = models.JSONField(default=list)
    controls = models.ManyToManyField("catalog.Control", blank=True, related_name="risks")
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def rights_display(self) -> list[str]:
        labels = dict(HumanRight.choices)
        return [labels.get(r, r) for r in self.rights]


class LinkKind(models.TextChoices):
    CASE = "case", _("Case")
    GATE_DECISION = "gate_decision", _("Gate decision")
    FINDING = "finding", _("Audit finding")


class RiskLink(models.Model):
    """A case, gate decision or audit finding that concerns a salient risk."""

    risk = models.ForeignKey(SalientRisk, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    case = models.ForeignKey(
        "governance.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gate_decision = models.ForeignKey(
        "gates.GateDecision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finding = models.ForeignKey(
        "suppliers.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["risk_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "case"], condition=models.Q(case__isnull=False), name="risk_link_case"
            ),
            models.UniqueConstraint(
                fields=["risk", "gate_decision"],
                condition=models.Q(gate_decision__isnull=False),
                name="risk_link_decision",
            ),
            models.UniqueConstraint(
                fields=["risk", "finding"],
                condition=models.Q(finding__isnull=False),
                name="risk_link_finding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_id} -> risk {self.risk_id}"

    @property
    def target_id(self) -> int | None:
        return self.case_id or self.gate_decision_id or self.finding_id


class ReportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    BUILDING = "building", _("Building")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")


class Report(models.Model):
    """One build of the annual transparency report. Once published its folder is frozen: the manifest lists
    every file's sha256 and is signed, with the ledger checkpoint made at publication."""

    year = models.PositiveSmallIntegerField(db_index=True)
    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.CharField(max_length=200)
    requested_at = models.DateTimeField(default=timezone.now)
    built_at = models.DateTimeField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    files = models.JSONField(default=list, blank=True, help_text="[{path, sha256, bytes}] as in the manifest")
    checkpoint = models.ForeignKey(
        "audit.Checkpoint", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    publication_seq = models.PositiveBigIntegerField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Transparency report {self.year} (#{self.pk}, {self.state})"
