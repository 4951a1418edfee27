"""Derived facts: what the engine works out in Python before any rule runs, so rules stay short and fast."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ._purposes import deployment_facts
from ._reference import ReferenceData
from ._sanctions import INTERMEDIARY_ROLES, diversion_facts, exporter_fact, item_categories, party_sanctions
from ._screening import NullScreener, ScreenedName, Screener, ScreeningThresholds, screen_names
from ._subjects import GOVERNMENT_SECTORS, SECURITY_SECTORS

# Top-level names under `facts` per gate; rules may only read these (checked when a pack loads).
_COMMON = ("as_of", "capabilities", "screening")
FACT_NAMES: Mapping[str, frozenset[str]] = {
    "sales_deal": frozenset(
        {
            *_COMMON,
            "parties",
            "items",
            "deployment",
            "exporter",
            "any_government_party",
            "any_security_sector_party",
            "any_party_outside_eu",
            "any_designated_region",
            "diversion",
        }
    ),
    "app_launch": frozenset(
        {
            *_COMMON,
            "personal_data",
            "biometric_data",
            "dpia",
            "dpia_approved",
            "security_test",
            "markets",
            "transfers",
            "sdks",
        }
    ),
    "supplier_onboarding": frozenset(
        {*_COMMON, "supplier", "sites", "categories", "certificates", "valid_standards"}
    ),
    "product_release": frozenset(
        {
            *_COMMON,
            "vulnerabilities",
            "unknown_ranges",
            "max_cvss",
            "support",
            "insecure_services",
            "passwords",
            "signed_firmware",
            "disclosure",
            "register",
        }
    ),
}

_STANDARDS = (
    (re.compile(r"\bsa\s*-?\s*8000"), "sa8000"),
    (re.compile(r"(?<!\d)45001(?!\d)"), "iso_45001"),
    (re.compile(r"(?<!\d)14001(?!\d)"), "iso_14001"),
    (re.compile(r"(?<!\d)18001(?!\d)"), "ohsas_18001"),
    (re.compile(r"(?<!\d)9001(?!\d)"), "iso_9001"),
    (re.compile(r"(?<!\d)27001(?!\d)"), "iso_27001"),
)


def standard_key(standard: str) -> str:
    """`SA 8000:2014` -> `sa8000`, `ISO 45001:2018` -> `iso_45001`; anything else in lower snake_case."""
    lowered = standard.lower()
    for pattern, key in _STANDARDS:
        if pattern.search(lowered):
            return key
    return re.sub(r"[^a-z0-9]+", "_", lowered).strip("_")


def derive_facts(
    gate: str,
    subject: Mapping[str, Any],
    *,
    reference: ReferenceData,
    screener: Screener,
    thresholds: ScreeningThresholds,
    as_of: date,
    unit_country: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Facts for a validated, normalised subject, and the errors met (a failing screener is one, not a
    crash). `unit_country` is the country of the org unit the decision is made for: a sales deal's exporter
    when the subject names no `exporter_country`."""
    deriver = _Deriver(reference, screener, thresholds, as_of)
    deriver.unit_country = unit_country
    facts = _BUILDERS[gate](deriver, subject)
    facts["as_of"] = as_of.isoformat()
    return facts, deriver.errors


