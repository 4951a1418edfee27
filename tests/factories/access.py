"""Device-access rows: customers, their approvers, support engineers and devices. Written directly (no ledger
entries); requests, grants and events are made through the services under test."""

from __future__ import annotations

import factory

from conduct.apps.access.models import Device
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
