"""Gate policy engine: YAML rule packs with CEL conditions, evaluated over derived facts into explainable
decisions.

pack = load_pack("data/policies/default")
decision = pack.evaluate("sales_deal", subject, screener=my_screener, today=date(2026, 11, 28))
decision.outcome, decision.to_dict()
"""

from conduct.core.thresholds import ALERT_THRESHOLD, STRONG_THRESHOLD

from ._decision import (
    DEFAULT_QUEUE,
    OUTCOMES,
    SEVERITIES,
    Decision,
    EvaluationError,
    Reason,
    Referral,
)
from ._errors import FieldError, PolicyError, PolicyProblem, SubjectError
from ._examples import ExampleResult, PolicyExample, run_examples
from ._facts import FACT_NAMES
from ._loader import load_pack
from ._pack import ForEach, PolicyPack, Rule
from ._reference import DEFAULT_DATA_DIR, ReferenceData, load_reference_data
from ._screening import (
    BLOCKING_LIST_KINDS,
    BatchScreener,
    NullScreener,
    OwnerLink,
    OwnershipFact,
    OwnershipScreener,
    ScreenedName,
    Screener,
    ScreeningHit,
    ScreeningThresholds,
    StaticScreener,
)
from ._subject_form import FormNode, form_fields, subject_from_form
from ._subjects import GATES, GOVERNMENT_SECTORS, SECTORS, SECURITY_SECTORS, validate_subject

DEFAULT_PACK_DIR = DEFAULT_DATA_DIR / "policies" / "default"

__all__ = [
    "FormNode",
    "form_fields",
    "subject_from_form",
    "ALERT_THRESHOLD",
    "BLOCKING_LIST_KINDS",
    "DEFAULT_DATA_DIR",
    "DEFAULT_PACK_DIR",
    "DEFAULT_QUEUE",
    "FACT_NAMES",
    "GATES",
    "GOVERNMENT_SECTORS",
    "OUTCOMES",
    "SECTORS",
    "SECURITY_SECTORS",
    "SEVERITIES",
    "STRONG_THRESHOLD",
    "BatchScreener",
    "Decision",
    "EvaluationError",
    "ExampleResult",
    "FieldError",
    "ForEach",
    "NullScreener",
    "PolicyError",
    "PolicyExample",
    "PolicyPack",
    "PolicyProblem",
    "Reason",
    "ReferenceData",
    "Referral",
    "Rule",
    "ScreenedName",
    "Screener",
    "OwnerLink",
    "OwnershipFact",
    "OwnershipScreener",
    "ScreeningHit",
    "ScreeningThresholds",
    "StaticScreener",
    "SubjectError",
    "load_pack",
    "load_reference_data",
    "run_examples",
    "validate_subject",
]
