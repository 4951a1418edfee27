"""Small framework-library files for validation tests; tests copy them into tmp_path and break them."""

DEMO = """\
framework:
  slug: demo
  name: "Demo framework"
  short_name: "Demo"
  kind: standard
  issuer: "Conduct tests"
  edition: "2026"
  legal_status: "Voluntary."
  reviewed: "2026-11-28"
  digest:
    file: "demo.yaml"
    id: "DEMO"
  id_scheme: "Local ids."
  confidence:
    default: high
    note: "Made up for tests."
  sources:
    - "Test fixture"
  level_legend:
    M: "Mandatory."
requirements:
  - urn: "urn:conduct:demo:D-1"
    title: "Cameras ship without default passwords"
    summary: "Each unit needs a password set by its owner before use."
    dimension: security
    check: automatic
    level: "M"
    evidence_examples:
      - "First-boot test log"
  - urn: "urn:conduct:demo:D-2"
    title: "Workers may join a union"
    summary: "Respect freedom of association at every site."
    dimension: labour
    check: manual
    threshold:
      max_hours: 48
      night_work: false
    evidence_examples:
      - "Collective agreement"
"""

OTHER = """\
framework:
  slug: other
  name: "Other framework"
  short_name: "Other"
  kind: law
  issuer: "Conduct tests"
  edition: "2026"
  legal_status: "Mandatory."
  reviewed: "2026-11-28"
  digest:
    file: "other.yaml"
    id: "OTHER"
  id_scheme: "Local ids."
  confidence:
    default: medium
    note: "Made up for tests."
  sources:
    - "Test fixture"
requirements:
  - urn: "urn:conduct:other:O.1"
    title: "No universal default passwords"
    summary: "Passwords are unique per device or chosen by the user."
    dimension: security
    check: automatic
    evidence_examples:
      - "Provisioning procedure"
"""

MAPPING = """\
title: "Demo and other"
mappings:
  - from: "urn:conduct:demo:D-1"
    to: "urn:conduct:other:O.1"
    relation: equivalent
    source: "Test fixture"
"""


def line_containing(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the `occurrence`-th appearance of `needle`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found {occurrence} time(s)")
