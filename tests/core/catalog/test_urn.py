import pytest

from conduct.core.catalog import make_urn, parse_urn


def test_it_builds_and_splits_requirement_urns() -> None:
    assert make_urn("etsi_en_303_645", "5.1-1") == "urn:conduct:etsi_en_303_645:5.1-1"
    assert parse_urn("urn:conduct:sa8000:SA8000-9.10") == ("sa8000", "SA8000-9.10")
    assert parse_urn("urn:conduct:ungp:UNGP-31b") == ("ungp", "UNGP-31b")


@pytest.mark.parametrize(
    "urn",
    [
        "urn:conduct:sa8000",
        "urn:conduct:SA8000:SA8000-1.a",
        "urn:other:sa8000:SA8000-1.a",
        "urn:conduct:sa8000:SA8000 1.a",
        "urn:conduct:sa8000:-1",
        "urn:conduct:sa8000:a:b",
    ],
)
def test_it_rejects_malformed_urns(urn: str) -> None:
    with pytest.raises(ValueError, match="invalid requirement URN"):
        parse_urn(urn)


def test_it_refuses_to_build_urns_from_bad_parts() -> None:
    with pytest.raises(ValueError, match="framework slug"):
        make_urn("Bad-Slug", "1")
    with pytest.raises(ValueError, match="requirement id"):
        make_urn("demo", "a/b")
