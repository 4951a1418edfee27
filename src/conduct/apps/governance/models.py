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
