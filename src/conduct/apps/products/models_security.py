"""Security advisories (published as CSAF 2.0 and as pages) and the per-release ETSI EN 303 645 assessment
with its evidence files. Imported by products.models so Django registers them with the app."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit
from conduct.apps.products.models import Release


class AdvisoryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Advisory(models.Model):
    """A security advisory. `vulnerabilities` is `[{"cve", "cvss", "vector"}]` (cvss and vector optional);
    `revision_history` is CSAF's `[{"number", "date", "summary"}]`, one entry per publication."""

    advisory_id = models.CharField(max_length=40, unique=True)  # e.g. NV-SA-2026-001
    title = models.CharField(max_length=200)
    summary = models.TextField()
    vulnerabilities = models.JSONField(default=list)
    remediation = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=AdvisoryStatus.choices, default=AdvisoryStatus.DRAFT)
    business_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    drafted_by = models.CharField(max_length=200)
    drafted_by_user_id = models.IntegerField(null=True, blank=True)  # four eyes: the publisher differs
    published_at = models.DateTimeField(
        null=True, blank=True
    )  # first publication (CSAF initial_release_date)
    published_by = models.CharField(max_length=200, blank=True)
    revision_history = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.advisory_id

    @property
    def cves(self) -> list[str]:
        return [str(v.get("cve", "")) for v in self.vulnerabilities]

    @property
    def version(self) -> str:
        return str(len(self.revision_history)) if self.revision_history else "0"


class AdvisoryProductStatus(models.TextChoices):
    KNOWN_AFFECTED = "known_affected", _("Affected")
    FIXED = "fixed", _("Fixed")


class AdvisoryProduct(models.Model):
    """A release an advisory names: affected, or the release that fixes it."""

    advisory = models.ForeignKey(Advisory, on_delete=models.CASCADE, related_name="products")
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="advisory_links")
    status = models.CharField(max_length=16, choices=AdvisoryProductStatus.choices)

    class Meta:
        ordering = ["advisory", "status", "release__product__model", "release__version"]
        constraints = [
            models.UniqueConstraint(fields=["advisory", "release"], name="advisory_release_unique")
        ]

    def __str__(self) -> str:
        return f"{self.advisory_id}: {self.release_id} {self.status}"


class AssessmentState(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ReleaseAssessmentItem(models.Model):
    """One ETSI EN 303 645 provision (a framework-library requirement URN) assessed for one release."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="assessment_items")
    urn = models.CharField(max_length=200)
    state = models.CharField(max_length=16, choices=AssessmentState.choices)
    note = models.TextField(blank=True)
    assessed_by = models.CharField(max_length=200)
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["release", "id"]
        constraints = [models.UniqueConstraint(fields=["release", "urn"], name="release_assessment_unique")]

    def __str__(self) -> str:
        return f"{self.urn}: {self.state}"

    @property
    def provision(self) -> str:
        return self.urn.rsplit(":", 1)[-1]


class ReleaseEvidence(models.Model):
    """A file supporting one assessment item (size-checked, hashed)."""

    item = models.ForeignKey(ReleaseAssessmentItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/releases/%Y/%m/", max_length=300)
    file_name = models.CharField(max_length=200)
    file_size = models.PositiveIntegerField()
    file_sha256 = models.CharField(max_length=64)
    added_by = models.CharField(max_length=200)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.file_name
