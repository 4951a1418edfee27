"""The demo's correspondence and commitments, loaded by `conduct demo load` after the organisation.

A data-protection regulator writes to the UK branch with two questions; the reply's answers are drafted by the
officer, reviewed by the legal department (liaison_legal), approved by the officer and marked sent. Two
commitments follow from it: one done with a control as its evidence, one overdue. A letter on lawful use goes
to three partners, one of whom has acknowledged it. Idempotent: nothing is loaded again once the regulator
exists.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from conduct.apps.accounts.actors import DEMO
from conduct.apps.accounts.models import OrgUnit, User
from conduct.apps.catalog.models import Control
from conduct.apps.engagement import services
from conduct.apps.engagement.models import Correspondence, Counterpart

REGULATOR = "Northbridge Data Protection Authority"
QUESTIONS = [
    "Which of your products sold in the United Kingdom can run face recognition, and is it switched on by "
    "default?",
    "How do you make sure that integrators do not deploy your video analytics for unlawful mass "
    "surveillance?",
]
ANSWERS = [
    "Two analytics products can run face recognition. In both it is switched off by default and can only be "
    "switched on with a licence that the sales-deal gate has cleared; the product pages list them.",
    "Every sales deal that includes analytics passes the sales-deal gate, which screens the end user and the "
    "declared end use and refers high-risk deals to the Technical Ethics Committee. Integrators sign our "
    "lawful-use terms and receive our lawful-use letter.",
]


def _counterparts() -> tuple[Counterpart, list[Counterpart]]:
    regulator = services.counterpart_create(
        actor=DEMO, kind="regulator", name=REGULATOR, country="GB", contact="casework@northbridge-dpa.example"
    )
    services.counterpart_create(
        actor=DEMO, kind="investigator", name="Independent Human Rights Review Panel", country="CH"
    )
    partners = [
        services.counterpart_create(actor=DEMO, kind="partner_integrator", name=name, country=country)
        for name, country in (("SecureView Integration Ltd", "GB"), ("Rhein Sicherheitstechnik GmbH", "DE"))
    ]
    partners.append(
        services.counterpart_create(
            actor=DEMO, kind="partner_distributor", name="Gulf Vision Distribution LLC", country="AE"
        )
    )

    return regulator, partners


def _letters(uk: OrgUnit, regulator: Counterpart) -> Correspondence:
    """The regulator's letter and the reply whose answers went through legal and the officer."""
    today = timezone.localdate()
    officer = User.objects.get(username="officer")
    legal = User.objects.get(username="liaison_legal")
    letter = services.correspondence_create(
        actor=DEMO,
        owner_unit=uk,
        counterpart=regulator,
        direction="in",
        kind="letter",
        date=today - timedelta(days=60),
        channel="email",
        subject="Face recognition analytics in UK deployments",
        summary="The authority asks which products can run face recognition and how misuse is prevented.",
        reference="NDPA/2026/0412",
        questions=QUESTIONS,
    )
    reply = services.correspondence_create(
        actor=DEMO,
        owner_unit=uk,
        counterpart=regulator,
        in_reply_to=letter,
        direction="out",
        kind="letter",
        date=today - timedelta(days=40),
        channel="email",
        subject="Re: Face recognition analytics in UK deployments",
        summary="Our answers to the authority's two questions.",
        reference="NDPA/2026/0412",
    )
    for question, text in zip(letter.questions.order_by("number"), ANSWERS, strict=True):
        services.answer_draft(actor=officer, question=question, text=text)
        services.answer_review(actor=officer, question=question, action="submit")
        services.answer_review(actor=legal, question=question, action="legal_approve")
        services.answer_review(actor=officer, question=question, action="approve")
        services.answer_review(actor=officer, question=question, action="send", sent_in=reply)

    return reply


def _commitments(uk: OrgUnit, reply: Correspondence) -> None:
    today = timezone.localdate()
    done = services.commitment_create(
        actor=DEMO,
        owner_unit=uk,
        correspondence=reply,
        made_in="letter",
        text="Screen every UK sales deal that includes video analytics at the sales-deal gate, end use "
        "included.",
        due_date=today - timedelta(days=30),
        public=True,
    )
    control = Control.objects.filter(code="gate-sales-end-use").first()
    if control is not None:
        services.commitment_add_evidence(
            actor=DEMO, commitment=done, kind="control", target_id=control.pk, note="The gate's end-use rule"
        )
        services.commitment_set_status(actor=DEMO, commitment=done, status="done")
    overdue = services.commitment_create(
        actor=DEMO,
        owner_unit=uk,
        correspondence=reply,
        made_in="letter",
        text="Send the lawful-use letter to every UK integrator and report who has acknowledged it.",
        due_date=today - timedelta(days=10),
        public=True,
    )
    services.commitment_set_status(actor=DEMO, commitment=overdue, status="in_progress")


def _partner_letter(uk: OrgUnit, partners: list[Counterpart]) -> None:
    today = timezone.localdate()
    partner_letter = services.correspondence_create(
        actor=DEMO,
        owner_unit=uk,
        recipients=partners,
        direction="out",
        kind="letter",
        date=today - timedelta(days=20),
        channel="email",
        subject="Lawful use of video analytics: what we expect of our partners",
        summary="Partners confirm that they will not deploy our analytics for unlawful mass surveillance.",
    )
    services.letter_acknowledge(
        actor=DEMO,
        correspondence=partner_letter,
        counterpart=partners[0],
        by="J. Porter, director",
        how="signed copy",
    )


@transaction.atomic
def load_demo_engagement() -> int:
    if Counterpart.objects.filter(name=REGULATOR).exists():
        return 0
    uk = OrgUnit.objects.get(code="br-uk")
    regulator, partners = _counterparts()
    reply = _letters(uk, regulator)
    _commitments(uk, reply)
    _partner_letter(uk, partners)
    return 9
