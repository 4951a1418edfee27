"""Files suppliers' records hold, sent to whoever may read the record (the API and the pages share this)."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext as _

from conduct.apps.errors import NotFound
from conduct.apps.suppliers.models import Certificate


def certificate_file_response(cert: Certificate) -> FileResponse:
    if not cert.file:
        raise NotFound(_("This certificate has no file attached."))
    return FileResponse(
        cert.file.open("rb"),
        content_type=cert.file_type,
        as_attachment=True,
        filename=cert.file_name or cert.file.name.rsplit("/", 1)[-1],
    )
