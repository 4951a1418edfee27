"""Device-access rows: customers, their approvers, support engineers, devices, and (for figures that count
them, such as the transparency report's) requests and access events. Written directly (no ledger entries, no
grants, no reconciliation); the access tests make requests, grants and events through the services."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from conduct.apps.access.models import AccessEvent, AccessRequest, Device, RequestStatus
from conduct.apps.accounts.models import PortalOrganisation, User

PASSWORD = "Access-test-2026!"


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortalOrganisation
        django_get_or_create = ("kind", "name")

    name = factory.Sequence(lambda n: f"Access Customer {n}")
    kind = PortalOrganisation.Kind.CUSTOMER
    country = "GB"


class _UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"access-user-{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password(PASSWORD)


class SupportEngineerFactory(_UserFactory):
    role = "support_engineer"


class ApproverFactory(_UserFactory):
    role = "customer_approver"
    portal_org = factory.SubFactory(CustomerFactory)


class CustomerUserFactory(_UserFactory):
    role = "customer"
    portal_org = factory.SubFactory(CustomerFactory)


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    serial = factory.Sequence(lambda n: f"TEST-DEV-{n:04d}")
    model = "NV-Dome 4K"
    firmware = "5.2.1"
    customer = factory.SubFactory(CustomerFactory)
    site = "Test site"
    installer = "Test Integrators Ltd"


class AccessRequestFactory(factory.django.DjangoModelFactory):
    """A request as it stands after its life: pass `status`, `created_at` and (answered) `answered_at`."""

    class Meta:
        model = AccessRequest
        skip_postgeneration_save = True

    requested_by = factory.SubFactory(SupportEngineerFactory)
    customer = factory.SubFactory(CustomerFactory)
    scopes = factory.LazyFunction(lambda: ["read_logs"])
    hours = 4
    reason = "Support ticket"
    status = RequestStatus.PENDING
    created_at = factory.LazyFunction(timezone.now)
    answer_by = factory.LazyAttribute(lambda r: r.created_at + timedelta(hours=12))


class AccessEventFactory(factory.django.DjangoModelFactory):
    """An access session as reconciliation left it (authorised or not), without the grant or case it names."""

    class Meta:
        model = AccessEvent

    device = factory.SubFactory(DeviceFactory)
    actor = "support@vendor.example"
    scope = "read_logs"
    ended_at = factory.LazyAttribute(lambda e: e.started_at + timedelta(hours=1))
    source = AccessEvent.Source.IMPORT
    started_at = factory.LazyFunction(timezone.now)
    authorised = True
    reason = "covered by a grant"
