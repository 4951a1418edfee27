"""Attachments a reporter sends: the type from the bytes (not the name), a size limit, and images re-encoded
without their metadata (EXIF, with any GPS position; XMP; comments) before anything is stored."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from conduct.apps.errors import Invalid

MAX_FILES = 5
ALLOWED = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "", "text/plain": ""}
MAX_PIXELS = 40_000_000  # a decompression bomb is refused, not decoded


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    content: bytes


def sniff(content: bytes) -> str | None:
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain" if "\x00" not in text else None


def strip_image(content: bytes, fmt: str) -> bytes:
    """The image drawn again into a fresh file: only the pixels survive (turned upright first, since the
    orientation tag goes with the rest of the metadata)."""
    from PIL import Image, ImageOps  # here: Pillow's import is paid by the processes that clean an image

    with Image.open(io.BytesIO(content)) as img:
        if img.width * img.height > MAX_PIXELS:
            raise ValueError("too many pixels")
        img.load()
        upright = ImageOps.exif_transpose(img)
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        if upright.mode == "P" and upright.getpalette():
            clean.putpalette(upright.getpalette() or [])
    out = io.BytesIO()
    clean.save(out, format=fmt)
    return out.getvalue()


def clean_uploads(uploads: list[Upload], field: str = "attachments") -> list[CleanFile]:
    """Every upload checked and cleaned, or Invalid naming the first bad one (nothing is stored then)."""
    limit = settings.GRIEVANCE_ATTACHMENT_BYTES
    if len(uploads) > MAX_FILES:
        raise Invalid(_("Too many files."), fields={field: _("At most %(n)d files.") % {"n": MAX_FILES}})
    cleaned = []
    for index, upload in enumerate(uploads):
        where = f"{field}[{index}]"
        if len(upload.content) > limit:
            raise Invalid(
                _("A file is too large."),
                fields={where: _("Larger than %(limit)d bytes.") % {"limit": limit}},
            )
        if not upload.content:
            raise Invalid(_("A file is empty."), fields={where: _("The file is empty.")})
        kind = sniff(upload.content)
        if kind is None:
            raise Invalid(
                _("A file is of a type that is not accepted."),
                fields={where: _("Accepted: JPEG and PNG images, PDF, plain text.")},
            )
        content = upload.content
        if ALLOWED[kind]:
            from PIL import Image, UnidentifiedImageError

            try:
                content = strip_image(content, ALLOWED[kind])
            except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
                raise Invalid(
                    _("An image could not be read."), fields={where: _("Not a readable image.")}
                ) from None
        name = "".join(ch for ch in upload.name if ch.isprintable())[:200] or "file"
        cleaned.append(CleanFile(name, kind, content))
    return cleaned
