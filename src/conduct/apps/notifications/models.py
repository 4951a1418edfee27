"""In-app notifications: one row per user and event, read and cleared by that user."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import User
from conduct.apps.notifications.messages import from_row


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", _("Assignment")
        VOTE_NEEDED = "vote_needed", _("Vote needed")
        DEADLINE = "deadline", _("Deadline approaching")
        OVERDUE = "overdue", _("Overdue")
        DECISION = "decision", _("Decision")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=500)
    # The English source and values of `text` (notifications.messages): each reader sees it in their language.
    template = models.CharField(max_length=500, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "cleared_at", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return f"{self.user}: {self.text}"

    @property
    def display(self) -> str:
        """The text in the active language (the reader's)."""
        return from_row(self.template, self.params, self.text)
