"""Access requests: a support engineer asks, the device's own customer's approvers answer (approve, maybe
for fewer hours or scopes, or deny) within ACCESS_REQUEST_EXPIRY_HOURS, else the request expires."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.access.models import AccessRequest, Device, Grant, RequestStatus
from conduct.apps.access.services._common import AccessAction, approvers, person
from conduct.apps.access.services.grants import grants_issue
from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.models import User
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.errors import Conflict, Forbidden, raise_if
from conduct.apps.notifications.messages import message
from conduct.apps.notifications.services import notify
from conduct.core.grants import GRANT_SCOPES

DEFAULT_HOURS = 4
MAX_HOURS = 14 * 24


def _link(request: AccessRequest) -> str:
    return f"/access/requests/{request.pk}/"


def _check_scopes(scopes: Sequence[str], errors: dict[str, str]) -> list[str]:
    wanted = list(dict.fromkeys(scopes))
    unknown = [s for s in wanted if s not in GRANT_SCOPES]
    if not wanted:
        errors["scopes"] = _("Choose at least one scope.")
    elif unknown:
        errors["scopes"] = _("Unknown scope(s) %(bad)s; expected some of %(known)s.") % {
            "bad": ", ".join(unknown),
            "known": ", ".join(GRANT_SCOPES),
        }
    return wanted


def _check_hours(hours: int, errors: dict[str, str], *, most: int = MAX_HOURS) -> None:
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= most:
        errors["hours"] = _("Hours must be a whole number from 1 to %(most)d.") % {"most": most}


def _check_devices(serials: Sequence[str], errors: dict[str, str]) -> tuple[list[str], list[Device]]:
    """The serials asked for (stripped, once each) and their devices: all must exist, of one customer."""
    wanted = list(dict.fromkeys(s.strip() for s in serials if s.strip()))
    devices = list(Device.objects.filter(serial__in=wanted).select_related("customer"))
    missing = sorted(set(wanted) - {d.serial for d in devices})
    if not wanted:
        errors["devices"] = _("Name at least one device.")
    elif missing:
        errors["devices"] = _("No device with serial %(serials)s.") % {"serials": ", ".join(missing)}
    elif len({d.customer_id for d in devices}) > 1:
        errors["devices"] = _("All devices of one request must belong to one customer.")
    return wanted, devices


def _announce_request(request: AccessRequest, engineer: User, devices: int) -> None:
    text = gettext_lazy("%(who)s asks for access to %(n)d device(s) for %(hours)d h: %(reason)s")
    values = {"who": engineer.display_name, "n": devices, "hours": request.hours, "reason": request.reason}
    notify(
        users=approvers(request.customer),
        kind="assignment",
        text=message(text, **values),
        link=_link(request),
    )


@transaction.atomic
def access_request_create(
    *,
    actor: Actor,
    serials: Sequence[str],
    scopes: Sequence[str],
    reason: str,
    hours: int = DEFAULT_HOURS,
    ticket: str = "",
    operator: str = "",
) -> AccessRequest:
    """A support engineer's request for access to some devices of one customer; notifies its approvers."""
    authorize(actor, "access.request")
    engineer = person(actor, _("request device access"))
    errors: dict[str, str] = {}
    wanted, devices = _check_devices(serials, errors)
    chosen = _check_scopes(scopes, errors)
    _check_hours(hours, errors)
    if not reason.strip():
        errors["reason"] = _("Say why access is needed.")
    if len(ticket) > 100:
        errors["ticket"] = _("At most 100 characters.")
    raise_if(errors, _("The access request is not valid."))
    now = timezone.now()
    request = AccessRequest.objects.create(
        requested_by=engineer,
        customer=devices[0].customer,
        scopes=chosen,
        hours=hours,
        reason=reason.strip(),
        ticket=ticket.strip(),
        created_at=now,
        answer_by=now + timedelta(hours=settings.ACCESS_REQUEST_EXPIRY_HOURS),
    )
    request.devices.set(devices)
    summary = {
        "devices": sorted(wanted),
        "customer": request.customer.name,
        "scopes": chosen,
        "hours": hours,
        "ticket": request.ticket,
    }
    if operator:
        summary["operator"] = operator
    ledger_append(
        actor=engineer,
        action=AccessAction.REQUEST_CREATE,
        object_type="access_request",
        object_id=request.pk,
        summary=summary,
    )
    _announce_request(request, engineer, len(devices))
    return request


