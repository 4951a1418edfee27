"""One actor, one check: services and the permission checks take an Actor (a User or a named SystemActor),
never None; pages learn which buttons to show from `may`, not from a check of their own."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from conduct.apps.accounts.actors import CLI, SYSTEM
from conduct.apps.accounts.context_processors import role_permissions
from conduct.apps.accounts.models import OrgUnit
from conduct.apps.accounts.roles import Role
from conduct.apps.accounts.scoping import authorize, can
from conduct.apps.accounts.services import orgunit_create
from conduct.apps.errors import Forbidden
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("nobody", [None, "cli", 0])
def test_a_check_without_an_actor_is_a_bug_not_a_refusal(nobody: Any) -> None:
    with pytest.raises(TypeError, match="An Actor"):
        can(nobody, "orgunits.view")
    with pytest.raises(TypeError, match="An Actor"):
        authorize(nobody, "orgunits.change")


def test_a_service_refuses_none_as_its_actor_and_writes_nothing() -> None:
    before = OrgUnit.objects.count()
    with pytest.raises(TypeError):
        orgunit_create(actor=None, code="nowhere", name="Nowhere", kind="branch", country="GB")  # type: ignore[arg-type]
    assert OrgUnit.objects.count() == before


def test_a_system_actor_holds_every_permission_and_a_user_only_their_roles() -> None:
    auditor = UserFactory(role=Role.AUDITOR)
    assert can(CLI, "orgunits.change") and can(SYSTEM, "users.manage")
    assert can(auditor, "ledger.view")
    assert not can(auditor, "orgunits.change")
    with pytest.raises(Forbidden):
        authorize(auditor, "orgunits.change")


def test_may_tells_templates_what_the_role_holds() -> None:
    request = RequestFactory().get("/")
    request.user = UserFactory(role=Role.AUDITOR)
    may = role_permissions(request)["may"]
    assert may["ledger"]["view"] is True
    assert may["ledger"]["checkpoint"] is False
    assert "ledger.verify" in may
    assert "orgunits.change" not in may


def test_may_holds_nothing_for_a_visitor_who_has_not_signed_in() -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    may = role_permissions(request)["may"]
    assert may["ledger"]["view"] is False
    assert "portal.view" not in may
