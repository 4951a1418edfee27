"""Finding requirements: by URN, by words, with framework and dimension filters."""

import pytest

from conduct.core.catalog import Dimension, FrameworkLibrary, Requirement, load_library

from .conftest import LibraryMaker


def urns(requirements: tuple[Requirement, ...]) -> list[str]:
    return [requirement.urn for requirement in requirements]


def test_get_returns_a_requirement_by_urn_or_none(library: FrameworkLibrary) -> None:
    requirement = library.get("urn:conduct:etsi_en_303_645:5.1-1")
    assert requirement is not None
    assert requirement.id == "5.1-1"
    assert requirement.framework == "etsi_en_303_645"
    assert requirement.dimension is Dimension.SECURITY
    assert library.get("urn:conduct:etsi_en_303_645:9.9-9") is None


def test_urns_is_the_set_of_all_requirement_urns(library: FrameworkLibrary) -> None:
    all_urns = library.urns()
    assert isinstance(all_urns, frozenset)
    assert len(all_urns) == len(library.requirements)
    assert "urn:conduct:uk_psti:PSTI-S3" in all_urns


def test_framework_looks_up_by_slug_and_names_the_known_ones_when_missing(library: FrameworkLibrary) -> None:
    assert library.framework("sa8000").short_name == "SA8000"
    assert library.framework("sa8000").urn == "urn:conduct:sa8000"
    with pytest.raises(KeyError, match="ungp_reporting_framework"):
        library.framework("iso_9001")


def test_search_finds_requirements_by_words_in_any_order(library: FrameworkLibrary) -> None:
    found = urns(library.search("overtime premium"))
    assert "urn:conduct:sa8000:SA8000-7.c" in found
    assert found == urns(library.search("PREMIUM   overtime"))


def test_search_requires_every_word_to_match(library: FrameworkLibrary) -> None:
    assert library.search("password zebra") == ()


def test_search_puts_an_exact_id_first(library: FrameworkLibrary) -> None:
    found = urns(library.search("5.3-1"))
    assert found[0] == "urn:conduct:etsi_en_303_645:5.3-1"
    assert "urn:conduct:etsi_en_303_645:5.3-13" in found


def test_search_finds_a_requirement_by_its_urn(library: FrameworkLibrary) -> None:
    assert urns(library.search("urn:conduct:ungp:UNGP-31b"))[0] == "urn:conduct:ungp:UNGP-31b"


def test_search_ranks_title_matches_above_summary_matches(library: FrameworkLibrary) -> None:
    found = library.search("password")
    assert found
    assert "password" in found[0].title.lower()


def test_search_can_be_limited_to_a_framework(library: FrameworkLibrary) -> None:
    found = library.search("password", framework="uk_psti")
    assert urns(found) == ["urn:conduct:uk_psti:PSTI-S1"]


def test_search_can_be_limited_to_a_dimension_given_as_enum_or_text(library: FrameworkLibrary) -> None:
    labour = library.search("complaint", dimension=Dimension.LABOUR)
    assert labour and all(requirement.dimension is Dimension.LABOUR for requirement in labour)
    assert labour == library.search("complaint", dimension="labour")


def test_empty_search_lists_everything_within_the_filters_in_library_order(library: FrameworkLibrary) -> None:
    psti = library.search("", framework="uk_psti")
    assert urns(psti) == [requirement.urn for requirement in library.framework("uk_psti").requirements]
    assert len(library.search("")) == len(library.requirements)


def test_search_ignores_case_and_accents(make_library: LibraryMaker) -> None:
    library = load_library(make_library())
    assert urns(library.search("ASSOCIATION")) == ["urn:conduct:demo:D-2"]
    assert urns(library.search("associ\u00e0tion")) == ["urn:conduct:demo:D-2"]


def test_search_rejects_unknown_filters(library: FrameworkLibrary) -> None:
    with pytest.raises(ValueError, match="unknown framework"):
        library.search("password", framework="iso_9001")
    with pytest.raises(ValueError):
        library.search("password", dimension="environment")
