"""SBOMs read into plain components: CycloneDX JSON 1.2-1.6 and SPDX 2.3 JSON.

The document is first validated against its format's rules (CycloneDX: the JSON schema of the declared
specVersion as cyclonedx-python-lib bundles it; SPDX: spdx-tools' parser and full validation), then its
components are read as name, version, supplier, purl and CPE. A document either reads whole or raises
`SbomError` with the reason. The libraries are imported on first use (spdx-tools alone takes over a second
to import).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ._match import Component

MAX_COMPONENTS = 50_000
_CDX_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6")


class SbomError(ValueError):
    """Why an SBOM was refused (one line, safe to show)."""


@dataclass(frozen=True)
class Sbom:
    format: str  # "cyclonedx" or "spdx"
    spec_version: str
    components: tuple[Component, ...]
    name: str = ""


def read_sbom(text: str) -> Sbom:
    """Read a CycloneDX or SPDX JSON document (detected from its content)."""
    if "\x00" in text:
        raise SbomError("the file contains NUL bytes")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise SbomError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SbomError("not an SBOM: the document is not a JSON object")
    if data.get("bomFormat") == "CycloneDX":
        return _cyclonedx(data)
    if str(data.get("spdxVersion", "")).startswith("SPDX-"):
        return _spdx(data)
    raise SbomError("not an SBOM: neither CycloneDX (bomFormat) nor SPDX (spdxVersion)")


def _schema_file(uri: str) -> Any:
    """The schemas a CycloneDX schema refers to (spdx, jsf), from the library's bundled copies."""
    from cyclonedx.schema import _res

    name = uri.rsplit("/", 1)[-1].split("#", 1)[0]
    if "SNAPSHOT" not in name:
        name = name.replace(".schema.json", ".SNAPSHOT.schema.json")
    path = Path(_res.__file__).parent / Path(name).name
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def _validator(version: str) -> Any:
    """A compiled validator for one CycloneDX specVersion: cyclonedx-python-lib's bundled JSON schema, run by
    jsonschema-rs. (The library's own validator runs the `jsonschema` package, whose uniqueItems check is
    quadratic: 33 s for a 2,000-component SBOM against 10 ms here.)"""
    import jsonschema_rs
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.schema._res import BOM_JSON

    path = BOM_JSON[SchemaVersion.from_version(version)]
    assert path is not None
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for(schema, retriever=_schema_file, validate_formats=True)


def _cyclonedx(data: dict[str, Any]) -> Sbom:
    version = str(data.get("specVersion", ""))
    if version not in _CDX_VERSIONS:
        raise SbomError(f"CycloneDX specVersion {version!r} is not supported (1.2 to 1.6)")
    error = next(iter(_validator(version).iter_errors(data)), None)
    if error is not None:
        path = "/".join(str(p) for p in error.instance_path)
        raise SbomError(
            f"CycloneDX {version} schema: {error.message[:300]}" + (f" at {path}" if path else "")
        )
    components: list[Component] = []
    _walk(data.get("components") or [], components)
    meta = (data.get("metadata") or {}).get("component") or {}
    return Sbom("cyclonedx", version, tuple(components), str(meta.get("name") or ""))


def _walk(items: list[Any], out: list[Component]) -> None:
    for item in items:
        if len(out) >= MAX_COMPONENTS:
            raise SbomError(f"more than {MAX_COMPONENTS} components")
        supplier = item.get("supplier") or {}
        out.append(
            Component(
                name=str(item.get("name", ""))[:300],
                version=str(item.get("version", ""))[:100],
                supplier=str(supplier.get("name") or item.get("publisher") or "")[:300],
                purl=str(item.get("purl") or "")[:1000],
                cpe=str(item.get("cpe") or "")[:1000],
            )
        )
        _walk(item.get("components") or [], out)


def _spdx(data: dict[str, Any]) -> Sbom:
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    if data.get("spdxVersion") != "SPDX-2.3":
        raise SbomError(f"SPDX version {data.get('spdxVersion')!r} is not supported (SPDX-2.3)")
    try:
        document = JsonLikeDictParser().parse(data)  # type: ignore[no-untyped-call]
    except SPDXParsingError as exc:
        raise SbomError("SPDX: " + "; ".join(exc.get_messages())[:400]) from None  # type: ignore[no-untyped-call]
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise SbomError(f"SPDX: {exc}"[:400]) from None
    problems = validate_full_spdx_document(document)
    if problems:
        raise SbomError("SPDX: " + "; ".join(p.validation_message for p in problems[:3])[:400])
    if len(document.packages) > MAX_COMPONENTS:
        raise SbomError(f"more than {MAX_COMPONENTS} packages")
    components = []
    for package in document.packages:
        purl = cpe = ""
        for ref in package.external_references:
            if ref.reference_type == "purl" and not purl:
                purl = ref.locator
            elif ref.reference_type in {"cpe23Type", "cpe22Type"} and not cpe:
                cpe = ref.locator
        supplier = getattr(package.supplier, "name", "") or ""
        components.append(
            Component(
                name=package.name[:300],
                version=(package.version or "")[:100],
                supplier=str(supplier)[:300],
                purl=purl[:1000],
                cpe=cpe[:1000],
            )
        )
    return Sbom("spdx", "2.3", tuple(components), document.creation_info.name)
