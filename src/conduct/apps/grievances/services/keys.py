"""Key rotation: a new current key, then every sealed value re-sealed with it in one transaction. Values
sealed with an old key keep opening while it is on disk, so a crash midway loses nothing; once the rotation
has committed, nothing names the old key and it may be removed (after a backup that holds the new one)."""

from __future__ import annotations

from django.db import transaction

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import ledger_append
from conduct.apps.grievances import crypto
from conduct.apps.grievances.ledger_actions import GrievanceAction
from conduct.apps.grievances.models import Attachment, Grievance, Message

_GRIEVANCE_FIELDS = (
    "description",
    "location",
    "affected",
    "involved",
    "contact",
    "status_reason",
    "remedy",
)


def _reseal(token: str, context: str) -> str:
    return crypto.seal_bytes(crypto.open_bytes(token, context=context), context=context) if token else ""


@transaction.atomic
def grievance_keys_rotate(*, actor: Actor) -> tuple[str, int]:
    """Rotate the sealing key; returns the new key id and the number of values re-sealed."""
    authorize(actor, "grievances.handle")
    new_id = crypto.rotate_current()
    count = 0
    for g in Grievance.objects.select_for_update().order_by("pk"):
        for name in _GRIEVANCE_FIELDS:
            token = getattr(g, f"{name}_enc")
            if token:
                setattr(g, f"{name}_enc", _reseal(token, f"grievance.{name}"))
                count += 1
        g.save(update_fields=[f"{name}_enc" for name in _GRIEVANCE_FIELDS])
    for m in Message.objects.select_for_update().order_by("pk"):
        m.body_enc = _reseal(m.body_enc, "grievance.message")
        m.save(update_fields=["body_enc"])
        count += 1
    for a in Attachment.objects.select_for_update().order_by("pk"):
        a.name_enc = _reseal(a.name_enc, "grievance.attachment_name")
        a.content_enc = _reseal(bytes(a.content_enc).decode("ascii"), "grievance.attachment").encode("ascii")
        a.save(update_fields=["name_enc", "content_enc"])
        count += 2
    ledger_append(
        actor=actor,
        action=GrievanceAction.KEY_ROTATE,
        object_type="grievance_key",
        object_id=new_id,
        summary={"values": count},
    )
    return new_id, count
