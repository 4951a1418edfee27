"""Device access: customers' devices, vendor support's requests, the customer's signed grants, the signed
revocation lists, and every access session reported by a device or the support tooling."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import PortalOrganisation, User


class Device(models.Model):
    """A customer's device. Model and firmware are plain text until the product register (issue 15) lands."""

    serial = models.CharField(max_length=100, unique=True)
    model = models.CharField(max_length=200, blank=True)
    firmware = models.CharField(max_length=100, blank=True)
    customer = models.ForeignKey(PortalOrganisation, on_delete=models.PROTECT, related_name="devices")
    site = models.CharField(max_length=300, blank=True)
    installer = models.CharField(max_length=300, blank=True)  # the installer / integrator party
    # The device's own secret for POST /api/v1/access-events: only a SHA-256 hash is kept.
    token_prefix = models.CharField(max_length=16, blank=True, db_index=True)
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["serial"]

    def __str__(self) -> str:
        return self.serial


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the customer")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    EXPIRED = "expired", _("Expired unanswered")


class AccessRequest(models.Model):
    """Vendor support asks a customer for access to some of its devices, for some scopes, for some hours."""

    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_requests")
    customer = models.ForeignKey(PortalOrganisation, on_delete=models.PROTECT, related_name="access_requests")
    devices = models.ManyToManyField(Device, related_name="access_requests")
    scopes = models.JSONField(default=list)
    hours = models.PositiveIntegerField()
    reason = models.TextField()
    ticket = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answer_by = models.DateTimeField()  # unanswered after this, the request expires
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="access_answers"
    )
    comment = models.TextField(blank=True)
    approved_hours = models.PositiveIntegerField(null=True, blank=True)
    approved_scopes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "answer_by"], name="access_request_pending")]

    def __str__(self) -> str:
        return f"access request {self.pk}"


class Grant(models.Model):
    """One device's signed grant, issued when the customer approved a request; the device checks `token`."""

    grant_id = models.CharField(max_length=40, unique=True)
    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="grants")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="grants")
    grantee = models.CharField(max_length=200)
    scopes = models.JSONField(default=list)
    not_before = models.DateTimeField()
    expires_at = models.DateTimeField()
    token = models.TextField()
    key_id = models.CharField(max_length=16)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=200, blank=True)
    revoke_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.grant_id


class RevocationList(models.Model):
    """One signed version of the list of revoked grants (a new version on every revocation)."""

    version = models.PositiveIntegerField(unique=True)
    issued_at = models.DateTimeField(default=timezone.now)
    revoked = models.JSONField(default=list)
    token = models.TextField()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"revocation list v{self.version}"


class AccessEvent(models.Model):
    """An access session on a device, as reported, and whether a grant covered it (the reconciliation)."""

    class Source(models.TextChoices):
        DEVICE = "device", _("Reported by the device")
        IMPORT = "import", _("Imported")

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="access_events")
    reported_grant_id = models.CharField(max_length=40, blank=True)
    grant = models.ForeignKey(
        Grant, null=True, blank=True, on_delete=models.PROTECT, related_name="access_events"
    )  # the grant that covered it, when one did
    actor = models.CharField(max_length=200)
    scope = models.CharField(max_length=40)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=Source.choices)
    authorised = models.BooleanField()
    reason = models.CharField(max_length=300)
    incident_case_id = models.BigIntegerField(null=True, blank=True)  # the governance case it opened
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["authorised", "started_at"], name="access_event_authorised")]

    def __str__(self) -> str:
        return f"access event {self.pk}"
