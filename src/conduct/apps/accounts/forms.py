"""Forms for the organisation pages. Validation of meaning lives in the services; forms check shape."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from conduct.apps.accounts.models import OrgUnit, OrgUnitKind, TokenScope
from conduct.apps.accounts.roles import Role


class OrgUnitForm(forms.Form):
    code = forms.SlugField(
        max_length=64, help_text=_("Short identifier: lower-case letters, digits, hyphens"), label=_("Code")
    )
    name = forms.CharField(max_length=200, label=_("Name"))
    kind = forms.ChoiceField(choices=OrgUnitKind.choices, label=_("Kind"))
    country = forms.CharField(
        min_length=2, max_length=2, help_text=_("ISO 3166-1 alpha-2, e.g. GB"), label=_("Country")
    )
    parent = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), required=False, label=_("Parent"))

    def __init__(self, *args: object, units: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["parent"].queryset = units


class UserForm(forms.Form):
    username = forms.CharField(max_length=150, label=_("Username"))
    first_name = forms.CharField(max_length=150, required=False, label=_("First name"))
    last_name = forms.CharField(max_length=150, required=False, label=_("Last name"))
    email = forms.EmailField(required=False, label=_("Email"))
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    scope_units = forms.ModelMultipleChoiceField(
        queryset=OrgUnit.objects.all(), required=False, label=_("Scope units")
    )
    password = forms.CharField(
        widget=forms.PasswordInput, required=False, help_text=_("At least 12 characters"), label=_("Password")
    )

    def __init__(self, *args: object, units: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["scope_units"].queryset = units


class LiaisonForm(forms.Form):
    username = forms.CharField(max_length=150, label=_("User name"))
    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), label=_("Org unit"))
    is_primary = forms.BooleanField(required=False, label=_("Primary liaison"))

    def __init__(self, *args: object, units: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["org_unit"].queryset = units


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Name"))
    scope = forms.ChoiceField(
        choices=[c for c in TokenScope.choices if c[0] != TokenScope.SCIM], label=_("Scope")
    )
    expires_days = forms.IntegerField(min_value=1, max_value=3650, initial=90, label=_("Expires in (days)"))
