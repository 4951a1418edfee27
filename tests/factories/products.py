"""Product-register rows: products under a business unit, releases, and SBOM components. Written directly (no
ledger entries); the product tests import SBOMs and load vulnerability data through the services."""

from __future__ import annotations

import factory
from django.utils import timezone

from conduct.apps.accounts.models import OrgUnitKind
from conduct.apps.products.models import Component, Product, Release, VulnerabilityReport
from conduct.apps.products.services._disclosure import deadlines
from tests.factories.accounts import OrgUnitFactory


class BusinessUnitFactory(OrgUnitFactory):
    kind = OrgUnitKind.BUSINESS_UNIT
    code = factory.Sequence(lambda n: f"bu-test-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    model = factory.Sequence(lambda n: f"TEST-CAM-{n}")
    name = factory.Sequence(lambda n: f"Test camera {n}")
    type = "ip_camera"
    capabilities = factory.LazyFunction(lambda: ["motion_detection"])
    business_unit = factory.SubFactory(BusinessUnitFactory)


class ReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Release

    product = factory.SubFactory(ProductFactory)
    version = factory.Sequence(lambda n: f"1.0.{n}")
    status = "draft"


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    release = factory.SubFactory(ReleaseFactory)
    position = factory.Sequence(int)
    name = "openssl"
    version = "1.1.1k"


class VulnerabilityReportFactory(factory.django.DjangoModelFactory):
    """A report as received now, with the default deadlines (written directly: no ledger entry)."""

    class Meta:
        model = VulnerabilityReport

    reference = factory.Sequence(lambda n: f"VR-2026-TEST{n:08d}")
    product_text = "TEST-CAM"
    summary = "Test vulnerability"
    details = "Steps to reproduce."
    received_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("received_at")
    acknowledge_by = factory.LazyAttribute(lambda o: deadlines(o.received_at)[0])
    update_by = factory.LazyAttribute(lambda o: deadlines(o.received_at)[1])
    resolve_by = factory.LazyAttribute(lambda o: deadlines(o.received_at)[2])
