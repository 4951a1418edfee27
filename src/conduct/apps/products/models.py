"""The product register: products, their firmware and software releases, each release's SBOM components,
the vulnerability records they are matched against, and the VEX analysis per release and CVE."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit, User


class ProductType(models.TextChoices):
    IP_CAMERA = "ip_camera", _("IP camera")
    NVR = "nvr", _("Network video recorder")
    DVR = "dvr", _("Digital video recorder")
    VIDEO_ANALYTICS_APPLIANCE = "video_analytics_appliance", _("Video analytics appliance")
    APP = "app", _("App")
    SDK = "sdk", _("SDK")


class Product(models.Model):
    model = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=32, choices=ProductType.choices)
    capabilities = models.JSONField(default=list, blank=True)  # capability catalogue ids
    business_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="products")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["model"]

    def __str__(self) -> str:
        return self.model


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RELEASED = "released", _("Released")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Release(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="releases")
    version = models.CharField(max_length=100)
    released_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT)
    support_end = models.DateField(null=True, blank=True)  # security updates until (published support period)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["product__model", "-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["product", "version"], name="release_unique_version")]

    def __str__(self) -> str:
        return f"{self.product.model} {self.version}"


class Sbom(models.Model):
    """The SBOM of a release (a new import replaces the components)."""

    release = models.OneToOneField(Release, on_delete=models.PROTECT, related_name="sbom")
    format = models.CharField(max_length=12)
    spec_version = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=300, blank=True)
    component_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"SBOM of {self.release}"


class Component(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="components")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    version = models.CharField(max_length=100, blank=True)
    supplier = models.CharField(max_length=300, blank=True)
    purl = models.CharField(max_length=1000, blank=True)
    cpe = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["release", "position"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Vulnerability(models.Model):
    """One vulnerability as loaded (CVE JSON 5, OSV, or a KEV entry alone); `targets` is the core reader's
    plain form of what it affects, so matching needs no re-parse."""

    cve = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=8)  # cve5, osv, kev
    summary = models.TextField(blank=True)
    cvss = models.FloatField(null=True, blank=True)
    cvss_source = models.CharField(max_length=40, blank=True)
    kev = models.BooleanField(default=False)
    kev_added = models.CharField(max_length=10, blank=True)
    kev_product = models.CharField(max_length=300, blank=True)
    targets = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cve"]
        indexes = [models.Index(fields=["updated_at"], name="vuln_updated")]

    def __str__(self) -> str:
        return self.cve


class VexState(models.TextChoices):
    AFFECTED = "affected", _("Affected")
    NOT_AFFECTED = "not_affected", _("Not affected")
    FIXED = "fixed", _("Fixed")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")


class VexStatement(models.Model):
    """The current analysis of one CVE for one release (every change is in the ledger)."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="vex")
    cve = models.CharField(max_length=64)
    state = models.CharField(max_length=20, choices=VexState.choices)
    justification = models.CharField(max_length=40, blank=True)
    detail = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by_label = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["release", "cve"]
        constraints = [models.UniqueConstraint(fields=["release", "cve"], name="vex_unique_release_cve")]

    def __str__(self) -> str:
        return f"{self.cve} {self.state}"


# --- Coordinated vulnerability disclosure (issue 15 §3): reports from outside, triaged by product security


class VulnReportState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    TRIAGED = "triaged", _("Triaged")
    FIXED = "fixed", _("Fixed")
    ADVISORY_PUBLISHED = "advisory_published", _("Advisory published")
    CLOSED = "closed", _("Closed")


class VulnReportVerdict(models.TextChoices):
    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")
    DUPLICATE = "duplicate", _("Duplicate")


class VulnerabilityReport(models.Model):
    """A vulnerability report from outside (the public form or API), with its deadlines: acknowledge by,
    the next status update to the reporter by, fixed or advised by (settings VULN_REPORT_*_DAYS). Each
    deadline is escalated once (the *_escalated_* stamps); `client_key` is a keyed hash of the sender's
    address, kept only for the intake limit's window."""

    reference = models.CharField(max_length=40, unique=True)
    state = models.CharField(max_length=20, choices=VulnReportState.choices, default=VulnReportState.RECEIVED)
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.CharField(max_length=254, blank=True)
    product_text = models.CharField(max_length=200)
    version_text = models.CharField(max_length=100, blank=True)
    summary = models.CharField(max_length=300)
    details = models.TextField()
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="vulnerability_reports"
    )
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.PROTECT, related_name="vulnerability_reports"
    )
    verdict = models.CharField(max_length=10, choices=VulnReportVerdict.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cve = models.CharField(max_length=64, blank=True)
    cvss = models.FloatField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)  # the last status update the reporter can see
    resolved_at = models.DateTimeField(null=True, blank=True)  # fixed or advisory published
    closed_at = models.DateTimeField(null=True, blank=True)
    acknowledge_by = models.DateTimeField()
    update_by = models.DateTimeField()
    resolve_by = models.DateTimeField()
    ack_escalated_at = models.DateTimeField(null=True, blank=True)
    update_escalated_for = models.DateTimeField(null=True, blank=True)  # the update_by already escalated
    resolve_escalated_at = models.DateTimeField(null=True, blank=True)
    client_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["state", "received_at"], name="vulnreport_state"),
            models.Index(fields=["client_key", "received_at"], name="vulnreport_client"),
        ]

    def __str__(self) -> str:
        return self.reference


class VulnReportAttachment(models.Model):
    """A file sent with a report (proof of concept, log, capture): stored as sent, served only as a
    download to the triage team."""

    report = models.ForeignKey(VulnerabilityReport, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()

    class Meta:
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.name


class VulnReportNote(models.Model):
    """A triage note or a transition's note; `to_reporter` notes are the status updates the reporter sees."""

    report = models.ForeignKey(VulnerabilityReport, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    to_reporter = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.at:%Y-%m-%d}"


class ReleaseFindingSeen(models.Model):
    """A (release, CVE) the background re-match has seen, so a later run records only what is new and
    alerts once per release and CVE (`alerted_at`) for a KEV entry or CVSS >= 9.0."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="findings_seen")
    cve = models.CharField(max_length=64)
    component = models.CharField(max_length=400)
    kev = models.BooleanField(default=False)
    cvss = models.FloatField(null=True, blank=True)
    range_unknown = models.BooleanField(default=False)
    first_seen_at = models.DateTimeField(default=timezone.now)
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["release", "cve"]
        constraints = [models.UniqueConstraint(fields=["release", "cve"], name="finding_seen_unique")]

    def __str__(self) -> str:
        return f"{self.release} {self.cve}"


# Advisories and the per-release ETSI EN 303 645 assessment live in their own module (registered here).
from conduct.apps.products.models_security import (  # noqa: E402,F401
    Advisory,
    AdvisoryProduct,
    AdvisoryProductStatus,
    AdvisoryStatus,
    AssessmentState,
    ReleaseAssessmentItem,
    ReleaseEvidence,
)
