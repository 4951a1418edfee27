"""The cross-app reads the product register implements (conduct.events.products), registered on import by
ProductsConfig.ready: the product_release gate reads its facts from here."""

from __future__ import annotations

from conduct.apps.products.facts import release_facts as _release_facts
from conduct.events.products import release_facts

release_facts.register(_release_facts)
