"""Mappings between frameworks resolve to real requirements and carry a relation and a source."""

import pytest

from conduct.core.catalog import FrameworkLibrary, Relation


def test_every_mapping_resolves_to_requirements_in_the_library(library: FrameworkLibrary) -> None:
    assert library.mappings
    for mapping in library.mappings:
        assert library.get(mapping.from_urn) is not None, mapping
        assert library.get(mapping.to_urn) is not None, mapping
        assert mapping.from_urn != mapping.to_urn
        assert mapping.source


def test_every_mapping_links_two_different_frameworks(library: FrameworkLibrary) -> None:
    for mapping in library.mappings:
        assert mapping.from_urn.split(":")[2] != mapping.to_urn.split(":")[2], mapping


def test_psti_deemed_compliance_is_mapped_to_the_four_etsi_provisions(library: FrameworkLibrary) -> None:
    pairs = {
        (m.from_urn, m.to_urn, m.relation)
        for m in library.mappings
        if m.mapping_set == "uk_psti__etsi_en_303_645"
    }
    assert pairs == {
        ("urn:conduct:etsi_en_303_645:5.1-1", "urn:conduct:uk_psti:PSTI-S1", Relation.SUBSET),
        ("urn:conduct:etsi_en_303_645:5.1-2", "urn:conduct:uk_psti:PSTI-S1", Relation.SUBSET),
        ("urn:conduct:uk_psti:PSTI-S2", "urn:conduct:etsi_en_303_645:5.2-1", Relation.EQUIVALENT),
        ("urn:conduct:uk_psti:PSTI-S3", "urn:conduct:etsi_en_303_645:5.3-13", Relation.EQUIVALENT),
    }


def test_mapping_sets_cover_the_framework_pairs_the_digests_support(library: FrameworkLibrary) -> None:
    sets = {mapping.mapping_set for mapping in library.mappings}
    assert {
        "uk_psti__etsi_en_303_645",
        "uk_scc_secure_by_default__etsi_en_303_645",
        "sa8000__de_lksg",
        "sa8000__eu_csddd",
        "iso_45001__iso_14001",
    } <= sets


def test_mappings_for_finds_mappings_at_either_end(library: FrameworkLibrary) -> None:
    urn = "urn:conduct:uk_psti:PSTI-S1"
    found = library.mappings_for(urn)
    assert {mapping.other(urn) for mapping in found} >= {
        "urn:conduct:etsi_en_303_645:5.1-1",
        "urn:conduct:etsi_en_303_645:5.1-2",
        "urn:conduct:uk_scc_secure_by_default:SBD-DEF-01",
    }
    assert library.mappings_for("urn:conduct:us_uflpa:UFLPA-9") == ()


def test_other_refuses_a_urn_that_is_not_in_the_mapping(library: FrameworkLibrary) -> None:
    with pytest.raises(ValueError, match="not part of this mapping"):
        library.mappings[0].other("urn:conduct:us_uflpa:UFLPA-9")
