"""Correspondence documents: the type from the name and the bytes, a size limit, not empty; the SHA-256 is
stored and ledgered; a refused upload stores nothing."""

from __future__ import annotations

import base64
import hashlib

import pytest

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.engagement import services
from conduct.apps.engagement.models import CorrespondenceDocument
from conduct.apps.errors import Invalid

PDF = b"%PDF-1.4\n%%EOF\n"


def test_a_pdf_is_stored_with_its_hash_and_ledgered(world):
    document = services.document_add(
        actor=world.liaison, correspondence=world.letter, filename="letter.pdf", content=PDF
    )
    digest = hashlib.sha256(PDF).hexdigest()
    assert (document.sha256, document.content_type, document.size) == (digest, "application/pdf", len(PDF))
    with document.file.open("rb") as stored:
        assert stored.read() == PDF
    entry = LedgerEntry.objects.filter(action="correspondence.document").latest("seq")
    assert entry.summary["sha256"] == digest


@pytest.mark.parametrize(
    ("filename", "content", "field"),
    [
        ("tool.exe", b"MZ\x90\x00", "file"),  # not an accepted type
        ("letter.pdf", b"MZ\x90\x00 renamed", "file"),  # the bytes are not a PDF
        ("letter.pdf", b"", "file"),  # empty
        ("notes.txt", b"\xff\xfe\x00bad", "file"),  # text that is not UTF-8
        ("", PDF, "filename"),
    ],
)
def test_a_bad_upload_is_refused_naming_the_field_and_stores_nothing(world, filename, content, field):
    before = (CorrespondenceDocument.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(Invalid) as refused:
        services.document_add(
            actor=world.liaison, correspondence=world.letter, filename=filename, content=content
        )
    assert field in refused.value.fields
    assert (CorrespondenceDocument.objects.count(), LedgerEntry.objects.count()) == before


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.CONDUCT = {**settings.CONDUCT, "ENGAGEMENT_FILE_MAX_BYTES": 100}
    with pytest.raises(Invalid) as refused:
        services.document_add(
            actor=world.liaison, correspondence=world.letter, filename="big.pdf", content=PDF + b"0" * 200
        )
    assert "limit is 100 bytes" in refused.value.fields["file"]


def test_the_api_answers_422_for_a_bad_upload(world, api_client):
    client = api_client(world.liaison)
    url = f"/api/v1/correspondence/{world.letter.pk}/documents"
    bad_type = client.post(
        url,
        {"filename": "x.exe", "content": base64.b64encode(b"MZ").decode()},
        content_type="application/json",
    )
    assert bad_type.status_code == 422 and "file" in bad_type.json()["error"]["fields"]
    not_base64 = client.post(url, {"filename": "x.pdf", "content": "%%%"}, content_type="application/json")
    assert not_base64.status_code == 422 and "content" in not_base64.json()["error"]["fields"]
    ok = client.post(
        url, {"filename": "x.pdf", "content": base64.b64encode(PDF).decode()}, content_type="application/json"
    )
    assert ok.status_code == 201 and ok.json()["sha256"] == hashlib.sha256(PDF).hexdigest()


def test_the_page_refuses_a_bad_upload_with_a_message(world, api_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_client(world.liaison)
    response = client.post(
        f"/engagement/correspondence/{world.letter.pk}/documents",
        {"file": SimpleUploadedFile("x.exe", b"MZ")},
        follow=True,
    )
    assert response.status_code == 200
    assert CorrespondenceDocument.objects.filter(correspondence=world.letter).count() == 0
