"""Committees, their decision rules and members: /api/v1/committees."""

from datetime import date
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.accounts.models import User
from conduct.apps.apikit import Page, actor_of
from conduct.apps.errors import Invalid
from conduct.apps.governance import selectors, services
from conduct.apps.governance.api._shared import MemberRole, committee_for
from conduct.apps.governance.models import Committee, CommitteeMember

router = Router(tags=["governance"])


# --- committees ---------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    votes: bool
    term_start: date
    term_end: date | None

    @staticmethod
    def resolve_username(obj: CommitteeMember) -> str:
        return obj.user.username

    @staticmethod
    def resolve_display_name(obj: CommitteeMember) -> str:
        return obj.user.display_name


class CommitteeOut(Schema):
    id: int
    slug: str
    name: str
    mandate: str
    description: str
    quorum_ratio: float
    majority: str
    chair_breaks_ties: bool
    rule: str
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj: Committee) -> list[CommitteeMember]:
        return list(obj.members.all())

    @staticmethod
    def resolve_rule(obj: Committee) -> str:

        return services.committee_rule(obj).describe()


class CommitteeIn(Schema):
    slug: str = Field(..., min_length=1, max_length=64)
    name: str = Field(..., min_length=1, max_length=200)
    mandate: Literal["decides", "advises"]
    description: str = Field("", max_length=5000)
    quorum_ratio: float = Field(0.5, ge=0.01, le=1)
    majority: Literal["simple", "two_thirds"] = "simple"
    chair_breaks_ties: bool = True


class CommitteePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    quorum_ratio: float | None = Field(None, ge=0.01, le=1)
    majority: Literal["simple", "two_thirds"] | None = None
    chair_breaks_ties: bool | None = None


class MemberIn(Schema):
    user: str = Field(..., min_length=1, max_length=150, description="User name")
    role: MemberRole = "member"
    term_start: date | None = None
    term_end: date | None = None


class MemberPatch(Schema):
    role: MemberRole | None = None
    term_end: date | None = None


@router.get("/committees", response=list[CommitteeOut])
@paginate(Page)
def list_committees(request: HttpRequest) -> object:
    return selectors.committee_index(actor=actor_of(request))


@router.post("/committees", response={201: CommitteeOut}, summary="Create a committee with its decision rule")
def create_committee(request: HttpRequest, payload: CommitteeIn) -> Status[Committee]:
    actor = actor_of(request)
    committee = services.committee_create(actor=actor, **payload.dict())
    return Status(201, selectors.committee_get(actor=actor, committee_id=committee.pk))


@router.get("/committees/{committee_id}", response=CommitteeOut)
def get_committee(request: HttpRequest, committee_id: int) -> Committee:
    return committee_for(actor_of(request), committee_id)


@router.patch(
    "/committees/{committee_id}", response=CommitteeOut, summary="Change a committee's decision rule"
)
def update_committee(request: HttpRequest, committee_id: int, payload: CommitteePatch) -> Committee:
    actor = actor_of(request)
    committee = committee_for(actor, committee_id)  # the service checks committees.manage
    services.committee_update(actor=actor, committee=committee, **payload.dict(exclude_unset=True))
    return selectors.committee_get(actor=actor, committee_id=committee_id)


@router.post("/committees/{committee_id}/members", response={201: MemberOut}, summary="Appoint a member")
def add_member(request: HttpRequest, committee_id: int, payload: MemberIn) -> Status[CommitteeMember]:
    actor = actor_of(request)
    committee = committee_for(actor, committee_id)  # the service checks committees.manage
    user = User.objects.filter(username=payload.user, is_active=True).first()
    if user is None:
        raise Invalid(
            _("Unknown user."), fields={"user": _("No active user %(user)s.") % {"user": repr(payload.user)}}
        )
    member = services.committee_member_add(
        actor=actor,
        committee=committee,
        user=user,
        role=payload.role,
        term_start=payload.term_start,
        term_end=payload.term_end,
    )
    return Status(201, member)


@router.patch(
    "/committees/{committee_id}/members/{member_id}",
    response=MemberOut,
    summary="Change a member's role or end their term",
)
def update_member(
    request: HttpRequest, committee_id: int, member_id: int, payload: MemberPatch
) -> CommitteeMember:
    actor = actor_of(request)
    committee = committee_for(actor, committee_id)  # the service checks committees.manage
    member = selectors.member_get(actor=actor, committee=committee, member_id=member_id)
    return services.committee_member_update(actor=actor, member=member, **payload.dict(exclude_unset=True))
