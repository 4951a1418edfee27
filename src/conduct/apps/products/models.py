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
