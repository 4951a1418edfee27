"""Gate subjects: their shape, field-by-field validation, and normalisation to plain JSON values."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from conduct.core.gate_names import GATES as GATES

from ._errors import FieldError
from ._reference import ReferenceData, load_reference_data

SECURITY_SECTORS = ("law_enforcement", "public_security", "military", "intelligence", "detention")
GOVERNMENT_SECTORS = ("government_civil", *SECURITY_SECTORS)
SECTORS = (
    "commercial",
    "retail",
    "residential",
    "education",
    "healthcare",
    "transport",
    "utilities",
    "critical_infrastructure",
    *GOVERNMENT_SECTORS,
)
PARTY_ROLES = (
    "customer",
    "end_user",
    "integrator",
    "consignee",
    "distributor",
    "reseller",
    "freight_forwarder",
    "financier",
)
SUPPLIER_CATEGORIES = (
    "electronics_assembly",
    "pcb",
    "semiconductors",
    "plastics",
    "metals",
    "chemicals",
    "packaging",
    "logistics",
    "software",
    "services",
    "raw_materials",
    "textiles",
)
DPIA_STATES = ("approved", "pending", "rejected", "none")
SECURITY_TEST_STATES = ("passed", "failed", "none")
TRANSFER_MECHANISMS = ("adequacy", "scc", "bcr", "consent", "none")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HS_CODE = re.compile(r"^\d{2}(?:[.\s]?\d{2}){0,4}$")
_INT_LIMIT = 2**63  # CEL integers are 64-bit


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Spec:
    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        raise NotImplementedError

    def absent(self) -> Any:
        """The value an optional field takes when the subject leaves it out."""
        return None


class _Str(_Spec):
    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        if not isinstance(value, str):
            errors.append(FieldError(path, f"must be a string, got {_kind(value)}"))
        elif not value.strip():
            errors.append(FieldError(path, "must not be empty"))
        else:
            return value.strip()
        return None


class _Bool(_Spec):
    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        if isinstance(value, bool):
            return value
        errors.append(FieldError(path, f"must be true or false, got {_kind(value)}"))
        return None


@dataclass
class _Int(_Spec):
    minimum: int = 0

    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(FieldError(path, f"must be a whole number, got {_kind(value)}"))
        elif value >= _INT_LIMIT:
            errors.append(FieldError(path, "is too large"))
        elif value < self.minimum:
            errors.append(FieldError(path, f"must be at least {self.minimum}, got {value}"))
        else:
            return value
        return None


@dataclass
class _Num(_Spec):
    minimum: float = 0.0
    maximum: float | None = None

    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            errors.append(FieldError(path, f"must be a number, got {_kind(value)}"))
        elif value < self.minimum or (self.maximum is not None and value > self.maximum):
            upper = f" and at most {self.maximum:g}" if self.maximum is not None else ""
            errors.append(FieldError(path, f"must be at least {self.minimum:g}{upper}, got {value}"))
        else:
            return float(value)
        return None


class _Date(_Spec):
    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str) and _DATE.match(value.strip()):
            try:
                return date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                errors.append(FieldError(path, f"{value!r} is not a real date"))
                return None
        errors.append(FieldError(path, f"must be a date written YYYY-MM-DD, got {_describe(value)}"))
        return None


class _HsCode(_Spec):
    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        if isinstance(value, str) and _HS_CODE.match(value.strip()):
            return value.strip()
        errors.append(
            FieldError(
                path, f"must be a Harmonized System code such as '8525' or '8525.89', got {_describe(value)}"
            )
        )
        return None


class _Country(_Spec):
    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        if not isinstance(value, str):
            errors.append(FieldError(path, f"must be an ISO 3166-1 alpha-2 country code, got {_kind(value)}"))
            return None
        code = value.strip().upper()
        if len(code) != 2 or not code.isalpha():
            errors.append(
                FieldError(path, f"must be an ISO 3166-1 alpha-2 country code (two letters), got {value!r}")
            )
        elif code not in codes:
            errors.append(FieldError(path, f"{value!r} is not an ISO 3166-1 alpha-2 country code"))
        else:
            return code
        return None


@dataclass
class _Enum(_Spec):
    label: str
    values: tuple[str, ...]

    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        if not isinstance(value, str):
            errors.append(FieldError(path, f"must be a {self.label} (string), got {_kind(value)}"))
        elif value.strip().lower() not in self.values:
            errors.append(
                FieldError(
                    path, f"{value!r} is not a valid {self.label}; expected one of: {', '.join(self.values)}"
                )
            )
        else:
            return value.strip().lower()
        return None


@dataclass
class _Name(_Spec):
    """A snake_case-ish token from an open vocabulary (capabilities, personal data kinds, services)."""

    label: str

    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        if not isinstance(value, str) or not value.strip():
            errors.append(
                FieldError(path, f"must be a {self.label} name (non-empty string), got {_describe(value)}")
            )
            return None
        return value.strip()


@dataclass
class _Nullable(_Spec):
    inner: _Spec

    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        return None if value is None else self.inner.check(value, path, errors, codes)


@dataclass
class _List(_Spec):
    item: _Spec
    min_items: int = 0

    def absent(self) -> Any:
        return []

    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        if not isinstance(value, list | tuple):
            errors.append(FieldError(path, f"must be a list, got {_kind(value)}"))
            return None
        if len(value) < self.min_items:
            errors.append(
                FieldError(
                    path, f"must list at least {self.min_items} item{'s' if self.min_items > 1 else ''}"
                )
            )
        return [self.item.check(item, f"{path}[{index}]", errors, codes) for index, item in enumerate(value)]


@dataclass
class _Obj(_Spec):
    required: Mapping[str, _Spec]
    optional: Mapping[str, _Spec]

    def check(self, value: Any, path: str, errors: list[FieldError], codes: Collection[str]) -> Any:
        if not isinstance(value, Mapping):
            errors.append(FieldError(path, f"must be an object, got {_kind(value)}"))
            return None
        result: dict[str, Any] = {}
        for key, spec in self.required.items():
            if key not in value:
                errors.append(FieldError(_join(path, key), "is required"))
            else:
                result[key] = spec.check(value[key], _join(path, key), errors, codes)
        for key, spec in self.optional.items():
            result[key] = (
                spec.check(value[key], _join(path, key), errors, codes) if key in value else spec.absent()
            )
        for key, extra in value.items():
            if not isinstance(key, str):
                errors.append(FieldError(path, f"field names must be strings, got {key!r}"))
            elif key not in result:
                result[key] = _json(extra, _join(path, key), errors)
        return result


def _json(value: Any, path: str, errors: list[FieldError]) -> Any:
    """Extra fields are kept, but must be JSON values (dates are written as YYYY-MM-DD)."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int):
        if -_INT_LIMIT <= value < _INT_LIMIT:
            return value
        errors.append(FieldError(path, "is too large"))
        return None
    if isinstance(value, float):
        if math.isfinite(value):
            return value
    elif isinstance(value, date):  # datetime included
        return value.isoformat()
    elif isinstance(value, list | tuple):
        return [_json(item, f"{path}[{index}]", errors) for index, item in enumerate(value)]
    elif isinstance(value, Mapping) and all(isinstance(key, str) for key in value):
        return {key: _json(item, _join(path, key), errors) for key, item in value.items()}
    errors.append(FieldError(path, f"must be a JSON value, got {_kind(value)}"))
    return None


