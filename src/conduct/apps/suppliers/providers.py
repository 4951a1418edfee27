"""The reads suppliers provide to other apps (catalog, reports) through conduct.events.suppliers' providers.

Imported from SuppliersConfig.ready(): each provider wraps the scoped selector of the same record.
"""

from __future__ import annotations

from conduct.apps.suppliers import selectors, services
from conduct.events import suppliers as events

events.supplier_for.register(selectors.supplier_get)
events.audit_for.register(selectors.audit_get)
events.certificate_for.register(selectors.certificate_get)
events.finding_for.register(selectors.finding_get)

events.own_site_records.register(selectors.own_site_records)
events.own_site_certificate_create.register(services.own_site_certificate_create)
events.own_site_audit_create.register(services.own_site_audit_create)
events.own_site_finding_raise.register(services.own_site_finding_raise)
events.finding_add.register(services.finding_add)
events.action_create.register(services.action_create)
events.own_site_action_get.register(selectors.own_site_action_get)
events.action_update.register(services.action_update)
events.action_attach_evidence.register(services.action_attach_evidence)