def _pending(request: AccessRequest, now: datetime) -> AccessRequest:
    """The request locked for an answer; a request past its answer time is refused (the scheduler's
    `access_requests_expire` records the expiry)."""
    locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status == RequestStatus.PENDING and locked.answer_by <= now:
        raise Conflict(
            _("Access request %(id)d was not answered in time and has expired.") % {"id": locked.pk},
            code="expired",
        )
    if locked.status != RequestStatus.PENDING:
        raise Conflict(
            _("Access request %(id)d is %(status)s; it can no longer be answered.")
            % {"id": locked.pk, "status": locked.get_status_display().lower()},
            code="not_pending",
        )
    return locked


def _answerer(actor: Actor, request: AccessRequest) -> None:
    authorize(actor, "access.approve", portal_org=request.customer)
    user = person(actor, _("answer an access request"))
    if user.pk == request.requested_by_id:
        raise Forbidden(_("Whoever requested access cannot answer the request."), code="own_request")


@transaction.atomic
def access_request_approve(
    *,
    actor: Actor,
    request: AccessRequest,
    hours: int | None = None,
    scopes: Sequence[str] | None = None,
    comment: str = "",
    operator: str = "",
) -> list[Grant]:
    """The customer's approver approves (at most the hours and scopes asked); a signed grant per device."""
    _answerer(actor, request)
    now = timezone.now()
    request = _pending(request, now)
    errors: dict[str, str] = {}
    hours = request.hours if hours is None else hours
    _check_hours(hours, errors, most=request.hours)
    chosen = list(request.scopes) if not scopes else _check_scopes(scopes, errors)
    extra = [s for s in chosen if s not in request.scopes]
    if extra and "scopes" not in errors:
        errors["scopes"] = _("Only scopes that were asked for may be granted (%(asked)s).") % {
            "asked": ", ".join(request.scopes)
        }
    raise_if(errors, _("The approval is not valid."))
    request.status = RequestStatus.APPROVED
    request.answered_at, request.answered_by = now, actor
    request.comment, request.approved_hours, request.approved_scopes = comment.strip(), hours, chosen
    request.save()
    summary = {"hours": hours, "scopes": chosen, "comment": request.comment}
    if operator:
        summary["operator"] = operator
    ledger_append(
        actor=actor,
        action=AccessAction.REQUEST_APPROVE,
        object_type="access_request",
        object_id=request.pk,
        summary=summary,
    )
    grants = grants_issue(actor=actor, request=request, now=now)
    notify(
        users=[request.requested_by],
        kind="decision",
        text=message(
            gettext_lazy("Access request %(id)d approved for %(hours)d h (%(scopes)s)."),
            id=request.pk,
            hours=hours,
            scopes=", ".join(chosen),
        ),
        link=_link(request),
    )
    return grants


@transaction.atomic
def access_request_deny(
    *, actor: Actor, request: AccessRequest, comment: str = "", operator: str = ""
) -> AccessRequest:
    _answerer(actor, request)
    now = timezone.now()
    request = _pending(request, now)
    request.status = RequestStatus.DENIED
    request.answered_at, request.answered_by = now, actor
    request.comment = comment.strip()
    request.save()
    summary = {"comment": request.comment, **({"operator": operator} if operator else {})}
    ledger_append(
        actor=actor,
        action=AccessAction.REQUEST_DENY,
        object_type="access_request",
        object_id=request.pk,
        summary=summary,
    )
    notify(
        users=[request.requested_by],
        kind="decision",
        text=message(gettext_lazy("Access request %(id)d denied."), id=request.pk),
        link=_link(request),
    )
    return request


def _expire(actor: Actor, request: AccessRequest, now: datetime) -> None:
    request.status = RequestStatus.EXPIRED
    request.answered_at = now
    request.save(update_fields=["status", "answered_at"])
    ledger_append(
        actor=actor,
        action=AccessAction.REQUEST_EXPIRE,
        object_type="access_request",
        object_id=request.pk,
        summary={"answer_by": request.answer_by.isoformat()},
    )
    notify(
        users=[request.requested_by],
        kind="deadline",
        text=message(gettext_lazy("Access request %(id)d expired without an answer."), id=request.pk),
        link=_link(request),
    )


@transaction.atomic
def access_requests_expire(*, actor: Actor, now: datetime | None = None) -> list[AccessRequest]:
    """Expire every pending request whose answer time has passed (the scheduler's job; idempotent)."""
    authorize(actor, "access.request")
    moment = now or timezone.now()
    due = list(
        AccessRequest.objects.select_for_update().filter(status=RequestStatus.PENDING, answer_by__lte=moment)
    )
    for request in due:
        _expire(actor, request, moment)
    return due
