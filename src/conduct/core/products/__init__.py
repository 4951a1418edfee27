"""Product security engines: version order, SBOM reading, vulnerability records, matching and VEX.

    from conduct.core.products import VulnIndex, read_cve5, read_sbom

    sbom = read_sbom(text)                                   # CycloneDX 1.2-1.6 or SPDX 2.3 JSON
    index = VulnIndex([read_cve5(record) for record in records])
    result = index.match(sbom.components)                    # findings and unknown ranges, each explained

Pure Python: no Django, no I/O.
"""

from conduct.core.products._match import (
    Component,
    Finding,
    MatchResult,
    Unknown,
    VulnIndex,
    component_keys,
    match_brute_force,
)
from conduct.core.products._ranges import Range, RangeSet, cve5_ranges, osv_ranges, text_ranges
from conduct.core.products._records import (
    CVE_ID,
    KevEntry,
    RecordError,
    Target,
    VulnRecord,
    cpe_parts,
    described_targets,
    detect_format,
    fold,
    kev_target,
    read_cve5,
    read_kev,
    read_osv,
    targets_from_json,
    targets_to_json,
)
from conduct.core.products._sbom import MAX_COMPONENTS, Sbom, SbomError, read_sbom
from conduct.core.products._versions import compare, is_version, sort_key, version_key
from conduct.core.products._vex import (
    CLOSED_STATES,
    JUSTIFICATIONS,
    VEX_STATES,
    VexStatement,
    cyclonedx_vex,
    vex_problems,
)

__all__ = [
    "CLOSED_STATES",
    "CVE_ID",
    "JUSTIFICATIONS",
    "MAX_COMPONENTS",
    "VEX_STATES",
    "Component",
    "Finding",
    "KevEntry",
    "MatchResult",
    "Range",
    "RangeSet",
    "RecordError",
    "Sbom",
    "SbomError",
    "Target",
    "Unknown",
    "VexStatement",
    "VulnIndex",
    "VulnRecord",
    "compare",
    "component_keys",
    "cpe_parts",
    "cve5_ranges",
    "cyclonedx_vex",
    "described_targets",
    "detect_format",
    "fold",
    "is_version",
    "kev_target",
    "match_brute_force",
    "osv_ranges",
    "read_cve5",
    "read_kev",
    "read_osv",
    "read_sbom",
    "sort_key",
    "targets_from_json",
    "targets_to_json",
    "text_ranges",
    "version_key",
    "vex_problems",
]
