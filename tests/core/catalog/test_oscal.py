"""Frameworks export as OSCAL 1.1 catalogs that OSCAL tooling accepts."""

import json
import re
import uuid
from typing import Any

import pytest

from conduct.core.catalog import FrameworkLibrary, load_library, oscal_control_id, to_oscal_catalog

from .conftest import LibraryMaker
from .samples import OTHER

# OSCAL `token` (NCName, ASCII subset) and `uuid` (v4 or v5) patterns from the OSCAL 1.1 JSON schema.
TOKEN = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
UUID = re.compile(
    r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$"
)
DATETIME_WITH_TZ = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def controls_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [control for group in document["catalog"]["groups"] for control in group["controls"]]


def test_every_framework_exports_a_structurally_valid_catalog(library: FrameworkLibrary) -> None:
    for framework in library.frameworks:
        document = to_oscal_catalog(framework, library.mappings)
        assert set(document) == {"catalog"}
        catalog = document["catalog"]
        assert UUID.match(catalog["uuid"])
        metadata = catalog["metadata"]
        assert metadata["title"] and "\n" not in metadata["title"]
        assert DATETIME_WITH_TZ.match(metadata["last-modified"])
        assert metadata["version"].strip() == metadata["version"]
        assert metadata["oscal-version"].startswith("1.1.")
        group_ids = [group["id"] for group in catalog["groups"]]
        assert len(set(group_ids)) == len(group_ids) and all(TOKEN.match(g) for g in group_ids)
        controls = controls_of(document)
        assert len(controls) == len(framework.requirements)
        ids = [control["id"] for control in controls]
        assert len(set(ids)) == len(ids)
        for control in controls:
            assert TOKEN.match(control["id"]), control["id"]
            assert control["title"] and "\n" not in control["title"]
            assert [part["name"] for part in control["parts"]] == ["statement", "guidance"]
            assert all(TOKEN.match(part["id"]) for part in control["parts"])
            for prop in control["props"]:
                assert TOKEN.match(prop["name"]) and prop["value"].strip() == prop["value"] != ""
            for link in control.get("links", []):
                assert link["href"].startswith("urn:conduct:") and TOKEN.match(link["rel"])
        for resource in catalog.get("back-matter", {}).get("resources", []):
            assert UUID.match(resource["uuid"])
        json.dumps(document)


def test_the_catalog_validates_against_the_trestle_oscal_model(library: FrameworkLibrary) -> None:
    trestle_catalog = pytest.importorskip("trestle.oscal.catalog")
    # trestle 3.x (OSCAL 1.1.3) models are pydantic-v1 style; later majors use pydantic v2.
    validate = getattr(trestle_catalog.Catalog, "model_validate", None) or trestle_catalog.Catalog.parse_obj
    for framework in library.frameworks:
        document = to_oscal_catalog(framework, library.mappings)
        model = validate(document["catalog"])
        assert model.metadata.title == framework.name
        assert sum(len(group.controls or []) for group in model.groups or []) == len(framework.requirements)


def test_each_control_carries_its_urn_id_and_classification(library: FrameworkLibrary) -> None:
    framework = library.framework("sa8000")
    control = controls_of(to_oscal_catalog(framework))[0]
    requirement = framework.requirements[0]
    props = {(prop["name"], prop.get("class")): prop["value"] for prop in control["props"]}
    assert control["id"] == oscal_control_id(requirement) == "sa8000-sa8000-1.a"
    assert props[("alt-identifier", None)] == "urn:conduct:sa8000:SA8000-1.a"
    assert props[("label", None)] == "SA8000-1.a"
    assert props[("dimension", None)] == "labour"
    assert props[("check", None)] == "automatic"
    assert props[("threshold", "min_age")] == "15"
    assert control["parts"][0]["prose"] == requirement.summary
    assert requirement.evidence_examples[0] in control["parts"][1]["prose"]


def test_etsi_ids_starting_with_a_digit_become_valid_control_ids(library: FrameworkLibrary) -> None:
    requirement = library.requirements["urn:conduct:etsi_en_303_645:5.1-1"]
    assert oscal_control_id(requirement) == "etsi_en_303_645-5.1-1"


def test_controls_are_grouped_by_section_when_every_requirement_has_one(library: FrameworkLibrary) -> None:
    groups = to_oscal_catalog(library.framework("etsi_en_303_645"))["catalog"]["groups"]
    assert groups[0]["title"] == "5.1 No universal default passwords"
    assert {group["class"] for group in groups} == {"section"}


def test_controls_are_grouped_by_dimension_otherwise(library: FrameworkLibrary) -> None:
    groups = to_oscal_catalog(library.framework("uk_psti"))["catalog"]["groups"]
    assert [group["id"] for group in groups] == [
        "dimension-product",
        "dimension-supply_chain",
        "dimension-governance",
        "dimension-security",
    ]


def test_mappings_become_control_links_in_both_directions(library: FrameworkLibrary) -> None:
    psti = {c["id"]: c for c in controls_of(to_oscal_catalog(library.framework("uk_psti"), library.mappings))}
    etsi = {
        c["id"]: c
        for c in controls_of(to_oscal_catalog(library.framework("etsi_en_303_645"), library.mappings))
    }
    assert {"href": "urn:conduct:etsi_en_303_645:5.1-1", "rel": "superset-of"} in psti["uk_psti-psti-s1"][
        "links"
    ]
    assert {"href": "urn:conduct:uk_psti:PSTI-S1", "rel": "subset-of"} in etsi["etsi_en_303_645-5.1-1"][
        "links"
    ]


def test_export_is_deterministic_and_the_uuid_is_a_uuid5_of_urn_and_content(
    library: FrameworkLibrary,
) -> None:
    framework = library.framework("ungp")
    first = to_oscal_catalog(framework, library.mappings)
    assert first == to_oscal_catalog(framework, library.mappings)
    catalog_uuid = uuid.UUID(first["catalog"]["uuid"])
    assert catalog_uuid.version == 5
    assert catalog_uuid == uuid.uuid5(uuid.NAMESPACE_URL, f"urn:conduct:ungp@{framework.content_hash}")


def test_the_catalog_uuid_changes_when_the_framework_file_changes(make_library: LibraryMaker) -> None:
    before = load_library(make_library()).framework("other")
    after = load_library(
        make_library({"other.yaml": OTHER.replace("Provisioning procedure", "Provisioning records")})
    ).framework("other")
    assert to_oscal_catalog(before)["catalog"]["uuid"] != to_oscal_catalog(after)["catalog"]["uuid"]
