"""Correspondence with regulators, investigators and partners: counterparts, letters and meetings with their
documents, the questions a letter raises and the answers that go through review, partner letters with their
acknowledgements, and the commitments the company makes with the evidence that they were kept."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit, User


class CounterpartKind(models.TextChoices):
    REGULATOR = "regulator", _("Regulator")
    INVESTIGATOR = "investigator", _("Independent investigator")
    PARTNER_INTEGRATOR = "partner_integrator", _("Partner (integrator)")
    PARTNER_DISTRIBUTOR = "partner_distributor", _("Partner (distributor)")
    CIVIL_SOCIETY = "civil_society", _("Civil-society organisation")
    MEDIA = "media", _("Media")


PARTNER_KINDS = frozenset({"partner_integrator", "partner_distributor"})


class Counterpart(models.Model):
    """Someone outside the company the programme is explained to, answered or reported to."""

    kind = models.CharField(max_length=24, choices=CounterpartKind.choices)
    name = models.CharField(max_length=300)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    contact = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="counterpart_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_partner(self) -> bool:
        return self.kind in PARTNER_KINDS


class Direction(models.TextChoices):
    IN = "in", _("Received")
    OUT = "out", _("Sent")


class CorrespondenceKind(models.TextChoices):
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")


class Channel(models.TextChoices):
    POST = "post", _("Post")
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Regulator's portal")
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")


class Correspondence(models.Model):
    """A letter or a meeting, in or out. `in_reply_to` threads it; a partner letter (out, to several partners)
    names its addressees in `recipients` and has no single counterpart."""

    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(
        max_length=10, choices=CorrespondenceKind.choices, default=CorrespondenceKind.LETTER
    )
    date = models.DateField()
    channel = models.CharField(max_length=12, choices=Channel.choices)
    subject = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    reference = models.CharField(max_length=100, blank=True)  # the counterpart's or our file number
    counterpart = models.ForeignKey(
        Counterpart, null=True, blank=True, on_delete=models.PROTECT, related_name="correspondence"
    )
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    owner_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="correspondence")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "correspondence"

    def __str__(self) -> str:
        return self.subject


class CorrespondenceDocument(models.Model):
    """A file of a letter or a meeting (the letter itself, minutes, an annex), type- and size-checked."""

    correspondence = models.ForeignKey(Correspondence, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to="engagement/%Y/%m/")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


class Question(models.Model):
    """A question a letter raises; its answer is drafted and reviewed on the same row."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being drafted")
        LEGAL_REVIEW = "legal_review", _("In legal review")
        OFFICER_REVIEW = "officer_review", _("Awaiting the officer")
        APPROVED = "approved", _("Approved")
        SENT = "sent", _("Sent")

    correspondence = models.ForeignKey(Correspondence, on_delete=models.PROTECT, related_name="questions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    answer = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    returned_note = models.TextField(blank=True)  # why legal or the officer sent the draft back
    legal_reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_in = models.ForeignKey(
        Correspondence, null=True, blank=True, on_delete=models.PROTECT, related_name="answers_sent"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["correspondence_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["correspondence", "number"], name="question_unique_number")
        ]

    def __str__(self) -> str:
        return f"Q{self.number}"


class LetterRecipient(models.Model):
    """One partner a letter was sent to, and whether (when, by whom, how) it acknowledged the letter."""

    correspondence = models.ForeignKey(Correspondence, on_delete=models.PROTECT, related_name="recipients")
    counterpart = models.ForeignKey(Counterpart, on_delete=models.PROTECT, related_name="letters_received")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=200, blank=True)  # the partner's person
    acknowledged_how = models.CharField(max_length=200, blank=True)  # signed copy, email, portal ...
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["counterpart__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["correspondence", "counterpart"], name="recipient_unique")
        ]

    def __str__(self) -> str:
        return f"{self.counterpart} ({self.correspondence_id})"


class MadeIn(models.TextChoices):
    LETTER = "letter", _("A letter")
    REPORT = "report", _("A report")
    MEETING = "meeting", _("A meeting")


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Commitment(models.Model):
    """Something the company promised a counterpart (or the public), owned by a unit, with a due date."""

    made_in = models.CharField(max_length=10, choices=MadeIn.choices)
    correspondence = models.ForeignKey(
        Correspondence, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    text = models.TextField()
    owner_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="commitments")
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN)
    drop_reason = models.TextField(blank=True)
    public = models.BooleanField(default=False)  # listed in the transparency report
    escalated_due = models.DateField(null=True, blank=True)  # the due date whose slip was escalated
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="commitment_open_due")]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_closed(self) -> bool:
        return self.status in (CommitmentStatus.DONE, CommitmentStatus.DROPPED)

    def is_overdue(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return not self.is_closed and self.due_date < day  # type: ignore[operator]


class EvidenceKind(models.TextChoices):
    CASE = "case", _("Case")
    GATE_DECISION = "gate_decision", _("Gate decision")
    DOCUMENT = "document", _("Correspondence document")
    CONTROL = "control", _("Control")


class CommitmentEvidence(models.Model):
    """A typed reference to what shows a commitment was kept (checked to exist when it is linked)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices)
    target_id = models.BigIntegerField()
    note = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "kind", "target_id"], name="evidence_unique_link")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.target_id}"