class _Deriver:
    def __init__(
        self, reference: ReferenceData, screener: Screener, thresholds: ScreeningThresholds, as_of: date
    ) -> None:
        self.reference = reference
        self.screener = screener
        self.thresholds = thresholds
        self.as_of = as_of
        self.errors: list[str] = []
        self.unit_country: str | None = None

    def country(self, code: str) -> dict[str, Any]:
        risk = self.reference.country(code)
        if risk is None:  # validation lets only known codes through; keep a safe shape anyway
            return {"code": code, "name": code, "rated": False, "in_eu": False}
        return risk.fact()

    def place(self, country: str, region: str | None) -> dict[str, Any]:
        regions = self.reference.regions_for(region, country)
        kinds = sorted({kind for matched in regions for kind in matched.kinds})
        return {
            "country_risk": self.country(country),
            "region_ids": [matched.id for matched in regions],
            "region_names": [matched.name for matched in regions],
            "designations": kinds,
            "designated_region": bool(kinds),
            "forced_labour_region": "forced_labour_import_presumption" in kinds,
            "surveillance_region": "mass_surveillance_of_minorities" in kinds,
        }

    def capabilities(self, names: Sequence[str]) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {
            "names": [],
            "prohibited": [],
            "high": [],
            "standard": [],
            "unknown": [],
        }
        for name in names:
            canonical, capability = self.reference.capability(name)
            if canonical in result["names"]:
                continue
            result["names"].append(canonical)
            result[capability.tier if capability else "unknown"].append(canonical)
        return result

    def screen(self, names: Sequence[ScreenedName]) -> dict[str, Any]:
        try:
            facts = screen_names(self.screener, names, self.thresholds)
        except Exception as exc:  # a screener outage must force a review, never pass silently
            self.errors.append(f"screening failed: {type(exc).__name__}: {exc}")
            return {
                "parties": [],
                "any_strong": False,
                "any_potential": False,
                "any_owned_by_blocked": False,
                "performed": False,
                "failed": True,
                "strong_threshold": self.thresholds.strong,
                "alert_threshold": self.thresholds.alert,
            }
        facts["performed"] = not isinstance(self.screener, NullScreener)
        facts["failed"] = False
        return facts


def _sales_deal(d: _Deriver, subject: Mapping[str, Any]) -> dict[str, Any]:
    items = []
    for index, item in enumerate(subject["items"]):
        tiers = d.capabilities(item["capabilities"])
        items.append(
            {
                "path": f"items[{index}]",
                "index": index,
                "sku": item["sku"],
                "quantity": item["quantity"],
                "hs_code": item["hs_code"],
                "capabilities": tiers.pop("names"),
                **tiers,
            }
        )
    sanctions = d.reference.sanctions
    exporter = _exporter(d, subject)
    classified = item_categories(items, [i["hs_code"] for i in items], sanctions.default_hs_chapter)
    parties = [
        _sales_party(d, index, party, classified, exporter) for index, party in enumerate(subject["parties"])
    ]
    intermediary_countries = {p["country"] for p in parties if p["intermediary"]}
    for party in parties:
        party["behind_intermediary_elsewhere"] = party["role"] == "end_user" and bool(
            intermediary_countries - {party["country"]}
        )
    deployment = subject["deployment"]
    return {
        "parties": parties,
        "items": items,
        "capabilities": d.capabilities([name for item in subject["items"] for name in item["capabilities"]]),
        "deployment": deployment_facts(d.reference.purposes, deployment),
        "exporter": exporter,
        "diversion": diversion_facts(
            parties,
            sum(item["quantity"] for item in items),
            deployment["camera_count"] if deployment else None,
            sanctions.quantity_ratio,
        ),
        "any_government_party": any(p["government"] for p in parties),
        "any_security_sector_party": any(p["security_sector"] for p in parties),
        "any_party_outside_eu": any(not p["in_eu"] for p in parties),
        "any_designated_region": any(p["designated_region"] for p in parties),
        "screening": d.screen(
            [
                ScreenedName(f"parties[{i}]", p["role"], p["name"], p["country"])
                for i, p in enumerate(subject["parties"])
            ]
        ),
    }


def _exporter(d: _Deriver, subject: Mapping[str, Any]) -> dict[str, Any]:
    """The exporter's jurisdiction: the subject's `exporter_country`, else the org unit's country."""
    country, source = subject["exporter_country"], "subject"
    if country is None and d.unit_country and d.reference.country(d.unit_country) is not None:
        country, source = d.unit_country, "org_unit"
    if country is None:
        source = "unknown"
    in_eu = bool(country) and bool(d.country(country).get("in_eu"))
    return exporter_fact(country, source, in_eu, subject["us_content"])


def _sales_party(
    d: _Deriver,
    index: int,
    party: Mapping[str, Any],
    classified: list[tuple[str, int, frozenset[str]]],
    exporter: Mapping[str, Any],
) -> dict[str, Any]:
    sector = party["sector"]
    place = d.place(party["country"], party["region"])
    sanctions = d.reference.sanctions
    return {
        "path": f"parties[{index}]",
        "index": index,
        "role": party["role"],
        "name": party["name"],
        "country": party["country"],
        "region": party["region"],
        "sector": sector,
        "government": sector in GOVERNMENT_SECTORS,
        "security_sector": sector in SECURITY_SECTORS,
        "in_eu": d.country(party["country"]).get("in_eu", False),
        "intermediary": party["role"] in INTERMEDIARY_ROLES,
        "transshipment_country": party["country"] in sanctions.transshipment_countries,
        "sanctions": party_sanctions(sanctions, party["country"], place["region_ids"], classified, exporter),
        **place,
    }


