"""Forms for the supplier pages: they shape the input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from conduct.apps.suppliers.models import ActionStatus, AuditKind, Severity, SupplierStatus
from conduct.apps.suppliers.reference import CATEGORIES


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").replace("\n", ";").split(";") if part.strip()]


class SupplierForm(forms.Form):
    name = forms.CharField(max_length=300, label=_("Name"))
    external_id = forms.CharField(
        max_length=100,
        required=False,
        help_text=_("Your ERP's number for the supplier"),
        label=_("External id"),
    )
    country = forms.CharField(max_length=2, help_text=_("ISO code, e.g. VN"), label=_("Country"))
    region = forms.CharField(max_length=200, required=False, label=_("Region"))
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Address"))
    categories = forms.MultipleChoiceField(
        choices=[(c, c.replace("_", " ")) for c in CATEGORIES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Categories"),
    )
    registration_id = forms.CharField(max_length=100, required=False, label=_("Registration id"))
    aliases = forms.CharField(required=False, help_text=_("Other names, separated by ;"), label=_("Aliases"))
    org_unit = forms.ChoiceField(label=_("Owning org unit"))
    portal_org = forms.ChoiceField(label=_("Portal organisation"), required=False)

    def __init__(
        self, *args: Any, units: Any = (), portal_orgs: Any = (), editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].choices = [(u.pk, u.name) for u in units]
        self.fields["portal_org"].choices = [("", "—"), *[(o.pk, o.name) for o in portal_orgs]]
        if editing:
            del self.fields["external_id"]
            self.fields["status"] = forms.ChoiceField(choices=SupplierStatus.choices, label=_("Status"))

    def clean_aliases(self) -> list[str]:
        return _split(self.cleaned_data.get("aliases", ""))


class SiteForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    country = forms.CharField(max_length=2, label=_("Country"))
    region = forms.CharField(max_length=200, required=False, label=_("Region"))
    address = forms.CharField(required=False, label=_("Address"))
    headcount = forms.IntegerField(min_value=0, required=False, label=_("Headcount"))


class ContactForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))
    email = forms.CharField(max_length=254, required=False, label=_("Email"))
    phone = forms.CharField(max_length=50, required=False, label=_("Phone"))
    role = forms.CharField(max_length=100, required=False, label=_("Role"))
    receives_reminders = forms.BooleanField(required=False, initial=True, label=_("Receives reminders"))


class SiteIdsField(forms.TypedMultipleChoiceField):
    """Site ids, offered from one supplier's sites. Any whole number is accepted here: whether each is a site
    of that supplier is the service's to say (certificate_create names the field), as it is for the API."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, empty_value=[], **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).strip().isdigit()


class CertificateForm(forms.Form):
    standard = forms.CharField(
        max_length=60, help_text=_("SA8000, ISO 45001, ISO 14001 or another standard"), label=_("Standard")
    )
    number = forms.CharField(max_length=100, label=_("Number"))
    issuer = forms.CharField(max_length=200, required=False, label=_("Issuing (certification) body"))
    accreditation_body = forms.CharField(max_length=200, required=False, label=_("Accreditation body"))
    scope = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Scope"))
    valid_from = forms.CharField(
        max_length=40,
        required=False,
        help_text=_("YYYY-MM-DD"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        label=_("Valid from"),
    )
    valid_until = forms.CharField(
        max_length=40,
        help_text=_("YYYY-MM-DD"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        label=_("Valid until"),
    )
    sites = SiteIdsField(label=_("Sites covered"), required=False, widget=forms.CheckboxSelectMultiple)
    file = forms.FileField(required=False, help_text=_("PDF, PNG or JPEG"), label=_("File"))

    def __init__(self, *args: Any, sites: Any = (), **kwargs: Any) -> None:
        """sites: the supplier's own sites, the only ones offered."""
        super().__init__(*args, **kwargs)
        field = self.fields["sites"]
        field.choices = [(s.pk, str(s)) for s in sites]
        field.help_text = (
            "The sites the certificate covers; none ticked: it names no site."
            if field.choices
            else "No sites recorded for this supplier yet."
        )


class AuditForm(forms.Form):
    kind = forms.ChoiceField(choices=AuditKind.choices, label=_("Kind"))
    date = forms.CharField(
        max_length=40, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), label=_("Date")
    )
    auditor = forms.CharField(max_length=200, label=_("Auditor"))
    scope = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Scope"))


class FindingForm(forms.Form):
    severity = forms.ChoiceField(choices=Severity.choices, label=_("Severity"))
    requirement = forms.CharField(
        max_length=200, help_text=_("e.g. urn:conduct:sa8000:SA8000-7.c"), label=_("Requirement")
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Description"))


class ActionForm(forms.Form):
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Action"))
    owner = forms.CharField(max_length=200, label=_("Owner"))
    due_date = forms.CharField(
        max_length=40, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), label=_("Due date")
    )
    root_cause = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Root cause")
    )


class ActionWorkForm(forms.Form):
    root_cause = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Root cause")
    )
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("Action"))
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Evidence"))
    evidence_file = forms.FileField(required=False, help_text=_("PDF, PNG or JPEG"), label=_("Evidence file"))
    status = forms.ChoiceField(
        choices=[("", _("— keep —")), *ActionStatus.choices], required=False, label=_("Status")
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImportForm(forms.Form):
    files = forms.FileField(
        widget=MultipleFileInput(),
        required=False,
        help_text=_("CSV or XLSX: suppliers, sites, certificates, relations (one or more files)"),
        label=_("Files"),
    )
    org_unit = forms.ChoiceField(label=_("Org unit for new suppliers"), required=False)

    def __init__(self, *args: Any, units: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].choices = [("", "Your home unit"), *[(u.pk, u.name) for u in units]]