def _kind(value: Any) -> str:
    names = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }
    if value is None:
        return "null"
    return next((name for cls, name in names.items() if type(value) is cls), type(value).__name__)


def _describe(value: Any) -> str:
    return repr(value) if isinstance(value, str) else _kind(value)


def _obj(required: Mapping[str, _Spec], optional: Mapping[str, _Spec] | None = None) -> _Obj:
    return _Obj(required, optional or {})


_STR, _BOOL, _DATE_SPEC, _COUNTRY = _Str(), _Bool(), _Date(), _Country()
_AS_OF = {"as_of": _Nullable(_DATE_SPEC)}
_CAPABILITIES = _List(_Name("capability"))

SCHEMAS: Mapping[str, _Obj] = {
    "sales_deal": _obj(
        {
            "reference": _STR,
            "parties": _List(
                _obj(
                    {
                        "role": _Enum("party role", PARTY_ROLES),
                        "name": _STR,
                        "country": _COUNTRY,
                        "sector": _Enum("sector", SECTORS),
                    },
                    {"region": _Nullable(_STR)},
                ),
                min_items=1,
            ),
            "items": _List(
                _obj(
                    {"sku": _STR, "capabilities": _CAPABILITIES, "quantity": _Int(minimum=1)},
                    {"hs_code": _Nullable(_HsCode())},
                ),
                min_items=1,
            ),
        },
        {
            "deployment": _Nullable(
                _obj(
                    {"public_space": _BOOL, "camera_count": _Int(minimum=0), "purpose": _STR},
                    {"purposes": _List(_Name("purpose"))},
                )
            ),
            "exporter_country": _Nullable(_COUNTRY),
            "us_content": _Nullable(_Num(minimum=0.0, maximum=100.0)),
            "value": _Nullable(_Num(minimum=0.0)),
            **_AS_OF,
        },
    ),
    "app_launch": _obj(
        {
            "app": _obj({"name": _STR, "version": _STR, "markets": _List(_COUNTRY, min_items=1)}),
            "capabilities": _CAPABILITIES,
            "personal_data": _List(_Name("personal data kind")),
            "assessments": _obj(
                {
                    "dpia": _Enum("DPIA status", DPIA_STATES),
                    "security_test": _Enum("security test status", SECURITY_TEST_STATES),
                }
            ),
            "privacy_policy": _BOOL,
            "default_credentials": _BOOL,
            "vulnerability_disclosure_policy": _BOOL,
            "data_transfers": _List(
                _obj({"country": _COUNTRY, "mechanism": _Enum("transfer mechanism", TRANSFER_MECHANISMS)})
            ),
            "third_party_sdks": _List(_obj({"name": _STR, "vendor": _STR, "country": _COUNTRY})),
        },
        _AS_OF,
    ),
    "supplier_onboarding": _obj(
        {
            "supplier": _obj(
                {"name": _STR, "country": _COUNTRY},
                {"region": _Nullable(_STR), "parent": _Nullable(_STR), "aliases": _List(_STR)},
            ),
            "sites": _List(_obj({"country": _COUNTRY}, {"region": _Nullable(_STR)})),
            "categories": _List(_Enum("supplier category", SUPPLIER_CATEGORIES), min_items=1),
            "certificates": _List(
                _obj(
                    {"standard": _STR, "valid_until": _DATE_SPEC},
                    {
                        "number": _Nullable(_STR),
                        "issuer": _Nullable(_STR),
                        "valid_from": _Nullable(_DATE_SPEC),
                    },
                )
            ),
            "saq_completed": _BOOL,
        },
        _AS_OF,
    ),
    "product_release": _obj(
        {
            "product": _obj({"name": _STR, "model": _STR, "type": _STR}),
            "firmware": _obj({"version": _STR}),
            "capabilities": _CAPABILITIES,
        },
        {
            # {"model", "version"}: the gate service reads the release's facts from the product register
            # into `register` (and fills product, firmware, capabilities); `security` is then self-declared
            "release": _Nullable(_obj({"model": _STR, "version": _STR})),
            "security": _Nullable(
                _obj(
                    {
                        "unique_default_passwords": _BOOL,
                        "vulnerability_disclosure_policy": _BOOL,
                        "insecure_services_enabled": _List(_Name("service")),
                        "open_vulnerabilities": _List(
                            _obj({"id": _STR, "cvss": _Num(minimum=0.0, maximum=10.0)})
                        ),
                        "signed_firmware": _BOOL,
                    },
                    {"support_period_end": _Nullable(_DATE_SPEC)},
                )
            ),
            **_AS_OF,
        },
    ),
}


