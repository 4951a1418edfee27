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
    name = forms.CharField(max_length=300)
    external_id = forms.CharField(
        max_length=100, required=False, help_text=_("Your ERP's number for the supplier")
    )
    country = forms.CharField(max_length=2, help_text=_("ISO code, e.g. VN"))
    region = forms.CharField(max_length=200, required=False)
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    categories = forms.MultipleChoiceField(
        choices=[(c, c.replace("_", " ")) for c in CATEGORIES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    registration_id = forms.CharField(max_length=100, required=False)
    aliases = forms.CharField(required=False, help_text=_("Other names, separated by ;"))
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
            self.fields["status"] = forms.ChoiceField(choices=SupplierStatus.choices)

    def clean_aliases(self) -> list[str]:
        return _split(self.cleaned_data.get("aliases", ""))


class SiteForm(forms.Form):
    name = forms.CharField(max_length=200)
    country = forms.CharField(max_length=2)
    region = forms.CharField(max_length=200, required=False)
    address = forms.CharField(required=False)
    headcount = forms.IntegerField(min_value=0, required=False)


class ContactForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.CharField(max_length=254, required=False)
    phone = forms.CharField(max_length=50, required=False)
    role = forms.CharField(max_length=100, required=False)
    receives_reminders = forms.BooleanField(required=False, initial=True)


class SiteIdsField(forms.TypedMultipleChoiceField):
    """Site ids, offered from one supplier's sites. Any whole number is accepted here: whether each is a site
    of that supplier is the service's to say (certificate_create names the field), as it is for the API."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, empty_value=[], **kwargs)

    def valid_value(self, value: Any) -> bool:
        return str(value).strip().isdigit()


class CertificateForm(forms.Form):
    standard = forms.CharField(max_length=60, help_text=_("SA8000, ISO 45001, ISO 14001 or another standard"))
    number = forms.CharField(max_length=100)
    issuer = forms.CharField(max_length=200, required=False, label=_("Issuing (certification) body"))
    accreditation_body = forms.CharField(max_length=200, required=False)
    scope = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    valid_from = forms.CharField(
        max_length=40,
        required=False,
        help_text=_("YYYY-MM-DD"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    valid_until = forms.CharField(
        max_length=40,
        help_text=_("YYYY-MM-DD"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    sites = SiteIdsField(label=_("Sites covered"), required=False, widget=forms.CheckboxSelectMultiple)
    file = forms.FileField(required=False, help_text=_("PDF, PNG or JPEG"))

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
    kind = forms.ChoiceField(choices=AuditKind.choices)
    date = forms.CharField(max_length=40, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    auditor = forms.CharField(max_length=200)
    scope = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class FindingForm(forms.Form):
    severity = forms.ChoiceField(choices=Severity.choices)
    requirement = forms.CharField(max_length=200, help_text=_("e.g. urn:conduct:sa8000:SA8000-7.c"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(max_length=200)
    due_date = forms.CharField(
        max_length=40, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    root_cause = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ActionWorkForm(forms.Form):
    root_cause = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence_file = forms.FileField(required=False, help_text=_("PDF, PNG or JPEG"))
    status = forms.ChoiceField(choices=[("", "— keep —"), *ActionStatus.choices], required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImportForm(forms.Form):
    files = forms.FileField(
        widget=MultipleFileInput(),
        required=False,
        help_text=_("CSV or XLSX: suppliers, sites, certificates, relations (one or more files)"),
    )
    org_unit = forms.ChoiceField(label=_("Org unit for new suppliers"), required=False)

    def __init__(self, *args: Any, units: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].choices = [("", "Your home unit"), *[(u.pk, u.name) for u in units]]
