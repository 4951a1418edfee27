"""Version order for firmware components: OpenSSL letters, BusyBox, Dropbear's year.release, semver, vendor
firmware strings."""

from __future__ import annotations

import pytest

from conduct.core.products import compare, is_version

OLDER_NEWER = [
    ("1.1.1k", "1.1.1n"),  # OpenSSL letter releases
    ("1.1.1", "1.1.1a"),
    ("1.1.1z", "1.1.1za"),
    ("1.1.1za", "1.1.1zb"),
    ("1.0.2zg", "1.0.2zh"),
    ("1.1.1w", "3.0.0"),
    ("1.31.1", "1.34.0"),  # BusyBox
    ("1.35", "1.35.0.1"),
    ("2019.78", "2020.81"),  # Dropbear
    ("2020.81", "2022.83"),
    ("7.68.0", "8.4.0"),  # curl
    ("1.2.11", "1.2.12"),  # zlib
    ("1.2.12", "1.2.13"),
    ("2.1.93", "2.34"),  # glibc
    ("2.34", "2.39"),
    ("1.0.0-rc1", "1.0.0"),  # semver pre-releases
    ("1.0.0-alpha", "1.0.0-beta"),
    ("1.0.0-beta", "1.0.0-rc1"),
    ("V2.3.8-6", "V2.3.8-8"),  # Hikvision firmware
    ("V1.4.0_build221212", "V1.4.0_build221213"),
    ("v5.2.0", "5.10.0"),
]


@pytest.mark.parametrize(("older", "newer"), OLDER_NEWER)
def test_it_orders_the_versions_real_firmware_ships(older: str, newer: str) -> None:
    assert compare(older, newer) == -1
    assert compare(newer, older) == 1


@pytest.mark.parametrize(("a", "b"), [("1.34", "1.34.0"), ("v8.4.0", "8.4.0"), ("V1.1.0", "1.1.0")])
def test_it_treats_trailing_zeros_and_a_v_prefix_as_the_same_version(a: str, b: str) -> None:
    assert compare(a, b) == 0


@pytest.mark.parametrize(
    "text", ["1.1.1k", "2020.81", "V1.4.0_build221212", "1.0.2zh", "8.4.0-rc2", "3.39.x"]
)
def test_it_reads_version_strings_as_versions(text: str) -> None:
    assert is_version(text)


@pytest.mark.parametrize("text", ["n/a", "", "unspecified", "Fixed in OpenSSL 1.1.1n", "Hikvision Cameras"])
def test_it_does_not_read_prose_as_a_version(text: str) -> None:
    assert not is_version(text)
