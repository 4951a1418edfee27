"""The answer to a regulator's question: drafted, legal review, officer approval, sent; the sent text is
final and ledgered with its SHA-256."""

from __future__ import annotations

import hashlib

import pytest

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.engagement import services
from conduct.apps.errors import Conflict, Forbidden, Invalid

TEXT = "We switch it off by default."


def _to_officer(world) -> None:
    services.answer_draft(actor=world.liaison, question=world.question, text=TEXT)
    services.answer_review(actor=world.liaison, question=world.question, action="submit")
    services.answer_review(actor=world.legal_liaison, question=world.question, action="legal_approve")


def test_an_answer_goes_through_legal_then_the_officer_and_is_sent_with_its_hash(world):
    _to_officer(world)
    services.answer_review(actor=world.officer, question=world.question, action="approve")
    sent = services.answer_review(actor=world.officer, question=world.question, action="send")

    digest = hashlib.sha256(TEXT.encode()).hexdigest()
    assert sent.status == "sent" and sent.sent_sha256 == digest
    assert sent.legal_reviewed_by == world.legal_liaison and sent.approved_by == world.officer
    entry = LedgerEntry.objects.filter(action="answer.send", object_id=str(sent.pk)).get()
    assert entry.summary["answer_sha256"] == digest
    steps = list(
        LedgerEntry.objects.filter(object_type="question", object_id=str(sent.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert steps == ["answer.draft", "answer.submit", "answer.legal_approve", "answer.approve", "answer.send"]


@pytest.mark.parametrize(
    ("action", "who"),
    [("legal_approve", "legal_liaison"), ("approve", "officer"), ("send", "officer")],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(world, action, who):
    services.answer_draft(actor=world.liaison, question=world.question, text=TEXT)
    before = LedgerEntry.objects.count()
    with pytest.raises(Conflict) as refused:
        services.answer_review(actor=getattr(world, who), question=world.question, action=action)
    assert refused.value.code == "wrong_step"
    world.question.refresh_from_db()
    assert world.question.status == "draft"
    assert LedgerEntry.objects.count() == before


def test_the_officer_cannot_approve_what_legal_has_not_reviewed(world):
    services.answer_draft(actor=world.liaison, question=world.question, text=TEXT)
    services.answer_review(actor=world.liaison, question=world.question, action="submit")
    with pytest.raises(Conflict):
        services.answer_review(actor=world.officer, question=world.question, action="approve")


def test_only_the_legal_department_makes_the_legal_review(world):
    services.answer_draft(actor=world.liaison, question=world.question, text=TEXT)
    services.answer_review(actor=world.liaison, question=world.question, action="submit")
    for actor in (world.liaison, world.officer, world.outsider):  # another unit's liaison; no legal role
        with pytest.raises(Forbidden):
            services.answer_review(actor=actor, question=world.question, action="legal_approve")
    with pytest.raises(Forbidden):  # and legal may not approve in the officer's place
        services.answer_review(actor=world.legal_liaison, question=world.question, action="approve")


def test_legal_returns_the_draft_with_a_note_and_it_is_redrafted(world):
    services.answer_draft(actor=world.liaison, question=world.question, text=TEXT)
    services.answer_review(actor=world.liaison, question=world.question, action="submit")
    with pytest.raises(Invalid) as no_note:
        services.answer_review(actor=world.legal_liaison, question=world.question, action="legal_return")
    assert set(no_note.value.fields) == {"note"}

    returned = services.answer_review(
        actor=world.legal_liaison,
        question=world.question,
        action="legal_return",
        note="Cite the licence terms.",
    )
    assert returned.status == "draft" and returned.returned_note == "Cite the licence terms."
    services.answer_draft(actor=world.liaison, question=world.question, text=TEXT + " Licence terms apply.")
    again = services.answer_review(actor=world.liaison, question=world.question, action="submit")
    assert again.status == "legal_review" and again.returned_note == ""


def test_a_draft_in_review_is_not_edited(world):
    services.answer_draft(actor=world.liaison, question=world.question, text=TEXT)
    services.answer_review(actor=world.liaison, question=world.question, action="submit")
    with pytest.raises(Conflict):
        services.answer_draft(actor=world.liaison, question=world.question, text="Changed in review")


def test_the_sent_text_is_final(world):
    _to_officer(world)
    services.answer_review(actor=world.officer, question=world.question, action="approve")
    services.answer_review(actor=world.officer, question=world.question, action="send")
    for attempt in (
        lambda: services.answer_draft(actor=world.liaison, question=world.question, text="Rewritten"),
        lambda: services.answer_review(
            actor=world.officer, question=world.question, action="return", note="x"
        ),
        lambda: services.answer_review(actor=world.officer, question=world.question, action="send"),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "answer_sent"
    world.question.refresh_from_db()
    assert world.question.answer == TEXT and world.question.status == "sent"


def test_an_empty_draft_is_not_submitted(world):
    with pytest.raises(Invalid) as refused:
        services.answer_review(actor=world.liaison, question=world.question, action="submit")
    assert "answer" in refused.value.fields


def test_without_a_legal_department_the_legal_review_is_refused(world, settings):
    services.answer_draft(actor=world.liaison, question=world.question, text=TEXT)
    services.answer_review(actor=world.liaison, question=world.question, action="submit")
    settings.CONDUCT = {**settings.CONDUCT, "ENGAGEMENT_LEGAL_UNIT": "no-such-unit"}
    with pytest.raises(Conflict) as refused:
        services.answer_review(actor=world.legal_liaison, question=world.question, action="legal_approve")
    assert refused.value.code == "no_legal_unit"


def test_the_legal_department_sees_the_letters_it_reviews(world, api_client):
    client = api_client(world.legal_liaison)
    assert client.get(f"/api/v1/correspondence/{world.letter.pk}").status_code == 200
    assert api_client(world.outsider).get(f"/api/v1/correspondence/{world.letter.pk}").status_code == 404
