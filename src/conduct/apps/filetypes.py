"""Document types the apps accept, by file suffix: the content type and the bytes such a file must start with
(a renamed executable is refused; a type without a signature must be UTF-8 text). Each app picks the suffixes
it takes: `DOCUMENT_TYPES = document_types(".pdf", ".png", ...)`."""

from __future__ import annotations

Signature = tuple[str, tuple[bytes, ...]]

_ZIP = (b"PK\x03\x04",)
SIGNATURES: dict[str, Signature] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".eml": ("message/rfc822", ()),
    ".txt": ("text/plain", ()),
    ".csv": ("text/csv", ()),
    ".md": ("text/markdown", ()),
}


def document_types(*suffixes: str) -> dict[str, Signature]:
    """The signatures of `suffixes`, in that order (the order error messages list them in)."""
    return {suffix: SIGNATURES[suffix] for suffix in suffixes}