def _app_launch(d: _Deriver, subject: Mapping[str, Any]) -> dict[str, Any]:
    personal_data = sorted({kind.lower() for kind in subject["personal_data"]})
    dpia = subject["assessments"]["dpia"]
    transfers = [
        {
            "path": f"data_transfers[{i}]",
            "index": i,
            "country": t["country"],
            "mechanism": t["mechanism"],
            "country_risk": d.country(t["country"]),
        }
        for i, t in enumerate(subject["data_transfers"])
    ]
    sdks = [
        {
            "path": f"third_party_sdks[{i}]",
            "index": i,
            "name": s["name"],
            "vendor": s["vendor"],
            "country": s["country"],
        }
        for i, s in enumerate(subject["third_party_sdks"])
    ]
    markets = []
    for index, code in enumerate(subject["app"]["markets"]):
        risk = d.country(code)
        markets.append(
            {
                "path": f"app.markets[{index}]",
                "country": code,
                "in_eu": risk.get("in_eu", False),
                "high_hr_risk": risk.get("high_hr_risk", False),
            }
        )
    return {
        "capabilities": d.capabilities(subject["capabilities"]),
        "personal_data": personal_data,
        "biometric_data": "biometric" in personal_data,
        "dpia": dpia,
        "dpia_approved": dpia == "approved",
        "security_test": subject["assessments"]["security_test"],
        "markets": markets,
        "transfers": transfers,
        "sdks": sdks,
        "screening": d.screen(
            [
                ScreenedName(
                    f"third_party_sdks[{s['index']}].vendor",
                    "sdk_vendor",
                    s["vendor"],
                    s["country"],
                    "organization",
                )
                for s in sdks
            ]
        ),
    }


def _supplier_onboarding(d: _Deriver, subject: Mapping[str, Any]) -> dict[str, Any]:
    supplier = subject["supplier"]
    as_of = d.as_of.isoformat()
    certificates = []
    for index, cert in enumerate(subject["certificates"]):
        valid_from, valid_until = cert["valid_from"], cert["valid_until"]
        not_yet_valid = valid_from is not None and valid_from > as_of
        expired = valid_until < as_of
        certificates.append(
            {
                "path": f"certificates[{index}]",
                "index": index,
                "standard": cert["standard"],
                "standard_key": standard_key(cert["standard"]),
                "number": cert["number"],
                "issuer": cert["issuer"],
                "valid_from": valid_from,
                "valid_until": valid_until,
                "valid": not expired and not not_yet_valid,
                "expired": expired,
                "not_yet_valid": not_yet_valid,
            }
        )
    names = [ScreenedName("supplier.name", "supplier", supplier["name"], supplier["country"], "organization")]
    if supplier["parent"]:
        names.append(ScreenedName("supplier.parent", "parent", supplier["parent"], None, "organization"))
    names.extend(
        ScreenedName(f"supplier.aliases[{i}]", "alias", alias, supplier["country"], "organization")
        for i, alias in enumerate(supplier["aliases"])
    )
    return {
        "supplier": {
            "name": supplier["name"],
            "country": supplier["country"],
            "region": supplier["region"],
            "parent": supplier["parent"],
            **d.place(supplier["country"], supplier["region"]),
        },
        "sites": [
            {
                "path": f"sites[{i}]",
                "index": i,
                "country": s["country"],
                "region": s["region"],
                **d.place(s["country"], s["region"]),
            }
            for i, s in enumerate(subject["sites"])
        ],
        "categories": list(dict.fromkeys(subject["categories"])),
        "certificates": certificates,
        "valid_standards": sorted({c["standard_key"] for c in certificates if c["valid"]}),
        "capabilities": d.capabilities([]),
        "screening": d.screen(names),
    }


_CLOSED_VEX = ("not_affected", "fixed")


