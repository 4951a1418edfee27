"""Suppliers and their sites, contacts and tier relations; certificates; audits with findings and corrective
actions; self-assessment questionnaires; and the stored risk score with its drivers.

Every row that belongs to a supplier scopes through it: `supplier__org_unit` for staff and
`supplier__portal_org` for the supplier's own portal users.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit, PortalOrganisation, User

CATEGORY_SEPARATOR = ";"


class SupplierStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXITED = "exited", _("Exited")


class RiskBand(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Supplier(models.Model):
    """A supplier or sub-supplier. `external_id` is the key imports update by (the buyer's ERP number)."""

    external_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    name = models.CharField(max_length=300)
    aliases = models.JSONField(default=list, blank=True)
    registration_id = models.CharField(max_length=100, blank=True)
    other_registration_ids = models.JSONField(default=list, blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    region = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    # The forced-labour designation of the supplier's region or of any of its sites ("" when none).
    designated_region = models.CharField(max_length=200, blank=True)
    parent_company = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="subsidiaries"
    )
    # Sorted gate categories joined with ";" (a plain column, so a category filter works on every database).
    categories = models.CharField(max_length=400, blank=True)
    tier = models.PositiveSmallIntegerField(
        default=1, help_text="1 = direct supplier; 2 = its sub-supplier ..."
    )
    status = models.CharField(max_length=12, choices=SupplierStatus.choices, default=SupplierStatus.PROSPECT)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="suppliers")
    portal_org = models.OneToOneField(
        PortalOrganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="supplier"
    )
    onboarding_decision = models.ForeignKey(
        "gates.GateDecision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Copies of SupplierRisk.score/band, so the list filters and sorts on one table.
    risk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_band = models.CharField(max_length=10, choices=RiskBand.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="supplier_name"),
            models.Index(fields=["country", "name"], name="supplier_country"),
            models.Index(fields=["status", "name"], name="supplier_status"),
            models.Index(fields=["tier", "name"], name="supplier_tier"),
            models.Index(fields=["risk_score", "id"], name="supplier_risk"),
            models.Index(fields=["risk_band", "name"], name="supplier_band"),
            models.Index(fields=["updated_at", "id"], name="supplier_updated"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_id"],
                condition=~models.Q(registration_id=""),
                name="supplier_registration_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(CATEGORY_SEPARATOR) if c]


def join_categories(categories: list[str] | tuple[str, ...] | set[str]) -> str:
    return CATEGORY_SEPARATOR.join(sorted(set(categories)))


class SupplierSite(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    headcount = models.PositiveIntegerField(null=True, blank=True)
    designated_region = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["supplier_id", "name"]
        constraints = [models.UniqueConstraint(fields=["supplier", "name"], name="site_unique_name")]
        indexes = [models.Index(fields=["designated_region"], name="site_designated")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class SupplierContact(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    role = models.CharField(max_length=100, blank=True)
    receives_reminders = models.BooleanField(default=True)

    class Meta:
        ordering = ["supplier_id", "name"]

    def __str__(self) -> str:
        return self.name


class SupplierRelation(models.Model):
    """`buyer` buys from `supplier`: an edge of the tier graph (several levels; cycles are tolerated)."""

    buyer = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="sub_relations")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="buyer_relations")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["buyer", "supplier"], name="relation_unique"),
            models.CheckConstraint(condition=~models.Q(buyer=models.F("supplier")), name="relation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id} buys from {self.supplier_id}"


# --- certificates ---------------------------------------------------------------------------------


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring soon")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")


def _one_party(name: str) -> models.CheckConstraint:
    """The audited party of a certificate, audit, finding or corrective action: a supplier or one of the
    company's own sites (workforce.OwnSite), exactly one."""
    return models.CheckConstraint(
        condition=(models.Q(supplier__isnull=False) & models.Q(own_site__isnull=True))
        | (models.Q(supplier__isnull=True) & models.Q(own_site__isnull=False)),
        name=name,
    )


class AuditedPartyMixin:
    """What the records of the one audited party share: its name, whichever kind it is."""

    supplier: Supplier | None
    own_site: models.Model | None

    @property
    def party(self) -> models.Model:
        return self.supplier if self.supplier is not None else self.own_site  # type: ignore[return-value]


class Certificate(AuditedPartyMixin, models.Model):
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    own_site = models.ForeignKey(
        "workforce.OwnSite", null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    standard = models.CharField(
        max_length=60, help_text='"SA8000", "ISO 45001", "ISO 14001" or another standard'
    )
    number = models.CharField(max_length=100)
    issuer = models.CharField(max_length=200, blank=True, help_text="Certification body")
    accreditation_body = models.CharField(max_length=200, blank=True)
    scope = models.TextField(blank=True)
    sites = models.ManyToManyField(SupplierSite, blank=True, related_name="certificates")
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField()
    file = models.FileField(upload_to="certificates/%Y/%m/", blank=True, max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=40, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["supplier_id", "standard", "-valid_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "standard", "number"], name="certificate_unique_number"
            ),
            models.UniqueConstraint(
                fields=["own_site", "standard", "number"], name="certificate_unique_site_number"
            ),
            _one_party("certificate_one_party"),
        ]
        indexes = [
            models.Index(fields=["valid_until"], name="certificate_valid_until"),
            # Partial and covering (withdrawn_at is NULL in every row, but a query naming it needs the
            # column):
            # "which suppliers hold a certificate in force / expiring / lapsed" without reading the table.
            models.Index(
                fields=["supplier", "standard", "valid_until", "valid_from", "withdrawn_at"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="certificate_supplier",
            ),
            models.Index(
                fields=["valid_until", "valid_from", "supplier", "withdrawn_at"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="certificate_live",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard} {self.number}"

    def status_on(self, today: date, window_days: int) -> str:
        if self.withdrawn_at is not None:
            return str(CertificateStatus.WITHDRAWN)
        if self.valid_until < today:
            return str(CertificateStatus.EXPIRED)
        if self.valid_from is not None and self.valid_from > today:
            return str(CertificateStatus.NOT_YET_VALID)
        if (self.valid_until - today).days <= window_days:
            return str(CertificateStatus.EXPIRING)
        return str(CertificateStatus.VALID)

    @property
    def status(self) -> str:
        from conduct.apps.suppliers.conf import expiry_window_days

        return self.status_on(timezone.localdate(), expiry_window_days())

    @property
    def days_left(self) -> int:
        return (self.valid_until - timezone.localdate()).days


class CertificateReminder(models.Model):
    """One expiry reminder sent: at most one per certificate, expiry date and threshold (days before)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    valid_until = models.DateField()
    threshold_days = models.IntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "valid_until", "threshold_days"], name="reminder_once_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return (
            f"Reminder for certificate {self.certificate_id}, "
            f"{self.threshold_days} days before {self.valid_until}"
        )


# --- audits, findings, corrective actions ---------------------------------------------------------


class AuditKind(models.TextChoices):
    SOCIAL = "social", _("Social")
    ENVIRONMENTAL = "environmental", _("Environmental")
    SECURITY = "security", _("Security")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")


class SupplierAudit(AuditedPartyMixin, models.Model):
    """An audit of the audited party: a supplier (optionally one of its sites) or an own site."""

    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    own_site = models.ForeignKey(
        "workforce.OwnSite", null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    kind = models.CharField(max_length=15, choices=AuditKind.choices)
    date = models.DateField()
    auditor = models.CharField(max_length=200)
    scope = models.TextField(blank=True)
    site = models.ForeignKey(
        SupplierSite, null=True, blank=True, on_delete=models.SET_NULL, related_name="audits"
    )
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [_one_party("audit_one_party")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} audit of {self.party} on {self.date}"


class Finding(AuditedPartyMixin, models.Model):
    audit = models.ForeignKey(SupplierAudit, on_delete=models.PROTECT, related_name="findings")
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    own_site = models.ForeignKey(
        "workforce.OwnSite", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    severity = models.CharField(max_length=10, choices=Severity.choices)
    requirement = models.CharField(
        max_length=200, help_text="The requirement cited, e.g. urn:conduct:sa8000:SA8000-7.a"
    )
    description = models.TextField()
    is_open = models.BooleanField(
        default=True, help_text="Open until its corrective action is verified or closed"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["audit_id", "id"]
        indexes = [models.Index(fields=["supplier", "is_open", "severity"], name="finding_open")]
        constraints = [_one_party("finding_one_party")]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} finding {self.pk}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class CorrectiveAction(AuditedPartyMixin, models.Model):
    """The corrective action plan for one finding."""

    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="action")
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    own_site = models.ForeignKey(
        "workforce.OwnSite",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrective_actions",
    )
    root_cause = models.TextField(blank=True)
    action = models.TextField()
    owner = models.CharField(max_length=200, help_text="Who at the supplier (or here) carries it out")
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    evidence = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to="evidence/%Y/%m/", blank=True, max_length=300)
    evidence_file_name = models.CharField(max_length=200, blank=True)
    evidence_file_sha256 = models.CharField(max_length=64, blank=True)
    verified_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="action_due"),
            models.Index(fields=["supplier", "status"], name="action_supplier"),
        ]
        constraints = [_one_party("action_one_party")]

    def __str__(self) -> str:
        return f"Corrective action {self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES and self.due_date < timezone.localdate()


# --- questionnaires --------------------------------------------------------------------------------


class ResponseStatus(models.TextChoices):
    SENT = "sent", _("Sent, not started")
    DRAFT = "draft", _("Being answered")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned with comments")
    ACCEPTED = "accepted", _("Accepted")


ANSWERABLE = (ResponseStatus.SENT, ResponseStatus.DRAFT, ResponseStatus.RETURNED)


class QuestionnaireResponse(models.Model):
    """One questionnaire sent to one supplier, with its answers and the review. `template` keeps the
    questions as they were sent, so a later edit of the template does not change what was asked."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="questionnaires")
    template_key = models.CharField(max_length=80)
    template_version = models.CharField(max_length=80)
    template = models.JSONField()
    status = models.CharField(max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.SENT)
    answers = models.JSONField(default=dict, blank=True)
    score = models.FloatField(null=True, blank=True)
    section_scores = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    due_date = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    question_comments = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["supplier", "status"], name="response_supplier")]

    def __str__(self) -> str:
        return f"{self.template.get('title', self.template_key)} for {self.supplier}"

    @property
    def title(self) -> str:
        return str(self.template.get("title", self.template_key))


# --- risk -------------------------------------------------------------------------------------------


class SupplierRisk(models.Model):
    """The latest risk score of a supplier, with the drivers that make it up (the facts behind them are read
    live for one supplier: selectors.risk_explained)."""

    supplier = models.OneToOneField(Supplier, primary_key=True, on_delete=models.CASCADE, related_name="risk")
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=10, choices=RiskBand.choices)
    drivers = models.JSONField(
        default=list, help_text="[name, value, points, detail] per driver, summing to score"
    )
    propagating_points = models.IntegerField(default=0)
    # CRC-32 of score and drivers as stored: a full recompute rewrites only the rows whose digest changed.
    digest = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score"]

    def __str__(self) -> str:
        return f"{self.supplier_id}: {self.score} ({self.band})"

    @property
    def driver_list(self) -> list[dict[str, object]]:
        return [{"name": n, "value": v, "points": p, "detail": d} for n, v, p, d in self.drivers]
