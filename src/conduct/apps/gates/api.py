"""JSON API for gates: decide (with Idempotency-Key), list and read decisions, the policy pack."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest
from ninja import Body, Field, Header, Query, Router, Schema, Status
from ninja.pagination import paginate

from conduct.apps.apikit import Page, actor_of
from conduct.apps.gates import selectors, services
from conduct.apps.gates.models import GateDecision, RecheckFinding
from conduct.core.policy import GATES

router = Router(tags=["gates"])

if TYPE_CHECKING:
    GateName = str
else:
    GateName = Literal[GATES]  # the engine's gates, named once in conduct.core.policy


class DecisionOut(Schema):
    id: int
    gate: str
    reference: str
    outcome: str
    effective_outcome: str
    policy_version: str
    reference_version: str
    rules_evaluated: int
    as_of: date
    created_at: datetime
    actor: str
    org_unit: str | None
    previous_id: int | None
    cases: list[int]
    resolution: dict[str, Any] | None
    reasons: list[dict[str, Any]]
    conditions: list[str]
    referrals: list[dict[str, Any]]
    errors: list[dict[str, Any]]

    @staticmethod
    def resolve_actor(obj: GateDecision) -> str:
        return obj.actor_label

    @staticmethod
    def resolve_org_unit(obj: GateDecision) -> str | None:
        return obj.org_unit.code if obj.org_unit else None

    @staticmethod
    def resolve_cases(obj: GateDecision) -> list[int]:
        opened = getattr(obj, "opened_case_ids", None)  # set on a decision just recorded: the cases it opened
        return list(opened) if opened is not None else [c.pk for c in obj.cases.all()]

    @staticmethod
    def resolve_resolution(obj: GateDecision) -> dict[str, Any] | None:
        if not obj.resolved_at:
            return None
        return {
            "outcome": obj.resolution_outcome,
            "rationale": obj.resolution_rationale,
            "case": obj.resolution_case_id,
            "at": obj.resolved_at.isoformat(),
        }

    @staticmethod
    def resolve_reference_version(obj: GateDecision) -> str:
        return str(obj.result.get("reference_version", ""))

    @staticmethod
    def resolve_rules_evaluated(obj: GateDecision) -> int:
        return int(obj.result.get("rules_evaluated", 0))

    @staticmethod
    def resolve_conditions(obj: GateDecision) -> list[str]:
        return list(obj.result.get("conditions", []))

    @staticmethod
    def resolve_referrals(obj: GateDecision) -> list[dict[str, Any]]:
        return list(obj.result.get("referrals", []))

    @staticmethod
    def resolve_errors(obj: GateDecision) -> list[dict[str, Any]]:
        return list(obj.result.get("errors", []))


class DecisionDetailOut(DecisionOut):
    subject: dict[str, Any]
    facts: dict[str, Any]

    @staticmethod
    def resolve_facts(obj: GateDecision) -> dict[str, Any]:
        return dict(obj.result.get("facts", {}))


class DecisionQuery(Schema):
    gate: GateName | None = None
    outcome: Literal["allow", "review", "deny"] | None = None
    reference: str | None = Field(None, max_length=200)
    since: date | None = None
    until: date | None = None


class EvaluationOut(Schema):
    gate: str
    outcome: str
    as_of: str
    policy_version: str
    reference_version: str
    reasons: list[dict[str, Any]]
    conditions: list[str]
    referrals: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    rules_evaluated: int
    facts: dict[str, Any]


@router.post(
    "/gates/{gate}/decisions",
    response={201: DecisionDetailOut, 200: DecisionDetailOut},
    summary="Decide a subject at a gate (recorded; replays with the same Idempotency-Key return the first)",
)
def decide(
    request: HttpRequest,
    gate: GateName,
    subject: dict[str, Any] = Body(..., description="The gate's subject (see docs/gates.md)"),  # noqa: B008
    org_unit: str | None = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),  # noqa: B008
) -> Status:
    decided = services.gate_decide(
        actor=actor_of(request),
        gate=gate,
        subject=subject,
        org_unit=org_unit,
        idempotency_key=idempotency_key,
    )
    return Status(201 if decided.created else 200, decided.decision)


@router.post("/gates/{gate}/evaluate", response=EvaluationOut, summary="Evaluate without recording (dry run)")
def evaluate(
    request: HttpRequest,
    gate: GateName,
    subject: dict[str, Any] = Body(...),  # noqa: B008
    org_unit: str | None = None,
) -> dict[str, Any]:
    return services.gate_try(actor=actor_of(request), gate=gate, subject=subject, org_unit=org_unit).to_dict()


@router.get("/gates/decisions", response=list[DecisionOut])
@paginate(Page)
def list_decisions(request: HttpRequest, filters: Query[DecisionQuery]) -> object:
    actor = actor_of(request)
    return selectors.decision_list(
        actor=actor, filters=selectors.DecisionFilters(**filters.dict())
    ).prefetch_related("cases")


@router.get("/gates/decisions/{decision_id}", response=DecisionDetailOut)
def get_decision(request: HttpRequest, decision_id: int) -> GateDecision:
    return selectors.decision_for(actor=actor_of(request), decision_id=decision_id)


class RuleOut(Schema):
    id: str
    title: str
    gates: list[str]
    outcome: str
    severity: str
    refer_to: str | None
    cites: list[str]


class PackOut(Schema):
    version: str
    path: str
    reference_version: str
    rules: list[RuleOut]


class PackVersionOut(Schema):
    version: str
    rule_count: int
    first_used_at: datetime
    reference_version: str


@router.get("/policy", response=PackOut, summary="The policy pack in force")
def policy(request: HttpRequest) -> dict[str, Any]:
    pack = selectors.policy_pack(actor=actor_of(request))
    return {
        "version": pack.version,
        "path": pack.path.name,
        "reference_version": pack.reference.version,
        "rules": [
            {
                "id": r.id,
                "title": r.title,
                "gates": list(r.gates),
                "outcome": r.outcome,
                "severity": r.severity,
                "refer_to": r.refer_to,
                "cites": list(r.cites),
            }
            for r in pack.rules
        ],
    }


@router.get(
    "/policy/versions", response=list[PackVersionOut], summary="Pack versions decisions were made under"
)
@paginate(Page)
def policy_versions(request: HttpRequest) -> object:
    return selectors.pack_versions(actor=actor_of(request))


class RecheckFindingOut(Schema):
    id: int
    decision_id: int
    gate: str
    reference: str
    org_unit: str | None
    was_outcome: str
    new_outcome: str
    reasons: list[dict[str, Any]]
    policy_version: str
    reference_version: str
    cases: list[int]
    created_at: datetime

    @staticmethod
    def resolve_gate(obj: RecheckFinding) -> str:
        return obj.decision.gate

    @staticmethod
    def resolve_reference(obj: RecheckFinding) -> str:
        return obj.decision.reference

    @staticmethod
    def resolve_org_unit(obj: RecheckFinding) -> str | None:
        return obj.org_unit.code if obj.org_unit else None

    @staticmethod
    def resolve_policy_version(obj: RecheckFinding) -> str:
        return obj.run.policy_version

    @staticmethod
    def resolve_reference_version(obj: RecheckFinding) -> str:
        return obj.run.reference_version

    @staticmethod
    def resolve_cases(obj: RecheckFinding) -> list[int]:
        return list(obj.case_ids)


@router.get(
    "/gates/rechecks",
    response=list[RecheckFindingOut],
    summary="Earlier allowed or approved decisions that the data in force now would deny",
)
@paginate(Page)
def list_recheck_findings(request: HttpRequest) -> object:
    return selectors.recheck_findings(actor=actor_of(request))


class ProgrammesOut(Schema):
    reviewed: str
    programmes: list[dict[str, Any]]
    transshipment_countries: list[str]
    transshipment_source: str


@router.get(
    "/policy/sanctions",
    response=ProgrammesOut,
    summary="Sanctions programmes in the reference data (sources, status, coverage, reviewed dates)",
)
def sanctions_programmes(request: HttpRequest) -> dict[str, Any]:
    return selectors.sanctions_programmes(actor=actor_of(request))
