"""The company's controls mapped to framework requirements, and assessments of a scope against a framework.

Requirements themselves are reference data (data/frameworks, conduct.core.catalog); rows here refer to them by
URN. `LibraryVersion` records each validated library version `conduct frameworks load` saw.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit, User


class LibraryVersion(models.Model):
    """A framework library version (content hash of every file) validated and recorded by this
    installation."""

    version = models.CharField(max_length=64, unique=True)
    frameworks = models.PositiveIntegerField()
    requirements = models.PositiveIntegerField()
    mappings = models.PositiveIntegerField()
    contents = models.JSONField(default=list, help_text="[{slug, short_name, requirements, content_hash}]")
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return self.version[:12]


class ControlDimension(models.TextChoices):
    PRODUCT = "product", _("Product")
    LABOUR = "labour", _("Labour")
    SUPPLY_CHAIN = "supply_chain", _("Supply chain")
    GOVERNANCE = "governance", _("Governance")
    SECURITY = "security", _("Security")
    PRIVACY = "privacy", _("Privacy")


class Control(models.Model):
    """One of the company's own controls (a procedure, a check, a gate rule) and the requirements it
    serves."""

    code = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    dimension = models.CharField(max_length=20, choices=ControlDimension.choices)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", help_text="The unit that runs it"
    )
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def urns(self) -> list[str]:
        return [m.urn for m in self.requirement_links.all()]


class ControlRequirement(models.Model):
    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="requirement_links")
    urn = models.CharField(max_length=200, db_index=True)

    class Meta:
        ordering = ["control_id", "urn"]
        constraints = [models.UniqueConstraint(fields=["control", "urn"], name="control_requirement_unique")]

    def __str__(self) -> str:
        return f"{self.control_id} -> {self.urn}"


class AssessmentScope(models.TextChoices):
    COMPANY = "company", _("The whole company")
    ORG_UNIT = "org_unit", _("An org unit")
    PRODUCT = "product", _("A product")
    SUPPLIER = "supplier", _("A supplier")


class AssessmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")


class Assessment(models.Model):
    """A scope assessed against one framework. `org_unit` decides who sees it: the assessed unit, the unit
    that owns the supplier or product, or the root of the organisation for the whole company."""

    title = models.CharField(max_length=200)
    framework = models.CharField(max_length=80, db_index=True, help_text="Framework slug")
    library_version = models.CharField(max_length=64)
    scope_kind = models.CharField(max_length=10, choices=AssessmentScope.choices)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        "suppliers.Supplier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=200)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_label(self) -> str:
        if self.scope_kind == AssessmentScope.SUPPLIER and self.supplier_id:
            return _("Supplier: %(s)s") % {"s": self.supplier}
        if self.scope_kind == AssessmentScope.PRODUCT:
            return _("Product: %(p)s") % {"p": self.product}
        if self.scope_kind == AssessmentScope.ORG_UNIT:
            return _("Unit: %(u)s") % {"u": self.org_unit}
        return str(_("The whole company"))


class ResultStatus(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class AssessmentResult(models.Model):
    """The status of one requirement in one assessment; a requirement without a row is not yet assessed."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    urn = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=ResultStatus.choices)
    note = models.TextField(blank=True)
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    assessed_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["assessment_id", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "urn"], name="assessment_result_unique")]
        indexes = [models.Index(fields=["urn", "status"], name="result_urn_status")]

    def __str__(self) -> str:
        return f"{self.urn}: {self.status}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")
    GATE_DECISION = "gate_decision", _("Gate decision")
    AUDIT = "audit", _("Supplier audit")
    CERTIFICATE = "certificate", _("Certificate")


class Evidence(models.Model):
    result = models.ForeignKey(AssessmentResult, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    file = models.FileField(upload_to="evidence/assessments/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    gate_decision = models.ForeignKey(
        "gates.GateDecision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audit = models.ForeignKey(
        "suppliers.SupplierAudit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certificate = models.ForeignKey(
        "suppliers.Certificate", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.CharField(max_length=200)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["result_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def target(self) -> str:
        if self.kind == EvidenceKind.LINK:
            return self.url
        if self.kind == EvidenceKind.FILE:
            return f"{self.file_name} (sha256 {self.file_sha256[:12]}…)"
        ref = self.gate_decision_id or self.audit_id or self.certificate_id
        return f"{self.get_kind_display()} #{ref}"
