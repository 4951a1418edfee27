"""Certificate expiry: a background task reminds the supplier's contacts and the owning liaison, once per
threshold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from conduct.apps.suppliers import services
from conduct.apps.suppliers.models import Certificate, CertificateReminder
from conduct.apps.suppliers.tasks import daily_certificate_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _liaison_email(cast):
    # the procurement liaison owns the demo suppliers' unit
    procurement = cast("liaison_procurement")
    assert procurement.email


def test_the_daily_task_reminds_the_supplier_contact_and_the_owning_liaison(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        result = daily_certificate_reminders.enqueue()
    assert result.return_value >= 3  # ACME's ISO 14001 (30 days), BRD's (45) and SEM's ISO 45001 (10)
    subjects = [m.subject for m in mail.outbox]
    acme = next(m for m in mail.outbox if "EMS-77120" in m.subject and "lan.nguyen@acme-ea.example" in m.to)
    assert "expires in 30 days" in acme.subject and "portal" in acme.body
    liaison = next(
        m
        for m in mail.outbox
        if "EMS-77120" in m.subject and m.to == ["liaison_procurement@demo.conduct.invalid"]
    )
    assert "/suppliers/" in liaison.body
    assert not any("SA-1876" in s for s in subjects)  # already expired: nothing to remind about
    assert not any("SA-2291" in s for s in subjects)  # 700 days left: not yet
    reminder = CertificateReminder.objects.get(certificate__number="EMS-77120")
    assert reminder.threshold_days == 30 and "lan.nguyen@acme-ea.example" in reminder.recipients


def test_a_second_run_sends_nothing_new_and_a_renewal_stops_the_reminders(
    django_capture_on_commit_callbacks, officer
):
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_reminders_send()
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.certificate_reminders_send()
    assert again.certificates == 0 and len(mail.outbox) == sent

    # a week later the 45-day certificate crosses no new threshold, but the 10-day one crosses 7
    with django_capture_on_commit_callbacks(execute=True):
        later = services.certificate_reminders_send(today=timezone.localdate() + timedelta(days=4))
    assert {r.certificate.number for r in CertificateReminder.objects.filter(threshold_days=7)} == {
        "TW-45-3308"
    }
    assert later.certificates == 1

    sem_cert = Certificate.objects.get(number="TW-45-3308")
    services.certificate_create(
        actor=officer,
        supplier=sem_cert.supplier,
        standard="ISO 45001",
        number="TW-45-4000",
        valid_until=timezone.localdate() + timedelta(days=1100),
    )
    with django_capture_on_commit_callbacks(execute=True):
        renewed = services.certificate_reminders_send(today=timezone.localdate() + timedelta(days=10))
    assert not CertificateReminder.objects.filter(certificate=sem_cert, threshold_days=0).exists()
    assert renewed.certificates >= 0


def test_the_expiry_window_is_configurable(settings, acme):
    cert = Certificate.objects.get(number="EMS-77120")
    assert cert.status == "expiring"
    settings.CONDUCT = {**settings.CONDUCT, "CERT_EXPIRY_WINDOW_DAYS": 14}
    assert cert.status == "valid"
