"""Framework library: URN-keyed requirements of human-rights, labour and product-security frameworks.

Frameworks live as YAML data in data/frameworks/ (see docs/frameworks.md); `load_library` validates all of it
and returns an immutable `FrameworkLibrary`. Requirement URNs are `urn:conduct:<framework>:<id>`.
"""

from conduct.core.catalog._errors import CatalogError, Problem
from conduct.core.catalog._loader import load_library
from conduct.core.catalog._model import (
    Annex,
    AnnexItem,
    CheckMethod,
    Confidence,
    Dimension,
    Framework,
    FrameworkKind,
    FrameworkLibrary,
    Relation,
    Requirement,
    RequirementMapping,
)
from conduct.core.catalog._oscal import OSCAL_NAMESPACE, OSCAL_VERSION, oscal_control_id, to_oscal_catalog
from conduct.core.catalog._urn import make_urn, parse_urn

__all__ = [
    "OSCAL_NAMESPACE",
    "OSCAL_VERSION",
    "Annex",
    "AnnexItem",
    "CatalogError",
    "CheckMethod",
    "Confidence",
    "Dimension",
    "Framework",
    "FrameworkKind",
    "FrameworkLibrary",
    "Problem",
    "Relation",
    "Requirement",
    "RequirementMapping",
    "load_library",
    "make_urn",
    "oscal_control_id",
    "parse_urn",
    "to_oscal_catalog",
]
