"""The mapping from the identity provider's groups to a Conduct role and units: one YAML file, read by SCIM
provisioning (and meant for SSO sign-in too).

    # CONDUCT_HOME/sso-groups.yaml, or the file SSO_GROUP_MAPPING_FILE names
    groups:
      conduct-admins: {role: admin}
      compliance-officers: {role: compliance_officer, units: [hq]}
      uk-liaisons: {role: liaison, units: [br-uk]}

A user's role is the one of the first group in the file that they belong to; their units are those of every
group of theirs with that role. A user whose groups map to nothing gets no access.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from conduct.apps.accounts.roles import PORTAL_ROLES, Role


class MappingError(ValueError):
    """The mapping file cannot be used: the message says where."""


@dataclass(frozen=True)
class GroupRule:
    group: str
    role: str
    units: tuple[str, ...]


def parse(spec: Any) -> list[GroupRule]:
    if spec is None:
        return []
    if not isinstance(spec, dict) or not isinstance(spec.get("groups", {}), dict):
        raise MappingError("The mapping file must hold `groups:`, a map from group name to {role, units}.")
    rules = []
    for group, entry in (spec.get("groups") or {}).items():
        if not isinstance(entry, dict) or entry.get("role") not in Role.values:
            raise MappingError(f"Group {group!r}: `role` must be one of {', '.join(Role.values)}.")
        if entry["role"] in PORTAL_ROLES:
            raise MappingError(f"Group {group!r}: portal roles are not provisioned from groups.")
        units = entry.get("units") or []
        if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
            raise MappingError(f"Group {group!r}: `units` must be a list of org unit codes.")
        rules.append(GroupRule(group=str(group), role=entry["role"], units=tuple(units)))
    return rules


def mapping_path() -> Path:
    return Path(settings.SSO_GROUP_MAPPING_FILE)


def load() -> list[GroupRule]:
    """The rules in the mapping file (none when there is no file)."""
    path = mapping_path()
    if not path.is_file():
        return []
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: {exc}") from None
    return parse(spec)


def resolve(groups: list[str], rules: list[GroupRule]) -> tuple[str | None, list[str]]:
    """The role and unit codes `groups` map to; (None, []) when none of them is mapped."""
    names = set(groups)
    matched = [rule for rule in rules if rule.group in names]
    if not matched:
        return None, []
    role = matched[0].role
    units = sorted({code for rule in matched if rule.role == role for code in rule.units})
    return role, units
