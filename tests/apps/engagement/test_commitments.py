"""Commitments: status rules (done needs evidence, dropped needs a reason, closed is final), evidence links
checked to exist, and the daily escalation of overdue ones (once per slip)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conduct.apps.audit.models import LedgerEntry
from conduct.apps.engagement import services
from conduct.apps.engagement.models import CorrespondenceDocument
from conduct.apps.errors import Conflict, Forbidden, Invalid
from conduct.apps.notifications.models import Notification
from tests.factories.engagement import CommitmentFactory
from tests.factories.governance import CaseFactory


def _document(world) -> CorrespondenceDocument:
    return services.document_add(
        actor=world.liaison, correspondence=world.letter, filename="minutes.txt", content=b"Minutes"
    )


def test_done_needs_evidence(world):
    item = CommitmentFactory(owner_unit=world.branch)
    with pytest.raises(Invalid) as refused:
        services.commitment_set_status(actor=world.liaison, commitment=item, status="done")
    assert set(refused.value.fields) == {"evidence"}
    services.commitment_add_evidence(
        actor=world.liaison, commitment=item, kind="document", target_id=_document(world).pk
    )
    done = services.commitment_set_status(actor=world.liaison, commitment=item, status="done")
    assert done.status == "done" and done.closed_at is not None


def test_dropped_needs_a_reason_and_closed_is_final(world):
    item = CommitmentFactory(owner_unit=world.branch)
    with pytest.raises(Invalid) as refused:
        services.commitment_set_status(actor=world.liaison, commitment=item, status="dropped")
    assert set(refused.value.fields) == {"reason"}
    dropped = services.commitment_set_status(
        actor=world.liaison, commitment=item, status="dropped", reason="Superseded by the new law"
    )
    assert dropped.drop_reason == "Superseded by the new law"
    with pytest.raises(Conflict):
        services.commitment_set_status(actor=world.liaison, commitment=item, status="open")
    with pytest.raises(Conflict):
        services.commitment_update(actor=world.liaison, commitment=item, text="Changed")


def test_an_unknown_status_names_the_field(world):
    item = CommitmentFactory(owner_unit=world.branch)
    with pytest.raises(Invalid) as refused:
        services.commitment_set_status(actor=world.liaison, commitment=item, status="finished")
    assert set(refused.value.fields) == {"status"}


def test_evidence_must_exist_and_be_of_a_known_kind(world):
    item = CommitmentFactory(owner_unit=world.branch)
    with pytest.raises(Invalid) as missing:
        services.commitment_add_evidence(
            actor=world.liaison, commitment=item, kind="case", target_id=987654321
        )
    assert set(missing.value.fields) == {"target_id"}
    with pytest.raises(Invalid) as kind:
        services.commitment_add_evidence(actor=world.liaison, commitment=item, kind="tweet", target_id=1)
    assert set(kind.value.fields) == {"kind"}
    case = CaseFactory()
    link = services.commitment_add_evidence(
        actor=world.liaison, commitment=item, kind="case", target_id=case.pk
    )
    assert (link.kind, link.target_id) == ("case", case.pk)
    with pytest.raises(Conflict):
        services.commitment_add_evidence(actor=world.liaison, commitment=item, kind="case", target_id=case.pk)


def test_another_units_liaison_may_not_touch_the_commitment(world):
    item = CommitmentFactory(owner_unit=world.branch)
    with pytest.raises(Forbidden):
        services.commitment_set_status(actor=world.outsider, commitment=item, status="in_progress")


def test_overdue_commitments_are_escalated_once_per_slip(world):
    today = timezone.localdate()
    late = CommitmentFactory(
        owner_unit=world.branch, due_date=today - timedelta(days=3), status="in_progress"
    )
    done = CommitmentFactory(owner_unit=world.branch, due_date=today - timedelta(days=3), status="done")
    upcoming = CommitmentFactory(owner_unit=world.branch, due_date=today + timedelta(days=30))

    def notices() -> set[str]:
        rows = Notification.objects.filter(kind="overdue", link=f"/engagement/commitments/{late.pk}/")
        return {n.user.username for n in rows}

    first = {c.pk for c in services.commitments_escalate_overdue(today=today)}  # the demo's overdue one too
    assert late.pk in first and not first & {done.pk, upcoming.pk}
    assert {world.liaison.username, world.officer.username} <= notices()
    count = Notification.objects.count()
    assert services.commitments_escalate_overdue(today=today) == []
    assert services.commitments_escalate_overdue(today=today + timedelta(days=1)) == []
    assert Notification.objects.count() == count

    # a new due date that slips again is a new slip
    services.commitment_update(actor=world.liaison, commitment=late, due_date=today + timedelta(days=2))
    assert services.commitments_escalate_overdue(today=today + timedelta(days=1)) == []
    assert [c.pk for c in services.commitments_escalate_overdue(today=today + timedelta(days=5))] == [late.pk]
    assert LedgerEntry.objects.filter(action="commitment.escalate", object_id=str(late.pk)).count() == 2


def test_the_daily_task_is_registered():
    from conduct.apps.web.management.commands.worker import DAILY_JOBS

    assert "conduct.apps.engagement.tasks.escalate_overdue_commitments" in DAILY_JOBS
