"""Shared fixtures for the policy engine tests: the default pack and clean subjects per gate."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from conduct.core.policy import DEFAULT_PACK_DIR, PolicyPack, ReferenceData, load_pack, load_reference_data

AS_OF = date(2026, 11, 28)

CLEAN_SUBJECTS: dict[str, dict[str, Any]] = {
    "sales_deal": {
        "reference": "D-1",
        "as_of": "2026-11-28",
        "parties": [
            {"role": "customer", "name": "Northwind Retail Ltd", "country": "GB", "sector": "retail"}
        ],
        "items": [{"sku": "CAM-2MP", "capabilities": ["motion_detection"], "quantity": 10}],
    },
    "app_launch": {
        "as_of": "2026-11-28",
        "app": {"name": "Conduct View", "version": "4.2.0", "markets": ["GB", "DE"]},
        "capabilities": ["motion_detection"],
        "personal_data": ["video"],
        "assessments": {"dpia": "approved", "security_test": "passed"},
        "privacy_policy": True,
        "default_credentials": False,
        "vulnerability_disclosure_policy": True,
        "data_transfers": [{"country": "DE", "mechanism": "adequacy"}],
        "third_party_sdks": [{"name": "MapKit", "vendor": "Cartography GmbH", "country": "DE"}],
    },
    "supplier_onboarding": {
        "as_of": "2026-11-28",
        "supplier": {"name": "Precision Moulding s.r.o.", "country": "CZ"},
        "sites": [{"country": "CZ"}],
        "categories": ["plastics"],
        "certificates": [
            {"standard": "ISO 45001:2018", "valid_until": "2027-12-31"},
            {"standard": "ISO 14001:2015", "valid_until": "2027-12-31"},
        ],
        "saq_completed": True,
    },
    "product_release": {
        "as_of": "2026-11-28",
        "product": {"name": "Sentinel Dome", "model": "SD-4K-IR", "type": "ip_camera"},
        "firmware": {"version": "5.7.1"},
        "capabilities": ["motion_detection"],
        "security": {
            "unique_default_passwords": True,
            "support_period_end": "2031-12-31",
            "vulnerability_disclosure_policy": True,
            "insecure_services_enabled": [],
            "open_vulnerabilities": [],
            "signed_firmware": True,
        },
    },
}


def clean(gate: str) -> dict[str, Any]:
    """A fresh copy of a subject on which the default pack fires nothing."""
    return copy.deepcopy(CLEAN_SUBJECTS[gate])


@pytest.fixture(scope="session")
def pack() -> PolicyPack:
    return load_pack(DEFAULT_PACK_DIR)


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    return load_reference_data()
