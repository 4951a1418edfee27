"""Forms for the governance pages. They check shape; the services check meaning."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit
from conduct.apps.governance.models import (
    Case,
    Committee,
    CommitteeMember,
    DecisionOutcome,
    Dimension,
    DocumentKind,
    HumanRight,
    Recommendation,
    VoteChoice,
)


def lines(text: str) -> list[str]:
    """One condition per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CommitteeForm(forms.Form):
    slug = forms.SlugField(
        max_length=64, help_text=_("Lower-case letters, digits and hyphens"), label=_("Slug")
    )
    name = forms.CharField(max_length=200, label=_("Name"))
    mandate = forms.ChoiceField(choices=Committee.Mandate.choices, label=_("Mandate"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000, label=_("Description")
    )


class RuleForm(forms.Form):
    quorum_ratio = forms.DecimalField(
        min_value=0.01, max_value=1, decimal_places=2, label=_("Quorum (share of eligible members)")
    )
    majority = forms.ChoiceField(choices=Committee.Majority.choices, label=_("Majority"))
    chair_breaks_ties = forms.BooleanField(required=False, label=_("The chair breaks ties"))


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150, label=_("User name"))
    role = forms.ChoiceField(choices=CommitteeMember.Role.choices, label=_("Role"))
    term_start = forms.DateField(
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        label=_("Term start"),
    )
    term_end = forms.DateField(
        required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), label=_("Term end")
    )


class CaseForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    dimension = forms.ChoiceField(choices=Dimension.choices, label=_("Dimension"))
    queue = forms.ChoiceField(label=_("Queue"))
    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), required=False, label=_("Org unit"))
    rights = forms.MultipleChoiceField(
        choices=HumanRight.choices,
        required=False,
        label=_("Human rights at stake"),
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000, label=_("Description")
    )
    subject_type = forms.ChoiceField(
        choices=[("", "—"), *Case.SubjectType.choices], required=False, label=_("Subject")
    )
    subject_ref = forms.CharField(max_length=200, required=False, label=_("Subject reference"))
    due_days = forms.IntegerField(min_value=1, max_value=365, initial=14, label=_("Due in (days)"))

    def __init__(self, *args: Any, units: Any = None, committees: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["queue"].choices = [
            ("compliance-officers", _("Compliance officers")),  # type: ignore[attr-defined]
            *[(c.slug, c.name) for c in committees],
        ]


class CaseEditForm(forms.Form):
    rights = forms.MultipleChoiceField(
        choices=HumanRight.choices,
        required=False,
        label=_("Human rights at stake"),
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), label=_("Due date")
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000, label=_("Description")
    )


class VoteForm(forms.Form):
    choice = forms.ChoiceField(choices=VoteChoice.choices, widget=forms.RadioSelect, label=_("Your vote"))
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label=_("Rationale")
    )
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("For an approval with conditions: one condition per line"),
        label=_("Conditions"),
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=DecisionOutcome.choices, widget=forms.RadioSelect, label=_("Decision")
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label=_("Rationale")
    )
    conditions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("For an approval with conditions: one condition per line"),
        label=_("Conditions"),
    )


class ConflictForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label=_("What is the conflict?")
    )


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000, label=_("Comment"))


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"))
    kind = forms.ChoiceField(choices=DocumentKind.choices, label=_("Type"))


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Case.Status.UNDER_REVIEW, _("Under review")),
            (Case.Status.CLOSED, _("Closed")),
            (Case.Status.OPEN, _("Open (reopen)")),
        ],
        label=_("Status"),
    )
    reason = forms.CharField(
        max_length=2000,
        required=False,
        help_text=_("Required to reopen or to close undecided"),
        label=_("Reason"),
    )


class RecommendationForm(forms.Form):
    title = forms.CharField(max_length=300, label=_("Title"))
    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Org unit"))
    due_date = forms.DateField(
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), label=_("Due date")
    )
    kind = forms.ChoiceField(
        choices=[
            (Recommendation.Kind.RECOMMENDATION, _("Recommendation")),
            (Recommendation.Kind.TASK, _("Task")),
        ],
        label=_("Kind"),
    )
    source = forms.ChoiceField(
        choices=[
            (Recommendation.Source.OFFICER, _("Compliance officer")),
            (Recommendation.Source.AUDIT, _("Audit")),
            (Recommendation.Source.ADVISORY_OPINION, _("Advisory opinion")),
        ],
        label=_("Source"),
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10000, label=_("Description")
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    status = forms.ChoiceField(choices=Recommendation.Status.choices, label=_("Status"))
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
        label=_("Evidence of completion"),
        help_text=_("What shows it is done: a document, link or reference"),
    )
