"""The worker-reference key in a temporary folder, and a small world: two sites in two units, a liaison for
each, and a CSV helper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from conduct.apps.workforce import keys
from tests.factories.workforce import LiaisonFactory, OwnSiteFactory

HEADER = "site,worker_ref,week_start,regular_hours,overtime_hours,rest_days\n"


@pytest.fixture(autouse=True)
def worker_key(settings: Any, tmp_path: Any) -> Any:
    path = tmp_path / "keys" / "workforce_worker_hmac.key"
    settings.WORKFORCE = {**settings.WORKFORCE, "WORKER_KEY_PATH": path}
    keys._key_at.cache_clear()
    yield path
    keys._key_at.cache_clear()


@dataclass
class World:
    plant: Any
    office: Any
    plant_liaison: Any
    office_liaison: Any


@pytest.fixture
def world(db: None) -> World:
    plant_liaison = LiaisonFactory()
    office_liaison = LiaisonFactory()
    return World(
        plant=OwnSiteFactory(code="t-plant", org_unit=plant_liaison.home_unit, liaison=plant_liaison),
        office=OwnSiteFactory(code="t-office", kind="office", org_unit=office_liaison.home_unit),
        plant_liaison=plant_liaison,
        office_liaison=office_liaison,
    )


def csv_of(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)
