"""JSON API for committees (/api/v1/committees)."""


from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from conduct.apps.accounts.scoping import require
from conduct.apps.apikit import Page, actor_of
from conduct.apps.governance.models import Committee, CommitteeMember
from conduct.apps.governance.selectors import committee_list

router = Router(tags=["governance"])


class MemberOut(Schema):
    username: str
    display_name: str
    role: str
    term_start: str
    term_end: str | None

    @staticmethod
    def resolve_username(obj: CommitteeMember) -> str:
        return obj.user.username

    @staticmethod
    def resolve_display_name(obj: CommitteeMember) -> str:
        return obj.user.display_name

    @staticmethod
    def resolve_term_start(obj: CommitteeMember) -> str:
        return obj.term_start.isoformat()

    @staticmethod
    def resolve_term_end(obj: CommitteeMember) -> str | None:
        return obj.term_end.isoformat() if obj.term_end else None


class CommitteeOut(Schema):
    id: int
    slug: str
    name: str
    mandate: str
    description: str
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj: Committee) -> list[CommitteeMember]:
        return list(obj.members.all())


@router.get("/committees", response=list[CommitteeOut])
@paginate(Page)
def list_committees(request: HttpRequest) -> object:
    actor = actor_of(request)
    require(actor, "committees.view")
    return committee_list(actor=actor)
