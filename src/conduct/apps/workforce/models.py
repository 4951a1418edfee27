"""The company's own operations: its sites (factories, warehouses, offices, R&D centres) under org units,
working time per pseudonymous worker and week, health-and-safety incidents and the hours worked per month.

Certificates, audits, findings and corrective actions of an own site are the suppliers app's models (the one
"audited party" is a supplier or an own site: docs/workforce.md)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit, User


class SiteKind(models.TextChoices):
    FACTORY = "factory", _("Factory")
    WAREHOUSE = "warehouse", _("Warehouse")
    OFFICE = "office", _("Office")
    RND_CENTRE = "rnd_centre", _("R&D centre")


class OwnSite(models.Model):
    """A site of the company itself. `liaison` receives the site's corrective actions (working time)."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=SiteKind.choices)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="own_sites")
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    headcount = models.PositiveIntegerField(default=0)
    liaison = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class HoursImport(models.Model):
    """One committed working-time file: who imported it, its digest and the per-site report it produced."""

    file_name = models.CharField(max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    report = models.JSONField(default=dict)
    imported_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"hours import {self.pk}"


class WorkerWeek(models.Model):
    """One worker's week at a site. `worker` is the HMAC-SHA256 of the pseudonymous reference under the
    installation's key (workforce.keys): the reference itself is never stored."""

    site = models.ForeignKey(OwnSite, on_delete=models.PROTECT, related_name="worker_weeks")
    worker = models.CharField(max_length=64)
    week_start = models.DateField()
    regular_hours = models.DecimalField(max_digits=5, decimal_places=2)
    overtime_hours = models.DecimalField(max_digits=5, decimal_places=2)
    rest_days = models.PositiveSmallIntegerField()
    over_regular = models.BooleanField()
    over_overtime = models.BooleanField()
    no_rest_day = models.BooleanField()
    hours_import = models.ForeignKey(HoursImport, on_delete=models.PROTECT, related_name="weeks")

    class Meta:
        ordering = ["site_id", "week_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["site", "worker", "week_start"], name="worker_week_once")
        ]
        indexes = [models.Index(fields=["site", "week_start"], name="worker_week_site")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.worker[:8]} {self.week_start}"

    @property
    def compliant(self) -> bool:
        return not (self.over_regular or self.over_overtime or self.no_rest_day)


class IncidentKind(models.TextChoices):
    INJURY = "injury", _("Injury")
    NEAR_MISS = "near_miss", _("Near miss")
    ILLNESS = "illness", _("Occupational illness")


class IncidentSeverity(models.TextChoices):
    """First aid only is not recordable; medical treatment, lost time and fatalities are (GRI 403-9)."""

    FIRST_AID = "first_aid", _("First aid only")
    MEDICAL = "medical", _("Medical treatment")
    LOST_TIME = "lost_time", _("Lost time")
    FATAL = "fatal", _("Fatality")


RECORDABLE_SEVERITIES = (IncidentSeverity.MEDICAL, IncidentSeverity.LOST_TIME, IncidentSeverity.FATAL)


class Incident(models.Model):
    site = models.ForeignKey(OwnSite, on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(max_length=10, choices=IncidentKind.choices)
    severity = models.CharField(max_length=10, choices=IncidentSeverity.choices)
    date = models.DateField()
    lost_days = models.PositiveIntegerField(default=0)
    description = models.TextField()
    recorded_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["site", "date"], name="incident_site_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.site_id} on {self.date}"

    @property
    def recordable(self) -> bool:
        return self.kind != IncidentKind.NEAR_MISS and self.severity in RECORDABLE_SEVERITIES

    @property
    def lost_time(self) -> bool:
        return self.kind == IncidentKind.INJURY and (
            self.lost_days > 0 or self.severity in (IncidentSeverity.LOST_TIME, IncidentSeverity.FATAL)
        )


class HoursWorked(models.Model):
    """Hours worked by everyone at a site in one month (`month` is its first day): the rates' denominator."""

    site = models.ForeignKey(OwnSite, on_delete=models.PROTECT, related_name="hours_worked")
    month = models.DateField()
    hours = models.DecimalField(max_digits=12, decimal_places=1)
    recorded_by = models.CharField(max_length=200)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["site_id", "month"]
        constraints = [models.UniqueConstraint(fields=["site", "month"], name="hours_worked_once")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.month:%Y-%m}: {self.hours}"


# --- policies, attestations, training --------------------------------------------------------------


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired (a later version is published)")


class Policy(models.Model):
    """A policy document (human-rights policy, supplier code of conduct, ...) owned by an org unit."""

    key = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="policies")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    """One version's Markdown; reviewed (submitted by one person, approved by another) before publication."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    status = models.CharField(max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    next_review = models.DateField()
    submitted_by = models.CharField(max_length=200, blank=True)
    approved_by = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["policy_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="policy_version_once")]

    def __str__(self) -> str:
        return f"{self.policy.key} v{self.number}"


class AttestationCampaign(models.Model):
    """A published policy version assigned to the people of some roles in some units' subtrees, by a date.
    The people are fixed when the campaign starts (one Attestation each)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="campaigns")
    roles = models.JSONField(default=list)
    units = models.ManyToManyField(OrgUnit, related_name="+")
    due_date = models.DateField()
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"attestation campaign {self.pk}"