def _self_declared_vulnerabilities(security: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not security:
        return []
    return [
        {
            "path": f"security.open_vulnerabilities[{i}]",
            "index": i,
            "id": v["id"],
            "cvss": v["cvss"],
            "scored": True,
            "kev": False,
            "open": True,
            "vex": "",
            "component": "",
            "source": f"self-declared: security.open_vulnerabilities[{i}]",
        }
        for i, v in enumerate(security["open_vulnerabilities"])
    ]


def _register_vulnerabilities(register: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    return [
        {
            "path": f"register.{key}[{i}]",
            "index": i,
            "id": v["id"],
            "cvss": float(v["cvss"]) if v.get("cvss") is not None else 0.0,
            "scored": v.get("cvss") is not None,
            "kev": bool(v.get("kev")),
            "open": v.get("vex") not in _CLOSED_VEX,
            "vex": v.get("vex") or "",
            "component": f"{v.get('component', '')} {v.get('version', '')}".strip(),
            "source": v.get("source") or "product register",
        }
        for i, v in enumerate(register.get(key) or [])
    ]


def _evidence(
    register: Mapping[str, Any] | None, security: Mapping[str, Any] | None, name: str
) -> dict[str, str]:
    """A yes/no fact from the release's assessment evidence in the register, else the caller's self-declared
    `security` block, else unknown: {"state": "yes" | "no" | "unknown", "source": ...}."""
    item = ((register or {}).get("evidence") or {}).get(name)
    if isinstance(item, Mapping) and isinstance(item.get("met"), bool):
        return {"state": "yes" if item["met"] else "no", "source": str(item.get("source", "assessment"))}
    if security and isinstance(security.get(name), bool):
        return {"state": "yes" if security[name] else "no", "source": f"self-declared: security.{name}"}
    if isinstance(item, Mapping) and item.get("source"):  # the register names the items it lacks
        return {"state": "unknown", "source": f"no assessment evidence: {item['source']}"}
    return {"state": "unknown", "source": "no assessment evidence and no self-declaration"}


def _product_release(d: _Deriver, subject: Mapping[str, Any]) -> dict[str, Any]:
    """Facts from the product register (subject.register, filled by the gate service from the release named in
    subject.release) and from the caller's self-declared `security` block, each naming its source."""
    security = subject.get("security")
    register = subject.get("register") if isinstance(subject.get("register"), Mapping) else None
    vulnerabilities = _self_declared_vulnerabilities(security)
    unknown: list[dict[str, Any]] = []
    if register is not None:
        vulnerabilities = _register_vulnerabilities(register, "findings") + vulnerabilities
        unknown = _register_vulnerabilities(register, "unknown")
        end = register.get("support_end")
        support_source = "product register: the release's support period"
    else:
        end = security["support_period_end"] if security else None
        support_source = "self-declared: security.support_period_end"
    days_left = (date.fromisoformat(end) - d.as_of).days if end else None
    disclosure = _evidence(None, security, "vulnerability_disclosure_policy")
    if register is not None and isinstance(register.get("disclosure_policy"), Mapping):
        policy = register["disclosure_policy"]
        disclosure = {
            "state": "yes" if policy.get("in_force") else "no",
            "source": str(policy.get("source", "")),
        }
    sbom = (register or {}).get("sbom") or {}
    return {
        "capabilities": d.capabilities(subject["capabilities"]),
        "vulnerabilities": vulnerabilities,
        "unknown_ranges": unknown,
        "max_cvss": max((v["cvss"] for v in vulnerabilities if v["open"]), default=0.0),
        "support": {
            "end": end,
            "missing": end is None,
            "ended": days_left is not None and days_left < 0,
            "days_left": days_left,
            "source": support_source,
        },
        "insecure_services": list(
            dict.fromkeys(s.lower() for s in (security or {}).get("insecure_services_enabled", []))
        ),
        "passwords": _evidence(register, security, "unique_default_passwords"),
        "signed_firmware": _evidence(register, security, "signed_firmware"),
        "disclosure": disclosure,
        "register": {
            "used": register is not None,
            "sbom": bool(sbom.get("present")),
            "components": int(sbom.get("components") or 0),
            "status": str((register or {}).get("status") or ""),
        },
        "screening": d.screen([]),
    }


_BUILDERS = {
    "sales_deal": _sales_deal,
    "app_launch": _app_launch,
    "supplier_onboarding": _supplier_onboarding,
    "product_release": _product_release,
}
