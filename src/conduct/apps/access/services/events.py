"""Access events and their reconciliation: an access is authorised only if a grant for that device covers its
scope and its whole time span and was not revoked before it started. Each unauthorised access opens an
incident case (through the AccessIncidentRaised event, handled by governance) and notifies the customer's
approvers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.access.models import AccessEvent, Device, Grant
from conduct.apps.access.services._common import AccessAction, approvers
from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import ServiceError, raise_if
from conduct.apps.notifications.messages import message
from conduct.apps.notifications.services import notify
from conduct.core.grants import GRANT_SCOPES
from conduct.events import emit
from conduct.events.incidents import AccessIncidentRaised

EVENT_KEYS = ("device", "grant_id", "actor", "scope", "started_at", "ended_at")
MAX_EVENTS = 10_000


class NoIncidentHandler(ServiceError):
    """An unauthorised access found no handler to open its incident case: nothing is recorded."""

    status = 500
    code = "no_incident_handler"


@dataclass(frozen=True)
class EventSpec:
    device: Device
    grant_id: str
    actor: str
    scope: str
    started_at: datetime
    ended_at: datetime


@dataclass
class Reconciliation:
    """What an import or a report came to: the events, how many were authorised, the incident cases opened."""

    events: list[AccessEvent] = field(default_factory=list)
    authorised: int = 0
    unauthorised: int = 0
    incidents: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"authorised": self.authorised, "unauthorised": self.unauthorised, "incidents": self.incidents}


def _time(value: object, name: str, errors: dict[str, str], where: str) -> datetime | None:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or parsed.utcoffset() is None:
        errors[f"{where}{name}"] = _("Expected an ISO 8601 time with its offset, e.g. 2026-01-31T09:30:00Z.")
        return None
    return parsed


def _text(row: Mapping[str, Any], name: str, errors: dict[str, str], where: str, *, required: bool) -> str:
    value = row.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > 200:
        errors[f"{where}{name}"] = _("Expected text of 1-200 characters.")
        return ""
    return value.strip()


def event_check(
    row: object, *, where: str = "", device: Device | None = None
) -> tuple[EventSpec | None, dict[str, str]]:
    """One reported event checked field by field (`where` prefixes each error: "line 3.")."""
    errors: dict[str, str] = {}
    if not isinstance(row, dict):
        return None, {where.rstrip(".") or "body": _("Expected a JSON object.")}
    unknown = sorted(set(row) - set(EVENT_KEYS))
    if unknown:
        errors[f"{where}{unknown[0]}"] = _("Unknown field; expected %(keys)s.") % {
            "keys": ", ".join(EVENT_KEYS)
        }
    serial = _text(row, "device", errors, where, required=True)
    grant_id = _text(row, "grant_id", errors, where, required=False)
    actor = _text(row, "actor", errors, where, required=True)
    scope = _text(row, "scope", errors, where, required=True)
    if scope and scope not in GRANT_SCOPES:
        errors[f"{where}scope"] = _("Unknown scope; expected one of %(known)s.") % {
            "known": ", ".join(GRANT_SCOPES)
        }
    started, ended = (_time(row.get(n), n, errors, where) for n in ("started_at", "ended_at"))
    if started and ended and ended < started:
        errors[f"{where}ended_at"] = _("The session cannot end before it started.")
    found = (
        device
        if device is not None and device.serial == serial
        else Device.objects.filter(serial=serial).first()
    )
    if serial and found is None:
        errors[f"{where}device"] = _("No device with serial %(serial)s.") % {"serial": serial}
    if errors or found is None or started is None or ended is None:
        return None, errors
    return EventSpec(found, grant_id, actor, scope, started, ended), {}


def _covering(spec: EventSpec) -> tuple[Grant | None, str]:
    """The grant that covers the access, or None with the reason none does."""
    grants = Grant.objects.filter(device=spec.device)
    covering = grants.filter(not_before__lte=spec.started_at, expires_at__gte=spec.ended_at).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gt=spec.started_at)
    )
    ordered = sorted(covering, key=lambda g: (g.grant_id != spec.grant_id, g.pk))
    for grant in ordered:
        if spec.scope in grant.scopes:
            return grant, _("covered by grant %(id)s") % {"id": grant.grant_id}
    if not grants.exists():
        return None, _("no grant for this device")
    if spec.grant_id:
        named = grants.filter(grant_id=spec.grant_id).first()
        if named is None:
            return None, _("grant %(id)s is not a grant for this device") % {"id": spec.grant_id}
        if named.revoked_at is not None and named.revoked_at <= spec.started_at:
            return None, _("grant %(id)s was revoked before the access") % {"id": named.grant_id}
        if spec.scope not in named.scopes:
            return None, _("scope %(scope)s was not granted") % {"scope": spec.scope}
    return None, _("no grant covers this scope for the whole session")


def _record(actor: Actor, spec: EventSpec, source: str, result: Reconciliation) -> AccessEvent:
    grant, reason = _covering(spec)
    event = AccessEvent.objects.create(
        device=spec.device,
        reported_grant_id=spec.grant_id,
        grant=grant,
        actor=spec.actor,
        scope=spec.scope,
        started_at=spec.started_at,
        ended_at=spec.ended_at,
        source=source,
        authorised=grant is not None,
        reason=reason[:300],
    )
    ledger_append(
        actor=actor,
        action=AccessAction.EVENT_RECORD,
        object_type="access_event",
        object_id=event.pk,
        summary={
            "device": spec.device.serial,
            "scope": spec.scope,
            "actor": spec.actor,
            "authorised": event.authorised,
            "reason": event.reason,
        },
    )
    if grant is not None:
        result.authorised += 1
    else:
        event.incident_case_id = _raise_incident(actor, event)
        event.save(update_fields=["incident_case_id"])
        result.unauthorised += 1
        result.incidents.append(event.incident_case_id)
    result.events.append(event)
    return event


def _raise_incident(actor: Actor, event: AccessEvent) -> int:
    customer = event.device.customer
    title = _("Device %(serial)s accessed without the customer's authorisation") % {
        "serial": event.device.serial
    }
    opened = [
        case
        for case in emit(
            AccessIncidentRaised(
                actor=actor,
                event_ref=f"access event {event.pk}",
                device_serial=event.device.serial,
                customer=customer,
                title=title,
            )
        )
        if getattr(case, "pk", None) is not None
    ]
    if not opened:
        raise NoIncidentHandler(
            _(
                "No incident case was opened for an unauthorised access (no AccessIncidentRaised handler is "
                "registered); nothing was recorded."
            )
        )
    notify(
        users=approvers(customer),
        kind="assignment",
        text=message(
            gettext_lazy("%(title)s: %(who)s used %(scope)s (%(reason)s)."),
            title=title,
            who=event.actor,
            scope=event.scope,
            reason=event.reason,
        ),
        link="/access/portal/",
    )
    return int(opened[0].pk)


@transaction.atomic
def access_events_record(
    *,
    actor: Actor,
    rows: Iterable[object],
    source: str = str(AccessEvent.Source.IMPORT),
    device: Device | None = None,
) -> Reconciliation:
    """Record and reconcile reported access events, all or none: any row error refuses them all (each error
    named "line N.field"). A device (its own token) may report only its own sessions."""
    if device is None:
        authorize(actor, "access.events")
    specs: list[EventSpec] = []
    errors: dict[str, str] = {}
    items = list(rows)
    if not items:
        errors["file"] = _("There are no events.")
    if len(items) > MAX_EVENTS:
        errors["file"] = _("At most %(n)d events at a time.") % {"n": MAX_EVENTS}
        items = []
    for number, row in enumerate(items, start=1):
        where = f"line {number}." if len(items) > 1 or source == AccessEvent.Source.IMPORT else ""
        spec, problems = event_check(row, where=where, device=device)
        errors.update(problems)
        if spec is not None and device is not None and spec.device.pk != device.pk:
            errors[f"{where}device"] = _("A device may report only its own access sessions.")
        if spec is not None:
            specs.append(spec)
    raise_if(errors, _("The access events have errors; none was recorded."))
    result = Reconciliation()
    for spec in specs:
        _record(actor, spec, source, result)
    return result


def events_parse_jsonl(text: str) -> list[object]:
    """The lines of an events file; a line that is not JSON is reported by number (all or nothing)."""
    rows: list[object] = []
    errors: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except ValueError:
            errors[f"line {number}"] = _("Not a JSON object.")
    raise_if(errors, _("The access events file has errors; none was recorded."))
    return rows