class Attestation(models.Model):
    campaign = models.ForeignKey(AttestationCampaign, on_delete=models.CASCADE, related_name="attestations")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="attestations")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the user's home unit then
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["campaign_id", "unit_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="attestation_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on campaign {self.campaign_id}"


class TrainingCourse(models.Model):
    """A course the people of `roles` must hold; a completion is valid `validity_months` (0: for good)."""

    code = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    roles = models.JSONField(default=list)
    validity_months = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class TrainingCompletion(models.Model):
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="completions")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_completions")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=20, default="import")  # "import" or "entered"
    recorded_by = models.CharField(max_length=200)
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # 0-100, when the course has one
    certificate = models.FileField(upload_to="training/%Y/%m/", blank=True, max_length=300)
    certificate_name = models.CharField(max_length=200, blank=True)
    certificate_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["course_id", "user_id", "-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user", "completed_on"], name="training_completion_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} completed {self.course_id} on {self.completed_on}"


class AssignmentRule(models.TextChoices):
    ROLE = "role", _("By role")
    UNIT = "unit", _("By org unit")
    NEW_JOINERS = "new_joiners", _("New joiners")


class TrainingAssignment(models.Model):
    """A course assigned by a rule. Who it covers is read from the rule whenever it is asked (the people of
    `roles`, or everyone at home in `unit`'s subtree, or those who joined on or after `starts_on`; `unit` and
    `roles` narrow every rule), so a person who joins or changes role later is covered without a row being
    written for them; the ledger holds the rule as it was set.

    A person's due date is `due_date`, or `due_days` after they joined if that is later (new joiners: always
    `due_days` after joining). A completion valid today (not past the course's validity) answers it; once it
    expires the person is due again on its expiry date (refresh)."""

    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="assignments")
    rule = models.CharField(max_length=12, choices=AssignmentRule.choices)
    roles = models.JSONField(default=list, blank=True)
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(default=0)
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["course_id", "id"]

    def __str__(self) -> str:
        return f"{self.course_id} assignment {self.pk} ({self.rule})"


class ReminderKind(models.TextChoices):
    ATTESTATION = "attestation", _("Policy attestation")
    TRAINING = "training", _("Training")


class ReminderSent(models.Model):
    """One scheduled reminder to one person for one campaign or assignment, at one step of the cadence
    (days before the due date; negative: after it). The unique row makes the job idempotent; `due_date` is
    part of it because a refresh starts a new cycle with a new due date."""

    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    subject_id = models.PositiveIntegerField()  # the campaign's or the assignment's id
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField()
    step = models.SmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "user", "due_date", "step"], name="reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} to {self.user_id} at {self.step}"
