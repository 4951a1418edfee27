"""Correspondence documents: the type from the name's suffix and the first bytes (a renamed executable is
refused), a size limit, and the SHA-256 that is stored and ledgered. The same rules as a case's documents."""

from __future__ import annotations

from pathlib import PurePath

from django.utils.translation import gettext as _

from conduct.apps.engagement.conf import file_max_bytes
from conduct.apps.filetypes import document_types

DOCUMENT_TYPES = document_types(".pdf", ".png", ".jpg", ".jpeg", ".docx", ".odt", ".eml", ".txt")


def check_document(filename: str, content: bytes, errors: dict[str, str]) -> tuple[str, str]:
    """(clean file name, content type); problems are added to `errors` under `filename` or `file`."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    suffix = PurePath(name).suffix.lower()
    if not name or len(name) > 200:
        errors["filename"] = _("A file name of 1-200 characters is required.")
        return name, ""
    if suffix not in DOCUMENT_TYPES:
        errors["file"] = _("%(suffix)s files are not accepted; use one of %(types)s.") % {
            "suffix": suffix or _("These"),
            "types": ", ".join(DOCUMENT_TYPES),
        }
        return name, ""
    limit = file_max_bytes()
    content_type, magic = DOCUMENT_TYPES[suffix]
    if not content:
        errors["file"] = _("The file is empty.")
    elif len(content) > limit:
        errors["file"] = _("The file is %(size)d bytes; the limit is %(limit)d bytes.") % {
            "size": len(content),
            "limit": limit,
        }
    elif magic and not content.startswith(magic):
        errors["file"] = _("The content is not a %(suffix)s file.") % {"suffix": suffix}
    elif not magic:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            errors["file"] = _("A %(suffix)s file must be UTF-8 text.") % {"suffix": suffix}
    return name, content_type
