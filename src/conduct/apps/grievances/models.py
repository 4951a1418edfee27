"""Grievances: reports from workers, communities and the public, made without an account.

Every text a reporter or a handler writes (the report, the contact, the people named, messages, remedies) is
stored only as ciphertext (`conduct.apps.grievances.crypto`: AES-GCM, the key id in each value). Nothing here
holds an address, a user agent or a cookie of the reporter; the receipt is kept only as a keyed lookup digest
and a slow hash.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.suppliers.models import Supplier


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Under investigation")
    REMEDY = "remedy", _("Remedy")
    NO_FINDING = "no_finding", _("No finding")
    CLOSED = "closed", _("Closed")


class Relation(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    SUPPLIER_WORKER = "supplier_worker", _("Supplier worker")
    COMMUNITY = "community", _("Community member")
    CUSTOMER = "customer", _("Customer")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")


class Dimension(models.TextChoices):
    UNSET = "", _("Not yet classified")
    PRODUCT = "product", _("Product")
    LABOUR = "labour", _("Labour")
    SUPPLY_CHAIN = "supply_chain", _("Supply chain")


class RemedyType(models.TextChoices):
    APOLOGY = "apology", _("Apology")
    COMPENSATION = "compensation", _("Compensation")
    REINSTATEMENT = "reinstatement", _("Reinstatement")
    PROCESS_CHANGE = "process_change", _("Process change")
    OTHER = "other", _("Other")


class Grievance(models.Model):
    """One report and its handling. `*_enc` fields hold ciphertext only."""

    receipt_lookup = models.CharField(max_length=64, unique=True)  # HMAC of the receipt (key outside the DB)
    receipt_hash = models.CharField(max_length=200)  # scrypt of the receipt, with its own salt
    language = models.CharField(max_length=10)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    relation = models.CharField(max_length=20, choices=Relation.choices, default=Relation.OTHER)
    dimension = models.CharField(max_length=20, choices=Dimension.choices, blank=True, default="")
    occurred_on = models.DateField(null=True, blank=True)
    description_enc = models.TextField()
    location_enc = models.TextField(blank=True)
    affected_enc = models.TextField(blank=True)
    involved_enc = models.TextField(blank=True)
    contact_enc = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    status_reason_enc = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    acknowledge_by = models.DateTimeField()
    feedback_by = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    ack_escalated_at = models.DateTimeField(null=True, blank=True)
    feedback_escalated_at = models.DateTimeField(null=True, blank=True)
    org_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="grievances"
    )
    case_id = models.BigIntegerField(null=True, blank=True)  # the governance case an escalation opened
    remedy_type = models.CharField(max_length=20, choices=RemedyType.choices, blank=True)
    remedy_enc = models.TextField(blank=True)
    remedy_accepted = models.BooleanField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)  # 1-5, asked at closure
    retaliation_flagged_at = models.DateTimeField(null=True, blank=True)
    # per-receipt limits: follow-up logins and messages on the day `limit_day`
    limit_day = models.DateField(null=True, blank=True)
    sessions_today = models.PositiveIntegerField(default=0)
    messages_today = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "acknowledge_by"], name="grievance_status_due")]

    def __str__(self) -> str:
        return f"grievance {self.pk}"

    @property
    def ref(self) -> str:
        return f"grievance {self.pk}"


class Message(models.Model):
    """A message in the two-way thread between the reporter and the handlers (ciphertext only)."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        HANDLER = "handler", _("Handler")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        QUESTION = "question", _("Question")
        FEEDBACK = "feedback", _("Feedback")
        RETALIATION = "retaliation", _("Retaliation concern")
        STATUS = "status", _("Status change")

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MESSAGE)
    handler = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body_enc = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message {self.pk} on grievance {self.grievance_id}"


class Attachment(models.Model):
    """A file sent with a report: type-checked, image metadata stripped, then encrypted."""

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="attachments")
    name_enc = models.TextField()
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    content_enc = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class Exclusion(models.Model):
    """A user named in a report as involved: never routed the report, never allowed to read it."""

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="exclusions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grievance_exclusions")
    source = models.CharField(max_length=10)  # "report" (matched from the names given) or "handler"
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["grievance", "user"], name="grievance_exclusion_once")]

    def __str__(self) -> str:
        return f"{self.user_id} excluded from grievance {self.grievance_id}"


class ReporterSession(models.Model):
    """A reporter's follow-up session, opened with the receipt: only a SHA-256 of its token is kept."""

    grievance = models.ForeignKey(Grievance, on_delete=models.CASCADE, related_name="sessions")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"reporter session {self.pk}"


class SpentChallenge(models.Model):
    """A proof-of-work challenge already used (each answers one submission or one follow-up login)."""

    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.digest


class IntakeCounter(models.Model):
    """Global (never per address) counts on the intake paths, per hour: submissions, wrong receipts."""

    bucket = models.CharField(max_length=20)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "window"], name="intake_counter_once")]

    def __str__(self) -> str:
        return f"{self.bucket} {self.window}: {self.count}"
