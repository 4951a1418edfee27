"""Recording a version of the framework library."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.db import transaction

from conduct.apps.accounts.actors import Actor
from conduct.apps.accounts.scoping import authorize
from conduct.apps.audit.services import actor_label, ledger_append
from conduct.apps.catalog.actions import LedgerAction
from conduct.apps.catalog.models import (
    LibraryVersion,
)
from conduct.core.catalog import FrameworkLibrary, load_library
from conduct.datafiles import data_path


@dataclass(frozen=True)
class LibraryLoad:
    library: FrameworkLibrary
    version: LibraryVersion
    created: bool


@transaction.atomic
def library_record(*, actor: Actor, path: str | os.PathLike[str] | None = None) -> LibraryLoad:
    """Validate the library at `path` (data/frameworks by default) and record its version.

    Raises conduct.core.catalog.CatalogError (every problem with file and line) and records nothing when the
    library does not validate. A version already recorded is not recorded again.
    """
    authorize(actor, "frameworks.load")
    lib = load_library(path or data_path("frameworks"))
    existing = LibraryVersion.objects.filter(version=lib.version).first()
    if existing is not None:
        return LibraryLoad(lib, existing, False)
    contents = [
        {
            "slug": f.slug,
            "short_name": f.short_name,
            "requirements": len(f.requirements),
            "content_hash": f.content_hash,
        }
        for f in lib.frameworks
    ]
    version = LibraryVersion.objects.create(
        version=lib.version,
        frameworks=len(lib.frameworks),
        requirements=len(lib.requirements),
        mappings=len(lib.mappings),
        contents=contents,
        loaded_by=actor_label(actor),
    )
    ledger_append(
        actor=actor,
        action=LedgerAction.FRAMEWORKS_LOAD,
        object_type="library_version",
        object_id=version.pk,
        summary={
            "version": lib.version,
            "frameworks": len(lib.frameworks),
            "requirements": len(lib.requirements),
            "mappings": len(lib.mappings),
        },
    )
    return LibraryLoad(lib, version, True)
