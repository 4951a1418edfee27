"""Committees and their members. Cases, votes and recommendations build on these."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from conduct.apps.accounts.models import User


class Committee(models.Model):
    class Mandate(models.TextChoices):
        DECIDES = "decides", "Decides referred cases"
        ADVISES = "advises", "Gives recommendations"

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    mandate = models.CharField(max_length=10, choices=Mandate.choices)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"
        SECRETARY = "secretary", "Secretary"
        EXTERNAL = "external_expert", "Independent external expert"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="committee_seats")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    term_start = models.DateField(default=timezone.localdate)
    term_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["committee__name", "role", "user__username"]
        constraints = [models.UniqueConstraint(fields=["committee", "user"], name="committee_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) on {self.committee}"


class Dimension(models.TextChoices):
    PRODUCT = "product", "Product"
    LABOUR = "labour", "Labour"
    SUPPLY_CHAIN = "supply_chain", "Supply chain"


class Case(models.Model):
    """A matter for a committee or the compliance officers' queue (`committee` empty)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UNDER_REVIEW = "under_review", "Under review"
        DECIDED = "decided", "Decided"
        CLOSED = "closed", "Closed"

    class Source(models.TextChoices):
        GATE = "gate_decision", "Gate review"
        SCREENING = "screening_alert", "Screening alert"
        GRIEVANCE = "grievance", "Grievance"
        MANUAL = "manual", "Opened by hand"

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    committee = models.ForeignKey(Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    queue = models.CharField(max_length=64, help_text="Committee slug, or compliance-officers")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    gate_decision = models.ForeignKey(
        "gates.GateDecision", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    org_unit = models.ForeignKey("accounts.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.CharField(max_length=200)
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"Case {self.pk}: {self.title}"