def check_gate(gate: str) -> None:
    if gate not in GATES:
        raise ValueError(f"unknown gate {gate!r}; expected one of: {', '.join(GATES)}")


def normalize_subject(
    gate: str, subject: Any, reference: ReferenceData
) -> tuple[dict[str, Any], list[FieldError]]:
    """Validate a subject and return it as plain JSON values (dates as YYYY-MM-DD, codes upper case,
    absent optional fields present as null or []), together with every field error found."""
    check_gate(gate)
    errors: list[FieldError] = []
    if not isinstance(subject, Mapping):
        return {}, [FieldError("", f"the subject must be an object, got {_kind(subject)}")]
    normalized = SCHEMAS[gate].check(subject, "", errors, reference.countries)
    if (  # `security` is required unless the subject names a register release
        gate == "product_release"
        and isinstance(normalized, dict)
        and normalized.get("security") is None
        and not isinstance(normalized.get("register"), Mapping)
    ):
        errors.append(FieldError("security", "is required"))
    return (normalized if isinstance(normalized, dict) else {}), errors


def validate_subject(gate: str, subject: Any, *, reference: ReferenceData | None = None) -> list[FieldError]:
    """Every field error in `subject` for `gate` (empty when valid). Extra fields are allowed and kept."""
    return normalize_subject(gate, subject, reference or load_reference_data())[1]
