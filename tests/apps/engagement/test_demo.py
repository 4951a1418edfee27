"""The demo: a regulator's letter with two questions, a reply whose answers went through legal and the
officer, two commitments (one done with evidence, one overdue) and a partner letter half acknowledged."""

from __future__ import annotations

from django.utils import timezone

from conduct.apps.engagement.models import Commitment, Correspondence, LetterRecipient


def test_the_demo_tells_the_story(db):
    letter = Correspondence.objects.get(subject="Face recognition analytics in UK deployments")
    questions = list(letter.questions.order_by("number"))
    assert len(questions) == 2
    assert {q.status for q in questions} == {"sent"}
    assert {q.legal_reviewed_by.username for q in questions} == {"liaison_legal"}
    assert {q.approved_by.username for q in questions} == {"officer"}
    reply = letter.replies.get()
    assert {q.sent_in_id for q in questions} == {reply.pk}

    commitments = Commitment.objects.filter(correspondence=reply).order_by("due_date")
    done, overdue = commitments
    assert done.status == "done" and done.evidence.count() == 1
    assert overdue.is_overdue(timezone.localdate())
    pending = LetterRecipient.objects.filter(
        correspondence__subject__startswith="Lawful use", acknowledged_at=None
    )
    assert pending.count() == 2


def test_the_pages_render_for_the_officer(officer, api_client):
    client = api_client(officer)
    letter = Correspondence.objects.get(subject="Face recognition analytics in UK deployments")
    for url in [
        "/engagement/",
        "/engagement/counterparts/",
        f"/engagement/counterparts/{letter.counterpart_id}/",
        f"/engagement/correspondence/{letter.pk}/",
        "/engagement/commitments/?status=overdue",
        f"/engagement/commitments/{Commitment.objects.first().pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/engagement/correspondence/{letter.pk}/").content.decode()
    assert "liaison_legal" in page


def test_evidence_links_only_where_the_page_answers(world, api_client):
    from conduct.apps.engagement import services
    from tests.factories.engagement import CommitmentFactory
    from tests.factories.governance import CaseFactory

    item = CommitmentFactory(owner_unit=world.branch)
    case = CaseFactory()
    services.commitment_add_evidence(actor=world.liaison, commitment=item, kind="case", target_id=case.pk)
    document = services.document_add(
        actor=world.liaison, correspondence=world.letter, filename="m.txt", content=b"Minutes"
    )
    services.commitment_add_evidence(
        actor=world.liaison, commitment=item, kind="document", target_id=document.pk
    )
    page = api_client(world.liaison).get(f"/engagement/commitments/{item.pk}/").content.decode()
    assert f'href="/engagement/documents/{document.pk}"' in page
    assert f"/governance/cases/{case.pk}/" not in page  # the officers' queue is out of a liaison's sight
    officer_page = api_client(world.officer).get(f"/engagement/commitments/{item.pk}/").content.decode()
    assert f"/governance/cases/{case.pk}/" in officer_page
