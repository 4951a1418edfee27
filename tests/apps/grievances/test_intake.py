"""Making a report without an account: what is stored (ciphertext, no receipt), what is refused (malformed
reports, oversize or unknown files, wrong receipts, missing or reused proofs of work), and the limits."""

from __future__ import annotations

import base64
import io
import json

import pytest
from django.db import connection
from django.test import Client, override_settings
from PIL import Image

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.grievances.challenge import solve
from conduct.apps.grievances.models import Attachment, Grievance, IntakeCounter
from tests.apps.grievances.conftest import post_json

URL = "/api/v1/public/grievances"


def _row_text(grievance_id: int) -> str:
    """The grievance's row as the database holds it, every column as text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM grievances_grievance WHERE id = %s", [grievance_id])
        return " ".join(str(value) for value in cursor.fetchone())


@pytest.mark.django_db
def test_a_report_is_stored_as_ciphertext_and_the_receipt_only_as_hashes(report):
    grievance_id, receipt = report(
        description="The supervisor Li Wei hits workers", location="Line 3", contact="me@example.org"
    )
    row = _row_text(grievance_id)
    assert "Li Wei" not in row and "Line 3" not in row and "me@example.org" not in row
    assert receipt not in row
    assert len(receipt) == 16 and receipt.isdigit()
    stored = Grievance.objects.get(pk=grievance_id)
    assert stored.description_enc.startswith("g1:") and stored.receipt_hash.startswith("scrypt$")
    entry = LedgerEntry.objects.filter(object_type="grievance", object_id=str(grievance_id)).get()
    assert entry.actor == "reporter" and "Li Wei" not in json.dumps(entry.summary)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "description"),
        ({"description": ""}, "description"),
        ({"description": "x", "relation": "boss"}, "relation"),
        ({"description": "x", "language": "fr"}, "language"),
        ({"description": "x", "occurred_on": "2999-01-01"}, "occurred_on"),
        ({"description": "x", "occurred_on": "yesterday"}, "occurred_on"),
        ({"description": "x", "involved": ["n" * 201]}, "involved"),
        ({"description": "x" * 20_001}, "description"),
        ({"description": "x", "attachments": [{"name": "a.txt", "content": "not base64!"}]}, "attachments"),
    ],
)
def test_a_malformed_report_is_refused_by_field_and_stores_nothing(body, field):
    before = (Grievance.objects.count(), LedgerEntry.objects.count())
    response = post_json(Client(), URL, body)
    assert response.status_code == 422, response.content
    assert any(key.startswith(field) for key in response.json()["error"]["fields"]), response.json()
    assert (Grievance.objects.count(), LedgerEntry.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("raw", [b"[]", b"null", b"{not json", b'{"description": "a\x00b"}'])
def test_a_body_that_is_not_a_json_object_is_refused(raw):
    response = Client().post(URL, raw, content_type="application/json")
    assert response.status_code in {400, 422}
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)  # GPS latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.mark.django_db
def test_image_metadata_is_stripped_before_the_file_is_stored(report, officers):
    from conduct.apps.grievances.services import attachment_read

    photo = _jpeg_with_gps()
    assert b"SecretCam" in photo
    grievance_id, _ = report(attachments=[{"name": "p.jpg", "content": base64.b64encode(photo).decode()}])
    attachment = Attachment.objects.get(grievance_id=grievance_id)
    assert b"SecretCam" not in bytes(attachment.content_enc)
    name, kind, content = attachment_read(
        actor=officers[0], grievance_id=grievance_id, attachment_id=attachment.pk
    )
    assert (name, kind) == ("p.jpg", "image/jpeg")
    assert b"SecretCam" not in content and b"Exif" not in content
    assert Image.open(io.BytesIO(content)).size == (8, 8)


@pytest.mark.django_db
@override_settings(GRIEVANCE_ATTACHMENT_BYTES=2048)
def test_an_oversize_or_unknown_attachment_is_refused():
    big = base64.b64encode(b"a" * 2049).decode()
    response = post_json(
        Client(), URL, {"description": "x", "attachments": [{"name": "a.txt", "content": big}]}
    )
    assert response.status_code == 422 and "attachments[0]" in response.json()["error"]["fields"]
    exe = base64.b64encode(b"MZ\x90\x00\x03\x00\xff\xfe").decode()
    response = post_json(
        Client(), URL, {"description": "x", "attachments": [{"name": "a.exe", "content": exe}]}
    )
    assert response.status_code == 422 and "attachments[0]" in response.json()["error"]["fields"]
    assert not Grievance.objects.filter(description_enc="").exists()


@pytest.mark.django_db
def test_an_oversize_upload_to_the_page_is_refused_with_413(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_UPLOAD_BYTES = 2048
    before = Grievance.objects.count()
    upload = SimpleUploadedFile("big.txt", b"a" * 50_000)
    response = Client().post("/report/", {"description": "x", "attachments": upload})
    assert response.status_code == 413
    assert Grievance.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("receipt", ["0000000000000000", "1234", "abcdabcdabcdabcd", "1" * 40])
def test_a_wrong_receipt_answers_404_and_opens_nothing(receipt, report):
    report()
    response = post_json(Client(), f"{URL}/session", {"receipt": receipt})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "wrong_receipt"
    assert "session" not in response.json()


@pytest.mark.django_db
def test_the_receipt_opens_the_thread_with_spaces_or_dashes(report):
    _, receipt = report(language="zh-hans")
    spaced = "-".join(receipt[i : i + 4] for i in range(0, 16, 4))
    response = post_json(Client(), f"{URL}/session", {"receipt": spaced})
    assert response.status_code == 200
    assert response.json()["grievance"]["language"] == "zh-hans"
    assert response.json()["grievance"]["status"] == "received"


@pytest.mark.django_db
@override_settings(GRIEVANCE_WRONG_RECEIPT_LIMIT_PER_HOUR=3)
def test_wrong_receipts_are_limited_globally_not_per_address():
    IntakeCounter.objects.all().delete()
    codes = [post_json(Client(), f"{URL}/session", {"receipt": f"{n:016d}"}).status_code for n in range(1, 6)]
    assert codes == [404, 404, 404, 429, 429]


@pytest.mark.django_db
@override_settings(GRIEVANCE_RECEIPT_SESSIONS_PER_DAY=2, GRIEVANCE_RECEIPT_MESSAGES_PER_DAY=1)
def test_each_receipt_has_daily_limits(report, session):
    _, receipt = report()
    token = session(receipt)
    session(receipt)
    assert post_json(Client(), f"{URL}/session", {"receipt": receipt}).status_code == 429
    first = post_json(Client(), f"{URL}/session/messages", {"session": token, "body": "More details"})
    assert first.status_code == 201
    second = post_json(Client(), f"{URL}/session/messages", {"session": token, "body": "Even more"})
    assert second.status_code == 429 and second.json()["error"]["code"] == "throttled"


@pytest.mark.django_db
@override_settings(GRIEVANCE_CHALLENGE=8)
def test_with_the_challenge_on_each_submission_needs_a_fresh_proof_of_work():
    client = Client()
    assert post_json(client, URL, {"description": "x"}).status_code == 422
    issued = client.get(f"{URL}/challenge?purpose=submit").json()
    assert issued["bits"] == 8
    wrong = post_json(client, URL, {"description": "x", "challenge": issued["challenge"], "nonce": "no"})
    nonce = solve(issued["challenge"], 8)
    if wrong.status_code != 201:  # "no" may answer by chance (1 in 256)
        assert wrong.json()["error"]["fields"] == {"nonce": wrong.json()["error"]["fields"]["nonce"]}
    body = {"description": "x", "challenge": issued["challenge"], "nonce": nonce}
    first = post_json(client, URL, body)
    assert first.status_code == 201 or wrong.status_code == 201
    reused = post_json(client, URL, body)
    assert reused.status_code == 422 and "challenge" in reused.json()["error"]["fields"]
    session_challenge = client.get(f"{URL}/challenge?purpose=session").json()["challenge"]
    other = post_json(client, URL, {"description": "x", "challenge": session_challenge, "nonce": "0"})
    assert other.status_code == 422


@pytest.mark.django_db
@override_settings(GRIEVANCE_SUBMIT_LIMIT_PER_HOUR=2)
def test_submissions_are_limited_per_hour_across_everyone(report):
    IntakeCounter.objects.all().delete()
    report()
    report()
    response = post_json(Client(), URL, {"description": "third"})
    assert response.status_code == 429


@pytest.mark.django_db
def test_the_report_page_works_in_english_and_chinese_and_records_the_language():
    page = Client().get("/report/?lang=zh-hans")
    assert page.status_code == 200 and "举报问题" in page.content.decode()
    assert 'href="?lang=en"' in page.content.decode()  # the switcher
    english = Client().get("/report/").content.decode()
    assert "Report a concern" in english
    response = Client().post(
        "/report/", {"lang": "zh-hans", "description": "工厂不给加班费", "relation": "supplier_worker"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    receipt = "".join(ch for ch in text.split('data-testid="receipt"><strong>')[1][:19] if ch.isdigit())
    assert len(receipt) == 16 and "回执号" in text
    stored = Grievance.objects.order_by("-pk").first()
    assert (stored.language, stored.channel, stored.relation) == ("zh-hans", "web", "supplier_worker")
    follow = Client().post("/report/follow-up", {"receipt": receipt, "lang": "zh-hans"})
    assert follow.status_code == 200 and "您的举报" in follow.content.decode()


@pytest.mark.django_db
def test_the_report_page_says_what_is_wrong_without_storing_anything():
    before = Grievance.objects.count()
    response = Client().post("/report/", {"description": "", "occurred_on": "31/12/2026"})
    assert response.status_code == 422
    assert Grievance.objects.count() == before
