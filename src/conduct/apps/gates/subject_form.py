"""The try page's form: a gate's subject form (conduct.core.policy.form_fields) with labels, input ids and
the validator's field errors, ready for gates/_form_node.html."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from conduct.core.policy import FormNode

LABELS: dict[str, Promise] = {
    "reference": _("Reference"),
    "parties": _("Parties"),
    "role": _("Role"),
    "name": _("Name"),
    "country": _("Country"),
    "sector": _("Sector"),
    "region": _("Region or province"),
    "items": _("Items"),
    "sku": _("SKU"),
    "capabilities": _("Capabilities"),
    "quantity": _("Quantity"),
    "hs_code": _("HS code"),
    "deployment": _("Deployment"),
    "public_space": _("Cameras watch a public space"),
    "camera_count": _("Number of cameras"),
    "purpose": _("Purpose in the customer's words"),
    "purposes": _("Purposes"),
    "exporter_country": _("Exporter's country"),
    "us_content": _("US-origin content (%)"),
    "value": _("Deal value"),
    "as_of": _("Decide as of (date)"),
    "app": _("App"),
    "version": _("Version"),
    "markets": _("Markets"),
    "personal_data": _("Personal data it processes"),
    "assessments": _("Assessments"),
    "dpia": _("Data-protection impact assessment"),
    "security_test": _("Security test"),
    "privacy_policy": _("Has a privacy policy"),
    "default_credentials": _("Ships with default credentials"),
    "vulnerability_disclosure_policy": _("Has a vulnerability-disclosure policy"),
    "data_transfers": _("Data transfers"),
    "mechanism": _("Transfer mechanism"),
    "third_party_sdks": _("Third-party SDKs"),
    "vendor": _("Vendor"),
    "supplier": _("Supplier"),
    "parent": _("Parent company"),
    "aliases": _("Other names"),
    "sites": _("Sites"),
    "categories": _("Categories"),
    "certificates": _("Certificates"),
    "standard": _("Standard"),
    "valid_until": _("Valid until"),
    "valid_from": _("Valid from"),
    "number": _("Certificate number"),
    "issuer": _("Issuer"),
    "saq_completed": _("Self-assessment questionnaire completed"),
    "product": _("Product"),
    "model": _("Model"),
    "type": _("Type"),
    "firmware": _("Firmware"),
    "release": _("Release in the product register"),
    "security": _("Security (self-declared)"),
    "unique_default_passwords": _("Unique default passwords"),
    "insecure_services_enabled": _("Insecure services enabled"),
    "open_vulnerabilities": _("Open vulnerabilities"),
    "id": _("Identifier"),
    "cvss": _("CVSS score"),
    "signed_firmware": _("Signed firmware"),
    "support_period_end": _("Support period ends"),
}
TIERS: dict[str, Promise] = {
    "standard": _("Standard"),
    "high": _("High tier: needs review in risky contexts"),
    "prohibited": _("Prohibited: denied"),
}
HINTS: dict[str, Promise] = {
    "tags": _("Separate several with commas."),
    "multiselect": _("Hold Ctrl (or Cmd) to pick several."),
}


def _label(key: str) -> str:
    found = LABELS.get(key)
    return str(found) if found is not None else key.replace("_", " ").capitalize()


def _country_groups(
    groups: list[tuple[str, list[tuple[str, str]]]],
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Country choices named in the reader's language (ICU's CLDR names; the codes stay), sorted by name."""
    language = get_language() or "en"
    if language.startswith("en"):
        return groups
    import icu  # PyICU, installed with the screening engine's name normalisation (normality)

    locale = icu.Locale("zh_Hans" if language.startswith("zh") else language.replace("-", "_"))
    named = []
    for tier, choices in groups:
        local = [(code, f"{icu.Locale('', code).getDisplayCountry(locale)} ({code})" if code else label)
                 for code, label in choices]  # fmt: skip
        collator = icu.Collator.createInstance(locale)  # pinyin order in Chinese
        named.append(
            (tier, sorted(local, key=lambda choice: (bool(choice[0]), collator.getSortKey(choice[1]))))
        )
    return named


def _html_id(name: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")


def decorate(node: FormNode, errors: Mapping[str, str], *, row: int | None = None) -> dict[str, Any]:
    """The node as the template reads it: label, id, error, and its children or rows decorated."""
    label = _label(node.key) if row is None else f"{_label(node.key)} {row}"
    return {
        "kind": node.kind,
        "name": node.name,
        "id": _html_id(node.name or "subject"),
        "label": label,
        "required": node.required,
        "value": node.value,
        "error": errors.get(node.name, ""),
        "hint": str(HINTS.get(node.kind, "")),
        "groups": [
            (str(TIERS.get(tier, tier)) if tier else "", choices)
            for tier, choices in (
                _country_groups(node.groups) if node.vocabulary == "country" else node.groups
            )
        ],
        "children": [decorate(child, errors) for child in node.children],
        "rows": [decorate(r, errors, row=i + 1) for i, r in enumerate(node.rows)],
    }


def unplaced(tree: dict[str, Any], errors: Mapping[str, str]) -> dict[str, str]:
    """The errors no input shows (a whole list, or a field the form has no input for)."""
    names: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if node["kind"] not in ("object", "list"):
            names.add(node["name"])
        stack.extend(node["children"])
        stack.extend(node["rows"])
    return {path: message for path, message in errors.items() if path not in names}
