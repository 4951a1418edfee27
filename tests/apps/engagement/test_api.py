"""The engagement API: 422s naming the field, scoping, partner letters' acknowledgements, CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.utils import timezone

from tests.factories.engagement import CommitmentFactory, CounterpartFactory


def _fields(response, status=422) -> set[str]:
    assert response.status_code == status, response.content[:300]
    return set(response.json()["error"]["fields"])


def test_a_counterpart_with_a_bad_country_or_kind_is_refused_by_field(world, api_client):
    client = api_client(world.liaison)
    bad = client.post(
        "/api/v1/counterparts",
        {"kind": "pirate", "name": "X", "country": "XX"},
        content_type="application/json",
    )
    assert _fields(bad) == {"kind", "country"}
    ok = client.post(
        "/api/v1/counterparts",
        {"kind": "media", "name": "Daily", "country": "de"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["country"] == "DE"


def test_correspondence_is_refused_by_field(world, api_client):
    client = api_client(world.liaison)
    base = {"direction": "in", "date": "2026-01-05", "channel": "email", "subject": "S"}
    assert _fields(
        client.post(
            "/api/v1/correspondence", {**base, "owner_unit": "t-legal"}, content_type="application/json"
        )
    ) == {"owner_unit"}
    assert _fields(
        client.post(
            "/api/v1/correspondence",
            {**base, "owner_unit": "t-branch", "counterpart": 99999999},
            content_type="application/json",
        )
    ) == {"counterpart"}
    assert _fields(
        client.post(
            "/api/v1/correspondence",
            {**base, "owner_unit": "t-branch", "channel": "pigeon"},
            content_type="application/json",
        )
    ) == {"channel", "counterpart"}


def test_a_letter_to_partners_tracks_who_has_acknowledged(world, api_client):
    first, second = (
        CounterpartFactory(kind="partner_integrator"),
        CounterpartFactory(kind="partner_distributor"),
    )
    regulator = CounterpartFactory()
    client = api_client(world.liaison)
    body = {
        "direction": "out",
        "date": "2026-01-05",
        "channel": "post",
        "subject": "Lawful use",
        "owner_unit": "t-branch",
    }
    assert _fields(
        client.post(
            "/api/v1/correspondence",
            {**body, "recipients": [first.pk, regulator.pk]},
            content_type="application/json",
        )
    ) == {"recipients"}
    created = client.post(
        "/api/v1/correspondence",
        {**body, "recipients": [first.pk, second.pk]},
        content_type="application/json",
    )
    assert created.status_code == 201
    letter = created.json()
    assert sorted(letter["not_acknowledged"]) == sorted([first.name, second.name])

    url = f"/api/v1/correspondence/{letter['id']}/acknowledgements"
    ack = client.post(
        url, {"counterpart": first.pk, "by": "A. Person", "how": "email"}, content_type="application/json"
    )
    assert ack.status_code == 200 and ack.json()["acknowledged_by"] == "A. Person"
    again = client.post(
        url, {"counterpart": first.pk, "by": "A. Person", "how": "email"}, content_type="application/json"
    )
    assert again.status_code == 409
    stranger = client.post(
        url, {"counterpart": regulator.pk, "by": "B", "how": "email"}, content_type="application/json"
    )
    assert _fields(stranger) == {"counterpart"}
    detail = client.get(f"/api/v1/correspondence/{letter['id']}").json()
    assert detail["not_acknowledged"] == [second.name]


def test_a_reply_threads_under_its_letter(world, api_client):
    client = api_client(world.liaison)
    reply = client.post(
        "/api/v1/correspondence",
        {
            "direction": "out",
            "date": timezone.localdate().isoformat(),
            "channel": "email",
            "subject": "Re",
            "owner_unit": "t-branch",
            "counterpart": world.letter.counterpart_id,
            "in_reply_to": world.letter.pk,
        },
        content_type="application/json",
    )
    assert reply.status_code == 201
    assert reply.json()["thread"] == [world.letter.pk, reply.json()["id"]]
    assert client.get(f"/api/v1/correspondence/{world.letter.pk}").json()["thread"] == [
        world.letter.pk,
        reply.json()["id"],
    ]


def test_the_review_over_the_api(world, api_client):
    q = world.question.pk
    assert (
        api_client(world.liaison)
        .put(f"/api/v1/questions/{q}/answer", {"answer": "A"}, content_type="application/json")
        .status_code
        == 200
    )
    review = api_client(world.liaison).post(
        f"/api/v1/questions/{q}/review", {"action": "jump"}, content_type="application/json"
    )
    assert _fields(review) == {"action"}
    assert (
        api_client(world.liaison)
        .post(f"/api/v1/questions/{q}/review", {"action": "submit"}, content_type="application/json")
        .json()["status"]
        == "legal_review"
    )
    wrong = api_client(world.officer).post(
        f"/api/v1/questions/{q}/review", {"action": "approve"}, content_type="application/json"
    )
    assert wrong.status_code == 409
    forbidden = api_client(world.liaison).post(
        f"/api/v1/questions/{q}/review", {"action": "legal_approve"}, content_type="application/json"
    )
    assert forbidden.status_code == 403


def test_commitments_are_refused_by_field_and_filtered_by_overdue(world, api_client):
    client = api_client(world.liaison)
    bad = client.post(
        "/api/v1/commitments",
        {"made_in": "letter", "text": "", "owner_unit": "t-branch", "due_date": "2026-01-05"},
        content_type="application/json",
    )
    assert _fields(bad) == {"text"}
    bad_date = client.post(
        "/api/v1/commitments",
        {"made_in": "letter", "text": "T", "owner_unit": "t-branch", "due_date": "soon"},
        content_type="application/json",
    )
    assert "due_date" in _fields(bad_date)
    today = timezone.localdate()
    late = CommitmentFactory(owner_unit=world.branch, due_date=today - timedelta(days=1))
    CommitmentFactory(owner_unit=world.branch, due_date=today + timedelta(days=1))
    listed = client.get("/api/v1/commitments?status=overdue").json()["items"]
    assert [c["id"] for c in listed] == [late.pk] and listed[0]["overdue"] is True
    assert _fields(client.get("/api/v1/commitments?status=late")) == {"status"}
    status = client.post(
        f"/api/v1/commitments/{late.pk}/status", {"status": "done"}, content_type="application/json"
    )
    assert _fields(status) == {"evidence"}


def test_the_csv_exports_are_formula_safe_and_scoped(world, api_client):
    CommitmentFactory(owner_unit=world.branch, text='=HYPERLINK("http://evil")')
    CommitmentFactory(owner_unit=world.legal, text="Another unit's")
    response = api_client(world.liaison).get("/api/v1/commitments/export")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["text"] for r in rows] == ['\'=HYPERLINK("http://evil")']
    letters = api_client(world.liaison).get("/api/v1/correspondence/export")
    rows = list(csv.DictReader(io.StringIO(letters.content.decode("utf-8-sig"))))
    assert [int(r["id"]) for r in rows] == [world.letter.pk] and rows[0]["questions"] == "1"


def test_another_units_letter_is_not_found(world, api_client):
    client = api_client(world.outsider)
    assert client.get(f"/api/v1/correspondence/{world.letter.pk}").status_code == 404
    assert client.get(f"/engagement/correspondence/{world.letter.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/questions/{world.question.pk}/review",
            {"action": "submit"},
            content_type="application/json",
        ).status_code
        == 404
    )
