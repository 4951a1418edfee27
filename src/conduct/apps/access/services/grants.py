"""Grants: issued (signed) when a request is approved, revoked by the customer or the company at any time;
every revocation publishes a new signed, versioned revocation list."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from conduct.apps.access.keys import grant_key_id, grant_private_key
from conduct.apps.access.models import AccessRequest, Grant, RevocationList
from conduct.apps.access.services._common import AccessAction, approvers
from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import LedgerItem, actor_label, ledger_append, ledger_append_many
from conduct.apps.errors import Conflict
from conduct.apps.notifications.messages import message
from conduct.apps.notifications.services import notify
from conduct.core import grants as core


def grants_issue(*, actor: Actor, request: AccessRequest, now: datetime) -> list[Grant]:
    """One signed grant per device of an approved request (called inside the approval's transaction)."""
    private_pem, key_id = grant_private_key(), grant_key_id()
    engineer = request.requested_by
    hours = request.approved_hours or request.hours
    rows = []
    for device in request.devices.order_by("serial"):
        spec = core.Grant(
            grant_id=f"g-{secrets.token_hex(8)}",
            device_id=device.serial,
            customer_id=f"customer:{request.customer_id}",
            grantee=f"vendor-support:user:{engineer.pk}:{engineer.username}",
            scopes=tuple(request.approved_scopes or request.scopes),
            not_before=now,
            expires_at=now + timedelta(hours=hours),
        )
        rows.append(
            Grant(
                grant_id=spec.grant_id,
                request=request,
                device=device,
                grantee=spec.grantee,
                scopes=list(spec.scopes),
                not_before=spec.not_before,
                expires_at=spec.expires_at,
                token=core.sign_grant(private_pem, spec),
                key_id=key_id,
                created_at=now,
            )
        )
    Grant.objects.bulk_create(rows)
    ledger_append_many(
        actor=actor,
        items=[
            LedgerItem(
                AccessAction.GRANT_ISSUE,
                "grant",
                g.grant_id,
                {
                    "request": request.pk,
                    "device": g.device.serial,
                    "scopes": g.scopes,
                    "not_before": g.not_before.isoformat(),
                    "expires_at": g.expires_at.isoformat(),
                    "key_id": key_id,
                },
            )
            for g in rows
        ],
    )
    if (
        not RevocationList.objects.exists()
    ):  # devices can fetch a (signed, empty) list from the first grant on
        revocations_publish(actor=actor)
    return list(Grant.objects.filter(request=request).select_related("device").order_by("device__serial"))


@transaction.atomic
def grant_revoke(*, actor: Actor, grant: Grant, comment: str = "", operator: str = "") -> Grant:
    """Revoke a grant (the device's customer's approvers, or the company's staff) and publish a new list."""
    authorize(actor, "access.revoke", portal_org=grant.device.customer)
    locked = Grant.objects.select_for_update().select_related("device", "request").get(pk=grant.pk)
    if locked.revoked_at is not None:
        raise Conflict(
            _("Grant %(id)s is already revoked.") % {"id": locked.grant_id}, code="already_revoked"
        )
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor_label(actor)
    locked.revoke_comment = comment.strip()
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_comment"])
    summary = {"device": locked.device.serial, "comment": locked.revoke_comment}
    if operator:
        summary["operator"] = operator
    ledger_append(
        actor=actor,
        action=AccessAction.GRANT_REVOKE,
        object_type="grant",
        object_id=locked.grant_id,
        summary=summary,
    )
    revocations_publish(actor=actor)
    notify(
        users=[locked.request.requested_by, *approvers(locked.device.customer)],
        kind="decision",
        text=message(
            gettext_lazy("Grant %(id)s for device %(serial)s was revoked."),
            id=locked.grant_id,
            serial=locked.device.serial,
        ),
        link=f"/access/requests/{locked.request_id}/",
    )
    return locked


def revocations_publish(*, actor: Actor) -> RevocationList:
    """Sign the next version of the revocation list (every revoked grant); inside the caller's transaction."""
    version = (RevocationList.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    revoked = sorted(Grant.objects.filter(revoked_at__isnull=False).values_list("grant_id", flat=True))
    now = timezone.now()
    token = core.sign_revocations(
        grant_private_key(), version=version, issued_at=now, revoked=frozenset(revoked)
    )
    row = RevocationList.objects.create(version=version, issued_at=now, revoked=revoked, token=token)
    ledger_append(
        actor=actor,
        action=AccessAction.REVOCATIONS_PUBLISH,
        object_type="grant_revocations",
        object_id=version,
        summary={"revoked": len(revoked)},
    )
    return row
