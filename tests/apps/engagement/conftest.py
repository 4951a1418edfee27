"""A small world for engagement: a top unit with a branch (the owner of the letters) and a legal department,
the branch's liaison, the legal department's liaison, an officer over the top unit and an outsider liaison of
another tree. The legal unit is configured to be this world's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from conduct.apps.accounts.roles import Role
from tests.factories.accounts import LiaisonFactory, OrgUnitFactory, UserFactory
from tests.factories.engagement import CorrespondenceFactory, QuestionFactory


@dataclass
class World:
    top: Any
    branch: Any
    legal: Any
    liaison: Any
    legal_liaison: Any
    officer: Any
    outsider: Any
    letter: Any
    question: Any


@pytest.fixture
def world(db: None, settings: Any) -> World:
    top = OrgUnitFactory(code="t-top")
    branch = OrgUnitFactory(code="t-branch", parent=top)
    legal = OrgUnitFactory(code="t-legal", parent=top)
    settings.CONDUCT = {**settings.CONDUCT, "ENGAGEMENT_LEGAL_UNIT": "t-legal"}
    liaison = LiaisonFactory(org_unit=branch).user
    liaison.scope_units.set([branch])
    legal_liaison = LiaisonFactory(org_unit=legal).user
    legal_liaison.scope_units.set([legal])
    officer = UserFactory(role=Role.COMPLIANCE_OFFICER, scope_units=[top])
    outsider = LiaisonFactory().user
    letter = CorrespondenceFactory(owner_unit=branch)
    question = QuestionFactory(correspondence=letter, number=1)
    return World(top, branch, legal, liaison, legal_liaison, officer, outsider, letter, question)
