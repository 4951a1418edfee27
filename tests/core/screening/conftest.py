"""Shared fixtures: the real watch-list files (read once per test session) and small indexes over them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conduct.core.screening import NameIndex, ParsedList, read_list


def _data_root() -> Path | None:
    candidates = [
        os.environ.get("CONDUCT_SHARED_DATA", ""),
        str(Path(__file__).resolve().parents[4] / "shared" / "data"),
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "watchlists").is_dir():
            return Path(candidate)
    return None


DATA = _data_root()
needs_data = pytest.mark.skipif(DATA is None, reason="shared watch-list data not available")


@pytest.fixture(scope="session")
def data() -> Path:
    if DATA is None:
        pytest.skip("shared watch-list data not available")
    return DATA


@pytest.fixture(scope="session")
def watchlists(data: Path) -> Path:
    return data / "watchlists"


@pytest.fixture(scope="session")
def sdn(watchlists: Path) -> ParsedList:
    return read_list(watchlists / "ofac_sdn_2021")


@pytest.fixture(scope="session")
def non_sdn(watchlists: Path) -> ParsedList:
    return read_list(watchlists / "ofac_non_sdn_consolidated")


@pytest.fixture(scope="session")
def un(watchlists: Path) -> ParsedList:
    return read_list(watchlists / "un_consolidated" / "UN_consolidated.xml")


@pytest.fixture(scope="session")
def dpl(watchlists: Path) -> ParsedList:
    return read_list(watchlists / "bis_dpl_2021" / "dpl.txt")


@pytest.fixture(scope="session")
def csl_2019(watchlists: Path) -> ParsedList:
    return read_list(watchlists / "us_csl_samples" / "csl_2019_sample.csv")


@pytest.fixture(scope="session")
def csl_2025(watchlists: Path) -> ParsedList:
    return read_list(watchlists / "us_csl_samples" / "consolidated_2025_sample.csv")


@pytest.fixture(scope="session")
def small_index(non_sdn: ParsedList, un: ParsedList, csl_2025: ParsedList) -> NameIndex:
    items = [*non_sdn.index_items("ofac_non_sdn"), *un.index_items("un"), *csl_2025.index_items("us_csl")]
    return NameIndex(items)
