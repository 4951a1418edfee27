"""Committees, cases, votes, decisions and the recommendations that carry decisions into the organisation.

Votes and decisions are records: once written they are never edited (a reopened case gets a new round).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit, User

OFFICERS_QUEUE = "compliance-officers"


class ImmutableRecord(Exception):
    """A vote or decision record was about to be changed or deleted."""


class Committee(models.Model):
    class Mandate(models.TextChoices):
        DECIDES = "decides", _("Decides referred cases")
        ADVISES = "advises", _("Gives recommendations")

    class Majority(models.TextChoices):
        SIMPLE = "simple", _("Simple majority")
        TWO_THIRDS = "two_thirds", _("Two-thirds to approve")

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    mandate = models.CharField(max_length=10, choices=Mandate.choices)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The decision rule (docs/governance.md): quorum is ceil(quorum_ratio x eligible voting members).
    quorum_ratio = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
    )
    majority = models.CharField(max_length=12, choices=Majority.choices, default=Majority.SIMPLE)
    chair_breaks_ties = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_binding(self) -> bool:
        return self.mandate == self.Mandate.DECIDES


class CommitteeMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")
        EXTERNAL = "external_expert", _("Independent external expert")

    # The secretary keeps the record but does not vote.
    VOTING_ROLES = frozenset({Role.CHAIR, Role.MEMBER, Role.EXTERNAL})

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

    @property
    def votes(self) -> bool:
        return self.role in self.VOTING_ROLES

    def serves_on(self, day: date) -> bool:
        return self.term_start <= day and (self.term_end is None or self.term_end >= day)


class Dimension(models.TextChoices):
    PRODUCT = "product", _("Product")
    LABOUR = "labour", _("Labour")
    SUPPLY_CHAIN = "supply_chain", _("Supply chain")


class HumanRight(models.TextChoices):
    """The rights a case may put at stake (UDHR / ICCPR / ILO core labour standards)."""

    PRIVACY = "privacy", _("Privacy")
    EXPRESSION = "expression", _("Freedom of expression")
    ASSEMBLY = "assembly", _("Freedom of assembly and association")
    MOVEMENT = "movement", _("Freedom of movement")
    NON_DISCRIMINATION = "non_discrimination", _("Non-discrimination")
    LIBERTY = "liberty_security", _("Liberty and security of person")
    FAIR_TRIAL = "fair_trial", _("Due process and fair trial")
    LIFE = "life", _("Life and physical integrity")
    FORCED_LABOUR = "forced_labour", _("Freedom from forced labour")
    CHILD_LABOUR = "child_labour", _("Freedom from child labour")
    WORKING_CONDITIONS = "working_conditions", _("Just and favourable working conditions")
    HEALTH_SAFETY = "health_safety", _("Occupational health and safety")
    REMEDY = "remedy", _("Access to remedy")


class Case(models.Model):
    """A matter for a committee or the compliance officers' queue (`committee` empty)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UNDER_REVIEW = "under_review", _("Under review")
        DECIDED = "decided", _("Decided")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        GATE = "gate_decision", _("Gate review")
        SCREENING = "screening_alert", _("Screening alert")
        GRIEVANCE = "grievance", _("Grievance")
        ACCESS_INCIDENT = "access_incident", _("Device access incident")
        MANUAL = "manual", _("Opened by hand")

    class SubjectType(models.TextChoices):
        GATE_DECISION = "gate_decision", _("Gate decision")
        SUPPLIER = "supplier", _("Supplier")
        PRODUCT = "product", _("Product")
        DEAL = "deal", _("Sales deal")
        SCREENING_ALERT = "screening_alert", _("Screening alert")
        GRIEVANCE = "grievance", _("Grievance")
        ACCESS_EVENT = "access_event", _("Device access event")
        OTHER = "other", _("Other")

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    rights = models.JSONField(default=list, blank=True, help_text="HumanRight values at stake")
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    queue = models.CharField(max_length=64, help_text="Committee slug, or compliance-officers")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    subject_type = models.CharField(max_length=20, choices=SubjectType.choices, blank=True)
    subject_ref = models.CharField(max_length=200, blank=True)
    gate_decision = models.ForeignKey(
        "gates.GateDecision", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # Each reopening starts a new round of votes and a new decision; earlier rounds stay on record.
    round = models.PositiveSmallIntegerField(default=1)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.CharField(max_length=200)
    due_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"Case {self.pk}: {self.title}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.UNDER_REVIEW)

    @property
    def rights_display(self) -> list[str]:
        labels = dict(HumanRight.choices)
        return [labels.get(r, r) for r in self.rights]


class ConflictDeclaration(models.Model):
    """A member's declared conflict of interest in one case: from then on they cannot vote on it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["declared_at"]
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="conflict_once_per_case")]

    def __str__(self) -> str:
        return f"{self.user} conflicted on case {self.case_id}"


class VoteChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("Approve with conditions")
    REJECT = "reject", _("Reject")
    ABSTAIN = "abstain", _("Abstain")


class Vote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")
    round = models.PositiveSmallIntegerField()
    voter = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    voter_role = models.CharField(max_length=20, choices=CommitteeMember.Role.choices)
    choice = models.CharField(max_length=30, choices=VoteChoice.choices)
    rationale = models.TextField()
    conditions = models.JSONField(default=list, blank=True)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cast_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "round", "voter"], name="one_vote_per_round")]

    def __str__(self) -> str:
        return f"{self.voter} {self.choice} on case {self.case_id} round {self.round}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord("A vote is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRecord("A vote is never deleted.")


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", _("Approved")
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("Approved with conditions")
    REJECT = "reject", _("Rejected")


class CaseDecision(models.Model):
    """What a committee (by vote) or a compliance officer (alone) decided in one round of a case."""

    class Method(models.TextChoices):
        COMMITTEE_VOTE = "committee_vote", _("Committee vote")
        OFFICER = "officer", _("Compliance officer")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    round = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=30, choices=DecisionOutcome.choices)
    # An advisory committee's decision is an opinion: it never resolves a gate decision.
    binding = models.BooleanField(default=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    conditions = models.JSONField(default=list, blank=True)
    rationale = models.TextField()
    dissent = models.JSONField(default=list, blank=True, help_text="[{voter, role, choice, rationale}]")
    tally = models.JSONField(default=dict, blank=True)
    gate_outcome = models.CharField(
        max_length=10, blank=True, help_text="allow/deny when it resolved a gate decision"
    )
    note = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="one_decision_per_round")]

    def __str__(self) -> str:
        return f"Case {self.case_id} round {self.round}: {self.outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord("A decision is never changed; reopen the case for a new round.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRecord("A decision is never deleted.")


class CaseComment(models.Model):
    """One message in a case's discussion thread."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on case {self.case_id}"


class DocumentKind(models.TextChoices):
    EVIDENCE = "evidence", _("Evidence")
    ASSESSMENT = "assessment", _("Impact assessment")
    MINUTES = "minutes", _("Minutes")
    CORRESPONDENCE = "correspondence", _("Correspondence")
    OTHER = "other", _("Other")


class CaseDocument(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, default=DocumentKind.EVIDENCE)
    file = models.FileField(upload_to="cases/%Y/%m/")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.filename


class Recommendation(models.Model):
    """A condition, recommendation or task assigned to an org unit and routed to its liaisons."""

    class Kind(models.TextChoices):
        CONDITION = "condition", _("Condition of a decision")
        RECOMMENDATION = "recommendation", _("Recommendation")
        TASK = "task", _("Task")

    class Source(models.TextChoices):
        COMMITTEE_DECISION = "committee_decision", _("Committee decision")
        ADVISORY_OPINION = "advisory_opinion", _("Advisory opinion")
        AUDIT = "audit", _("Audit")
        OFFICER = "officer", _("Compliance officer")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.OPEN, Status.IN_PROGRESS)

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RECOMMENDATION)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OFFICER)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations"
    )
    decision = models.ForeignKey(
        CaseDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations"
    )
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    # The unit whose liaisons received it: org_unit itself, or the nearest ancestor that has a liaison.
    routed_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignees = models.ManyToManyField(User, blank=True, related_name="assigned_recommendations")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    evidence = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=200)
    first_response_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status in self.ACTIVE and self.due_date < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()
