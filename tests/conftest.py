"""Shared fixtures. Database tests run against the demo organisation, loaded once per test database.

The named cast (after Zulip's): admin, officer, auditor, analyst, liaison_uk, liaison_de, ethics_chair,
supplier_acme, customer_metro — all from data/demo/organisation.yaml.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from conduct.apps.accounts.actors import SYSTEM

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEMO_PASSWORD = yaml.safe_load((REPO / "data" / "demo" / "organisation.yaml").read_text())["password"]


def _load_demo() -> None:
    from conduct.apps.audit.models import GENESIS_HASH, LedgerHead
    from conduct.apps.web.management.commands.demo_load import load_demo

    LedgerHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
    load_demo(yaml.safe_load((REPO / "data" / "demo" / "organisation.yaml").read_text()))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        _load_demo()


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """A transactional test ends by flushing the database; put the demo organisation back for the tests
    that follow it on the same worker (they run inside transactions over that shared base)."""
    yield
    if nextitem is not None and _is_transactional(item):  # the last item's teardown drops the test DB
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _load_demo()


def _user(username: str) -> Any:
    from conduct.apps.accounts.models import User

    return User.objects.get(username=username)


@pytest.fixture
def cast(db: None) -> Callable[[str], Any]:
    """cast("officer") -> that demo user."""
    return _user


@pytest.fixture
def admin(db: None) -> Any:
    return _user("admin")


@pytest.fixture
def officer(db: None) -> Any:
    return _user("officer")


@pytest.fixture
def auditor(db: None) -> Any:
    return _user("auditor")


@pytest.fixture
def analyst(db: None) -> Any:
    return _user("analyst")


@pytest.fixture
def liaison_uk(db: None) -> Any:
    return _user("liaison_uk")


@pytest.fixture
def liaison_de(db: None) -> Any:
    return _user("liaison_de")


@pytest.fixture
def ethics_chair(db: None) -> Any:
    return _user("ethics_chair")


@pytest.fixture
def supplier_acme(db: None) -> Any:
    return _user("supplier_acme")


@pytest.fixture
def customer_metro(db: None) -> Any:
    return _user("customer_metro")


@pytest.fixture
def api_client(db: None) -> Callable[..., Any]:
    """api_client(user) -> a Django test client logged in as `user` (session auth; CSRF not enforced)."""
    from django.test import Client

    def make(user: Any = None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def bearer(db: None) -> Callable[..., dict[str, str]]:
    """bearer(user, scope="read-write") -> headers carrying a fresh token for `user`."""
    from conduct.apps.accounts.services import token_create

    def make(user: Any, scope: str = "read-write") -> dict[str, str]:
        _, secret = token_create(actor=SYSTEM, user=user, name="test", scope=scope, expires_days=1)
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Any:
    """A request in Chinese leaves the test thread's language in Chinese (LocaleMiddleware activates it and
    nothing resets it between tests); code a later test calls outside a request would then speak Chinese."""
    yield
    from django.utils import translation

    translation.deactivate()
