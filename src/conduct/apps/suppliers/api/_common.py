"""What the suppliers API's modules share: literals of the query schemas, references to suppliers and portal
organisations given by id or code, and one uploaded file. Endpoints read first through the selectors' `entry`
functions, which refuse (403) a role that may never do what the endpoint is for."""

from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

from conduct.apps.accounts.models import PortalOrganisation, User
from conduct.apps.apikit import DbId, decode_base64, json_object_body
from conduct.apps.errors import Invalid
from conduct.apps.suppliers import selectors, services
from conduct.apps.suppliers.models import Supplier
from conduct.apps.suppliers.reference import CATEGORIES

# A reference to a supplier in a body: its id, or its external id (never empty).
SupplierRef = DbId | Annotated[str, Field(min_length=1, max_length=100)]

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Band = Literal["low", "medium", "high", "critical"]
Status_ = Literal["prospect", "onboarding", "active", "suspended", "exited"]
CertStatus = Literal["valid", "expiring", "expired", "withdrawn", "none"]
Sort = Literal[
    "name",
    "-name",
    "risk",
    "-risk",
    "country",
    "-country",
    "tier",
    "-tier",
    "status",
    "-status",
    "updated",
    "-updated",
]
Format = Literal["csv", "xlsx"]


def internal(actor: User) -> bool:
    return not actor.is_portal


def supplier_ref(actor: User, ref: int | str | None, field: str) -> Supplier | None:
    """A supplier the actor can see, by id or external id (None or "" for none)."""
    if ref in (None, ""):
        return None
    found = (
        selectors.supplier_list(actor=actor)
        .filter(**({"pk": ref} if isinstance(ref, int) else {"external_id": ref}))
        .first()
    )
    if found is None:
        raise Invalid(
            _("Unknown supplier."),
            fields={field: _("No supplier %(ref)s that you can see.") % {"ref": repr(ref)}},
        )
    return found


def portal_org_ref(name: str | None) -> PortalOrganisation | None:
    if not name:
        return None
    org = PortalOrganisation.objects.filter(kind=PortalOrganisation.Kind.SUPPLIER, name=name).first()
    if org is None:
        raise Invalid(
            _("Unknown portal organisation."),
            fields={"portal_org": _("No supplier organisation %(name)s.") % {"name": repr(name)}},
        )
    return org


ONE_FILE = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"filename": {"type": "string"}, "content_base64": {"type": "string"}},
                }
            },
        }
    }
}


def one_file(request: HttpRequest) -> services.ImportSource:
    """One file: multipart `file`, or JSON {"filename", "content_base64"}."""
    if (request.content_type or "").startswith("multipart/"):
        upload = request.FILES.get("file")
        if upload is None:
            raise Invalid(
                _("Attach the file."), fields={"file": _("Send a PDF, PNG or JPEG as multipart `file`.")}
            )
        return services.ImportSource(name=upload.name or "upload", content=upload.read())
    body = json_object_body(request)
    name = body.get("filename") or "upload"
    if not isinstance(name, str):
        raise Invalid(_("The file name is text."), fields={"filename": _("Expected a string.")})
    if body.get("content_base64") is None:
        raise Invalid(
            _("Attach the file."),
            fields={"content_base64": _("Send the file as base64 (or multipart `file`).")},
        )
    return services.ImportSource(
        name=name[:200], content=decode_base64(body["content_base64"], "content_base64")
    )


class SupplierSiteOut(Schema):
    id: int
    name: str
    country: str
    region: str
    address: str
    headcount: int | None
    designated_region: str


class SupplierContactOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    role: str
    receives_reminders: bool
